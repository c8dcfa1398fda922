// MakeNemesis: turns the --nemesis words (registered in nemesis/parts.cc) into a FaultSchedule
// over a database and (for the network and clock faults) a cluster.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "control/cluster.h"
#include "control/node_tools.h"
#include "harness/db.h"
#include "harness/nemesis.h"

namespace faultline {

struct NemesisOptions {
  std::vector<std::string> faults;  // --nemesis words (nemesis/parts.cc)
  double interval_s = 5;            // --nemesis-interval: mean seconds between faults
  uint64_t seed = 0;
  double loss_probability = 0.2;    // loss: share of packets dropped
  int delay_ms = 100, jitter_ms = 10;  // delay: per packet
  int clock_skew_ms = 1000;         // clock: largest offset or strobe amplitude
};

// Builds the schedule. `cluster`/`tools` may be null when no word needs them. Prepares the
// nodes' iptables chains (removed again when the returned nemesis is destroyed). Clock faults
// are refused here when the database does not run under the clock library.
Result<std::unique_ptr<Nemesis>> MakeNemesis(const NemesisOptions& options, Db& db,
                                             Cluster* cluster, const NodeTools* tools);

}  // namespace faultline
