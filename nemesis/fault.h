// Fault: one kind of fault a nemesis can inject (partition, kill, pause, clock, loss, delay):
// it begins on targets it chooses and ends what it began. Called by one FaultSchedule, one
// call at a time (the schedule serializes Begin, End and HealAll).
#pragma once

#include <optional>
#include <string>

#include "core/random.h"
#include "core/value.h"

namespace faultline {

// A nemesis op to record: "start-partition" {"n1":["n4"],…}, "kill" "n3", …
struct FaultEvent {
  std::string f;
  Value value;        // what it hit
  std::string error;  // non-empty when it failed (the op is recorded with this error)
};

class Fault {
 public:
  virtual ~Fault() = default;
  // The --nemesis word that selects it: "partition", "kill", "kill-primary", …
  virtual std::string name() const = 0;
  // Begins the fault. A failure is reported in the event's error; whatever it did manage to
  // do is still ended by End.
  virtual FaultEvent Begin(Random& rng) = 0;
  // Ends everything this fault has in force; nullopt when nothing was. Idempotent.
  virtual std::optional<FaultEvent> End() = 0;
};

}  // namespace faultline
