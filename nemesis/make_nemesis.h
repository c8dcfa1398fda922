// MakeNemesis: turns the --nemesis words (registered in nemesis/parts.cc) into a FaultSchedule
// over a database and (for the network and clock faults) a cluster — or, replaying a stored
// run, into a ReplayedSchedule of its recorded steps (replay.h).
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "control/cluster.h"
#include "control/node_tools.h"
#include "harness/db.h"
#include "harness/nemesis.h"
#include "nemesis/replay.h"

namespace faultline {

struct NemesisOptions {
  std::vector<std::string> faults;  // --nemesis words (nemesis/parts.cc)
  double interval_s = 5;            // --nemesis-interval: mean seconds between faults
  uint64_t seed = 0;
  double loss_probability = 0.2;    // loss: share of packets dropped
  int delay_ms = 100, jitter_ms = 10;  // delay: per packet
  int clock_skew_ms = 1000;         // clock: largest offset or strobe amplitude
  // Set: take these recorded steps at their offsets (`faultline replay`) instead of drawing
  // faults every interval; a step the faults cannot take is an error here, before the run.
  std::optional<std::vector<RecordedStep>> replay;
};

// Builds the schedule. `cluster`/`tools` may be null when no word needs them. Prepares the
// nodes' iptables chains (removed again when the returned nemesis is destroyed). Clock faults
// are refused here when the database does not run under the clock library.
Result<std::unique_ptr<Nemesis>> MakeNemesis(const NemesisOptions& options, Db& db,
                                             Cluster* cluster, const NodeTools* tools);

}  // namespace faultline
