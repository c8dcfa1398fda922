// NodeTools: the programs faultline runs on nodes — the built-in store, the clock library
// and its control tool, the packet-delay daemon — and where each is on each node. On the
// local cluster the nodes share this machine's files, so the built ones are used in place;
// on remote hosts they are uploaded once per run into node_dir/bin. Read-only after Install.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "control/cluster.h"

namespace faultline {

enum class NodeTool { kStore, kClockLib, kClockTool, kDelayd };

// The file name of a tool ("faultline-store", "libfaultline_clock.so", …).
const char* NodeToolFile(NodeTool tool);

// Where a tool is on this machine: $FAULTLINE_<NAME> (e.g. FAULTLINE_STORE_BIN,
// FAULTLINE_CLOCK_LIB, FAULTLINE_CLOCK_TOOL, FAULTLINE_DELAYD_BIN), else next to the running
// faultline executable, else where this build put it. An error if none exists.
Result<std::string> FindLocalTool(NodeTool tool);

class NodeTools {
 public:
  // Finds every tool locally and, for a cluster that is not local(), uploads them to each
  // node (in parallel). Errors name the tool and the node.
  static Result<NodeTools> Install(Cluster& cluster);

  // The tool's path on node i.
  const std::string& path(size_t node, NodeTool tool) const {
    return paths_[node][static_cast<size_t>(tool)];
  }
  // The file on node i holding its clock offset (read by the clock library).
  static std::string ClockFile(const Cluster& cluster, size_t node) {
    return cluster.node_dir(node) + "/clock";
  }

 private:
  std::vector<std::array<std::string, 4>> paths_;
};

}  // namespace faultline
