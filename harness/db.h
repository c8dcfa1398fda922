// Db: the seam between the harness and a database's automation (Jepsen's DB protocol): its
// nodes, the faults it can take, its primary, its logs, and a Client (harness/client.h) per
// worker. Used by the runner and the nemesis at once: implementations are thread-safe.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "control/node_address.h"
#include "core/status.h"
#include "harness/client.h"

namespace faultline {

class Db {
 public:
  Db() = default;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  virtual ~Db() = default;  // must stop everything it started

  virtual std::string Describe() const = 0;  // e.g. "builtin (primary, 5 nodes)"
  virtual std::vector<std::string> Nodes() const = 0;
  // A client bound to `node`, for one worker.
  virtual Result<std::unique_ptr<Client>> OpenClient(const std::string& node) = 0;
  // Faults the database supports on a node; Unsupported if it cannot. Restart and Resume
  // return only once the node serves again (the fault is over then), or an error.
  virtual Status Kill(const std::string& node) = 0;
  virtual Status Restart(const std::string& node) = 0;
  // SIGSTOP / SIGCONT of the node's database process.
  virtual Status Pause(const std::string& node) {
    return Status::Unsupported(Describe() + " cannot pause a node");
  }
  virtual Status Resume(const std::string& node) {
    return Status::Unsupported(Describe() + " cannot resume a node");
  }
  // Ok when the nodes' processes run under faultline's clock library (nemesis/clock), so
  // clock faults reach them; otherwise why not (e.g. a Go binary reads the clock via vDSO).
  virtual Status ClockFaultsSupported() const {
    return Status::Unsupported(Describe() + " does not run under faultline's clock library");
  }
  // The node currently acting as primary/leader, if the database has one.
  virtual std::optional<std::string> Primary() = 0;
  // Copies each node's logs into dir/<node>/.
  virtual Status CollectLogs(const std::string& dir) = 0;
  // Where a client reaches each node's database (name as in Nodes(), host, port), in Nodes()
  // order, for clients faultline does not implement itself (db/external/: told to an external
  // client program in FAULTLINE_NODES); Unsupported when the database does not say (then
  // --client-cmd cannot be used with it).
  virtual Result<std::vector<NodeAddress>> ClientEndpoints() const {
    return Status::Unsupported(Describe() + " does not say where clients reach its nodes");
  }
};

}  // namespace faultline
