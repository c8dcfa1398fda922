// FaultSchedule: the nemesis of a run: every interval (randomized 0.5–1.5×, seeded) it picks
// one of its faults, begins it, holds it for about half an interval, and ends it — one fault
// at a time, like Jepsen's mixed nemesis. Faults are drawn in rounds (each once per round, in
// a random order), so every fault asked for is exercised. Each begin and end is recorded as
// a nemesis invoke when issued and an info when done (Jepsen's pair). Thread-safe: HealAll
// may race with Run.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include "harness/nemesis.h"
#include "nemesis/fault.h"

namespace faultline {

class FaultSchedule : public Nemesis {
 public:
  FaultSchedule(std::vector<std::unique_ptr<Fault>> faults, double interval_s, uint64_t seed);

  void Run(Clock::time_point end, const std::function<bool()>& stop,
           const FaultRecorder& record) override;
  void HealAll(const FaultRecorder& record) override;

 private:
  // Records the step's invoke, takes it, and records its completion.
  static void Take(const FaultStep& step, const FaultRecorder& record);

  std::mutex mu_;  // serializes calls into the faults
  std::vector<std::unique_ptr<Fault>> faults_;
  const double interval_s_;
  const uint64_t seed_;
};

}  // namespace faultline
