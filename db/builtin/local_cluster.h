// LocalCluster: a faultline-store cluster of local processes on loopback, for tests and for
// the local runs of faultline. It picks free ports, starts one process per node, and offers
// the process faults (kill, restart, pause, resume). Nothing it started outlives it: the
// destructor stops every node, and each node also exits by itself if this process dies
// (a "lifeline" pipe). Thread-safe: every method takes an internal lock.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "core/status.h"
#include "control/child_process.h"
#include "db/builtin/server/protocol.h"
#include "db/builtin/store_nodes.h"

namespace faultline {

struct LocalClusterOptions {
  int node_count = 3;  // nodes n1..nN; n1 starts as primary
  ReplicationMode replication = ReplicationMode::kPrimary;
  int r = 0;                           // quorum reads wait for r replies (0 = majority)
  int w = 0;                           // quorum writes wait for w acks (0 = majority)
  // quorum: --quorum-versions (lww, versioned) and --quorum-reads (plain, write-back,
  // majority-vote) of every node; "" leaves the server's default (lww, plain).
  std::string quorum_versions, quorum_reads;
  std::filesystem::path store_binary;  // the faultline-store executable
  // Holds nodes/<name>/{data/, store.log, stdout.log}; created if missing.
  std::filesystem::path run_dir;
  std::chrono::milliseconds startup_timeout{5000};  // per node, for it to answer
  std::chrono::milliseconds stop_grace{2000};       // SIGTERM → SIGKILL
  std::vector<std::string> extra_args;  // passed to every node, e.g. "--election-timeout-ms=300"
};

class LocalCluster : public StoreNodes {
 public:
  // Starts every node and waits until each answers; on failure stops what it started and
  // says which node failed and where its log is.
  static Result<std::unique_ptr<LocalCluster>> Start(LocalClusterOptions options);
  LocalCluster(const LocalCluster&) = delete;
  LocalCluster& operator=(const LocalCluster&) = delete;
  ~LocalCluster() override;  // Stop()

  // SIGKILL (and reap). A killed node stays down until Restart.
  Status Kill(const std::string& node) override;
  // Starts the node again on its port and data directory (killing it first if it runs) and
  // waits until it answers.
  Status Restart(const std::string& node) override;
  Status Pause(const std::string& node) override;   // SIGSTOP
  Status Resume(const std::string& node) override;  // SIGCONT, then waits until it answers
  std::vector<NodeAddress> Endpoints() const override;
  // The running, unpaused node that reports itself primary (the highest term wins if
  // several do). Unsupported in quorum and crdt modes; IoError if no node claims it.
  Result<std::string> Primary() override;
  // SIGTERM every node, SIGKILL what is left after the grace period, reap all. Idempotent.
  Status Stop();

  // The node's PID, or 0 when it is not running.
  pid_t Pid(const std::string& node) const;
  std::filesystem::path LogPath(const std::string& node) const;
  // The logs are written into run_dir/nodes/<n>/ already; this checks they are there.
  Status CollectLogs(const std::string& dir) override;
  bool clock_library() const override { return false; }

 private:
  struct Node {
    std::string name;
    uint16_t port = 0;
    std::filesystem::path dir;
    std::unique_ptr<ChildProcess> process;  // null while down
    bool paused = false;
  };

  explicit LocalCluster(LocalClusterOptions options) : options_(std::move(options)) {}
  Status StartLocked(Node& node);
  Status WaitReadyLocked(Node& node);
  std::vector<std::string> ArgsLocked(const Node& node) const;
  Result<Node*> FindLocked(const std::string& name);
  const Node* FindLocked(const std::string& name) const;
  void StopLocked();

  const LocalClusterOptions options_;
  mutable std::mutex mu_;
  std::vector<Node> nodes_;  // guarded by mu_
  int lifeline_read_ = -1;   // given to every node as fd 3
  int lifeline_write_ = -1;  // held here; closing it tells the nodes to exit
};

// Loopback ports free right now, outside the kernel's ephemeral range (so an outgoing
// connection cannot take one while its node is down), chosen at random.
Result<std::vector<uint16_t>> PickFreeLoopbackPorts(int count);

}  // namespace faultline
