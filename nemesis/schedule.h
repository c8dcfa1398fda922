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

// What every schedule of faults does the same way (this one and ReplayedSchedule, replay.h):
// records the step's invoke, takes it, and records its completion — a nemesis op pair.
void TakeStep(const FaultStep& step, const FaultRecorder& record);
// Sleeps until `t`; false when the run is over first (`end` passed, or `stop()`).
bool WaitUntil(Clock::time_point t, Clock::time_point end, const std::function<bool()>& stop);
// Takes the end step of every fault that has one in force.
void EndAll(const std::vector<std::unique_ptr<Fault>>& faults, const FaultRecorder& record);

class FaultSchedule : public Nemesis {
 public:
  FaultSchedule(std::vector<std::unique_ptr<Fault>> faults, double interval_s, uint64_t seed);

  void Run(Clock::time_point end, const std::function<bool()>& stop,
           const FaultRecorder& record) override;
  void HealAll(const FaultRecorder& record) override;

 private:
  std::mutex mu_;  // serializes calls into the faults
  std::vector<std::unique_ptr<Fault>> faults_;
  const double interval_s_;
  const uint64_t seed_;
};

}  // namespace faultline
