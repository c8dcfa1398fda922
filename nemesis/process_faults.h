// Process faults through the database's own seam (Db::Kill/Restart, Db::Pause/Resume):
// "kill" / "pause" hit one random node, "kill-primary" / "pause-primary" the node the
// database names as its primary/leader. Recorded as kill…start and pause…resume.
#pragma once

#include <string>
#include <vector>

#include "harness/db.h"
#include "nemesis/fault.h"

namespace faultline {

class ProcessFault : public Fault {
 public:
  enum class Action { kKill, kPause };
  ProcessFault(Db& db, Action action, bool primary_only);

  std::string name() const override;
  FaultStep Begin(Random& rng) override;
  // The recorded value is the node hit (a kill-primary replays the node that was primary
  // then, whichever is now), or "primary" for a begin that found no primary.
  Result<FaultStep> BeginAs(const Value& recorded) override;
  std::optional<FaultStep> End() override;
  FaultOps ops() const override;

 private:
  // The steps' actions: kill/pause `target`; restart/resume every node hit.
  FaultEvent Hit(FaultEvent e, const std::string& target);
  FaultEvent Heal(FaultEvent e);

  Db& db_;
  const Action action_;
  const bool primary_only_;
  std::vector<std::string> hit_;  // nodes killed or paused and not yet restarted/resumed
};

}  // namespace faultline
