// NodeServers: one database server per cluster node (a NodeDaemon each), and the faults the
// harness asks of a database — kill, restart, pause, resume — plus log collection. Each
// database (the built-in store, etcd, …) gives its command lines and a readiness probe.
// Thread-safe: calls on different nodes may overlap; each NodeDaemon serializes its own.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "control/cluster.h"
#include "control/node_daemon.h"

namespace faultline {

struct NodeServersOptions {
  std::string what;                          // "faultline-store", "etcd": for messages
  std::vector<NodeDaemonSpec> servers;       // one per cluster node, in the cluster's order
  std::vector<std::string> log_files;        // under each node's node_dir; CollectLogs copies them
  // Ok once node i's server serves; otherwise the reason it does not (yet), which the
  // error names if it never does.
  std::function<Status(size_t)> ready;
  std::chrono::milliseconds startup_timeout{10000};  // per node
  std::chrono::milliseconds stop_grace{2000};        // SIGTERM before SIGKILL at teardown
  // When StartAll fails, the logs are copied here first (dir/<node>/, as CollectLogs does), so
  // they outlive the cluster's teardown; the error then names the copy. "": not copied.
  std::string failure_logs_dir;
};

class NodeServers {
 public:
  NodeServers(Cluster& cluster, NodeServersOptions options);
  NodeServers(const NodeServers&) = delete;
  NodeServers& operator=(const NodeServers&) = delete;
  // Stops every server, all at once (SIGTERM, then SIGKILL after stop_grace).
  ~NodeServers();

  // Starts every server, then waits until each is ready; an error names the node and its logs
  // (copied to failure_logs_dir when set).
  Status StartAll();
  Status Kill(const std::string& node);     // SIGKILL; down until Restart
  Status Restart(const std::string& node);  // (kills if running), starts, waits until ready
  Status Pause(const std::string& node);    // SIGSTOP
  Status Resume(const std::string& node);   // SIGCONT, waits until ready
  // Started (not killed since) and not paused.
  bool Serving(size_t i) const;
  Result<size_t> Find(const std::string& node) const;
  // Copies each node's log_files into dir/<node>/ (the first error, after trying them all).
  Status CollectLogs(const std::string& dir);
  // "; see FILE and FILE on NODE": what an error about node i should point at.
  std::string SeeLogs(size_t i) const;

 private:
  Status WaitReady(size_t i);

  Cluster& cluster_;
  const NodeServersOptions options_;
  std::vector<std::unique_ptr<NodeDaemon>> daemons_;
  mutable std::mutex mu_;
  std::vector<bool> paused_;  // guarded by mu_
};

}  // namespace faultline
