// Fault: one kind of fault a nemesis can inject (partition, kill, pause, clock, loss, delay):
// it begins on targets it chooses and ends what it began. Each begin and end is a FaultStep —
// decided first, taken after the schedule has recorded it as issued — so the history stamps a
// fault before its first effect. A replay (nemesis/replay.h) begins it on the targets a stored
// run recorded instead (BeginAs). Called by one schedule, one call at a time (the schedule
// serializes Begin, BeginAs, End, HealAll and the taking of their steps).
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "core/random.h"
#include "core/status.h"
#include "core/value.h"

namespace faultline {

// A nemesis op to record: "start-partition" {"n1":["n4"],…}, "kill" "n3", …
struct FaultEvent {
  std::string f;
  Value value;        // what it hits
  std::string error;  // non-empty when it failed (the completion is recorded with this error)
};

// One step of a fault, beginning or ending it, decided but not yet taken. The schedule
// records `issued` as the nemesis invoke, then calls Take and records what it returns as
// the info completion: nothing touches the cluster before Take.
struct FaultStep {
  FaultEvent issued;  // what it is about to do; its error, when the step cannot be taken
  // Does it and returns what it did: the value as done, the same f, and any error. Empty
  // when there is nothing it can do (issued.error says why).
  std::function<FaultEvent()> act;

  FaultEvent Take() const { return act ? act() : issued; }
};

// The f of the nemesis ops that begin and end a fault: "kill" and "start", "start-partition"
// and "stop-partition", … — what a replay reads a recorded schedule by.
struct FaultOps {
  std::string begin, end;
};

class Fault {
 public:
  virtual ~Fault() = default;
  // The --nemesis word that selects it: "partition", "kill", "kill-primary", …
  virtual std::string name() const = 0;
  // Decides how to begin the fault (targets drawn from `rng`); acts only when the step is
  // taken. A failure is reported in the taken step's error; whatever it did manage to do is
  // still ended by End.
  virtual FaultStep Begin(Random& rng) = 0;
  // Decides to begin the fault on what a recorded begin hit — its invoke's value, as Begin
  // records it — instead of drawing targets. An error (and no step) when the value does not
  // fit this fault or this cluster: a malformed value, a node the cluster does not have, an
  // option that differs from this run's. A begin that was recorded as not possible (the value
  // Begin records with an error, e.g. "primary" when none was known) gives a step that does
  // nothing and says so in its error, as the original did. Like Begin it touches nothing
  // until the step is taken, so a replay checks every recorded begin with it before the run.
  virtual Result<FaultStep> BeginAs(const Value& recorded) = 0;
  virtual FaultOps ops() const = 0;
  // The step that ends everything this fault has in force; nullopt when nothing is.
  // Idempotent. REQUIRES: the step of the previous Begin or End was taken.
  virtual std::optional<FaultStep> End() = 0;
};

}  // namespace faultline
