// StoreNodes: a running faultline-store cluster as BuiltinDb drives it — local processes on
// loopback (LocalCluster) or one server per node of a Cluster reached over SSH
// (ClusterStore). Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "control/node_address.h"
#include "core/status.h"
#include "db/builtin/server/protocol.h"

namespace faultline {

class StoreNodes {
 public:
  virtual ~StoreNodes() = default;  // stops every node
  virtual std::vector<NodeAddress> Endpoints() const = 0;
  virtual Status Kill(const std::string& node) = 0;     // SIGKILL; down until Restart
  virtual Status Restart(const std::string& node) = 0;  // start again, wait until it answers
  virtual Status Pause(const std::string& node) = 0;    // SIGSTOP
  virtual Status Resume(const std::string& node) = 0;   // SIGCONT, wait until it answers
  // The running, unpaused node that reports itself primary (the highest term wins).
  virtual Result<std::string> Primary() = 0;
  // Copies each node's logs into dir/<node>/ (a no-op where they are written there).
  virtual Status CollectLogs(const std::string& dir) = 0;
  // Whether the servers run under faultline's clock library (clock faults reach them).
  virtual bool clock_library() const = 0;
};

// Asks each endpoint for its status; the one reporting "primary" with the highest term.
// Unsupported for modes without a primary (quorum, crdt).
Result<std::string> FindPrimary(ReplicationMode mode, const std::vector<NodeAddress>& nodes);

}  // namespace faultline
