// Replaying a stored run's faults: the recorded schedule read back from its history (every
// nemesis invoke: when, what, on what), and ReplayedSchedule, the nemesis that takes it again
// — each recorded begin at its recorded offset on the targets it hit (Fault::BeginAs), each
// recorded end at its offset — instead of drawing faults as FaultSchedule does. What it
// reproduces and what it cannot: docs/replay.md. Thread-safe as FaultSchedule is: HealAll
// may race with Run.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/history.h"
#include "harness/nemesis.h"
#include "nemesis/fault.h"

namespace faultline {

// One recorded nemesis invoke: a fault begun or ended.
struct RecordedStep {
  // From the start of the run's main phase, which is when its first client op was invoked
  // (the workers start the moment it begins; the history's own times count from before the
  // workload's set-up ops).
  Clock::duration offset{0};
  std::string f;
  Value value;       // what the invoke named: the begin's targets; nothing much for an end
  int64_t line = 0;  // in the history file, for messages
};

// The nemesis invokes of `history`, in order. Completions are not needed: a begin's invoke
// names what it was about to hit, and an end ends whatever its fault has in force.
std::vector<RecordedStep> RecordedSchedule(const History& history);
// The same read from a history.jsonl; the reader's error ("PATH:LINE: …") when it is not one.
Result<std::vector<RecordedStep>> ReadRecordedSchedule(const std::string& history_path);

class ReplayedSchedule : public Nemesis {
 public:
  // Matches every recorded step to one of `faults` (the faults of the run's --nemesis words):
  // a begin to a fault that begins with its f and takes its value (BeginAs), an end to the
  // fault begun before it. Any step that does not fit is an error naming its line, so a
  // replay never silently leaves out a fault.
  static Result<std::unique_ptr<ReplayedSchedule>> Make(std::vector<std::unique_ptr<Fault>> faults,
                                                        const std::vector<RecordedStep>& steps);

  // Takes each step at its offset from the call; stops at `end` or `stop()`, ending the fault
  // in force then (as FaultSchedule does) and leaving the rest to HealAll.
  void Run(Clock::time_point end, const std::function<bool()>& stop,
           const FaultRecorder& record) override;
  void HealAll(const FaultRecorder& record) override;

 private:
  // A step matched to its fault; `begin` is the decided begin (none for an end).
  struct Planned {
    Clock::duration offset;
    Fault* fault;
    std::optional<FaultStep> begin;
  };
  explicit ReplayedSchedule(std::vector<std::unique_ptr<Fault>> faults)
      : faults_(std::move(faults)) {}

  std::mutex mu_;  // serializes calls into the faults
  std::vector<std::unique_ptr<Fault>> faults_;
  std::vector<Planned> plan_;
};

}  // namespace faultline
