// MakeNemesis: turns the --nemesis words into a FaultSchedule over a database and (for the
// network and clock faults) a cluster. The one place that knows every fault's name.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "control/cluster.h"
#include "control/node_tools.h"
#include "harness/client.h"
#include "harness/nemesis.h"

namespace faultline {

struct NemesisOptions {
  std::vector<std::string> faults;  // --nemesis words (see kFaultNames)
  double interval_s = 5;            // --nemesis-interval: mean seconds between faults
  uint64_t seed = 0;
  double loss_probability = 0.2;    // loss: share of packets dropped
  int delay_ms = 100, jitter_ms = 10;  // delay: per packet
  int clock_skew_ms = 1000;         // clock: largest offset or strobe amplitude
};

// Every --nemesis word, with what it does (for --help and messages).
struct FaultName {
  const char* word;
  bool needs_cluster;  // a network or clock fault: needs namespaces or hosts, not processes
  const char* help;
};
extern const std::vector<FaultName> kFaultNames;

// Checks the words without building anything: unknown words, and network/clock faults when
// `have_cluster` is false (nodes are local processes).
Status ValidateFaults(const std::vector<std::string>& faults, bool have_cluster);

// Builds the schedule. `cluster`/`tools` may be null when no word needs them. Prepares the
// nodes' iptables chains (removed again when the returned nemesis is destroyed). Clock faults
// are refused here when the database does not run under the clock library.
Result<std::unique_ptr<Nemesis>> MakeNemesis(const NemesisOptions& options, Db& db,
                                             Cluster* cluster, const NodeTools* tools);

}  // namespace faultline
