// NodeDaemon: a long-running process on a cluster node (a database server, the delay
// daemon), started over the node's Remote detached from the SSH session (setsid, nohup), its
// PID remembered so faults and teardown signal exactly it. Thread-safe (calls serialize).
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "control/remote.h"

namespace faultline {

struct NodeDaemonSpec {
  std::string name;                  // for messages: "faultline-store on n1"
  std::vector<std::string> argv;     // program and arguments (quoted for the shell here)
  std::vector<std::pair<std::string, std::string>> env;  // extra environment
  std::string dir;                   // working directory (created if missing)
  std::string log_path;              // stdout and stderr are appended here
};

class NodeDaemon {
 public:
  NodeDaemon(Remote& remote, NodeDaemonSpec spec) : remote_(remote), spec_(std::move(spec)) {}
  NodeDaemon(const NodeDaemon&) = delete;
  NodeDaemon& operator=(const NodeDaemon&) = delete;

  // Starts it; an error if it is already running or the launch failed. Does not wait for
  // the daemon to be ready (that is the database's own check).
  Status Start();
  // Sends `signal` (a number, e.g. SIGKILL) to it; an error if it is not running.
  Status Signal(int signal);
  // SIGKILL, then waits until the process is gone (a killed database must be dead before
  // it restarts on the same port and data directory).
  Status Kill();
  // SIGCONT + SIGTERM, SIGKILL after `grace`; waits until gone. Ok if it was not running.
  Status Stop(std::chrono::milliseconds grace);
  // True while its process exists (a paused one counts).
  Result<bool> Alive();
  int pid() const;  // 0 when not started or known dead
  const NodeDaemonSpec& spec() const { return spec_; }

 private:
  Result<bool> AliveLocked();
  Status WaitGoneLocked(std::chrono::milliseconds limit);

  Remote& remote_;
  const NodeDaemonSpec spec_;
  mutable std::mutex mu_;
  int pid_ = 0;  // guarded by mu_
};

}  // namespace faultline
