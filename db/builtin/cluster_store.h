// ClusterStore: faultline-store running on the nodes of a Cluster (network namespaces or
// hosts), one server per node started over SSH with NodeDaemon — under faultline's clock
// library, so clock faults reach it — listening on the node's address. Data and logs live
// in the node's directory; CollectLogs downloads them. Thread-safe (a lock per call).
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "control/cluster.h"
#include "control/node_daemon.h"
#include "control/node_tools.h"
#include "db/builtin/store_nodes.h"

namespace faultline {

struct ClusterStoreOptions {
  ReplicationMode replication = ReplicationMode::kPrimary;
  int r = 0, w = 0;                     // quorum sizes (0: majority)
  uint16_t port = 7000;                 // on every node's address
  std::vector<std::string> extra_args;  // passed to every server
  std::chrono::milliseconds startup_timeout{10000};  // per node, to answer
};

class ClusterStore : public StoreNodes {
 public:
  // Starts a server on every node (wiping the node's store directory first) and waits until
  // each answers; on failure stops what it started and names the node and its log.
  static Result<std::unique_ptr<ClusterStore>> Start(Cluster& cluster, const NodeTools& tools,
                                                     ClusterStoreOptions options);
  ~ClusterStore() override;

  std::vector<NodeEndpoint> Endpoints() const override;
  Status Kill(const std::string& node) override;
  Status Restart(const std::string& node) override;
  Status Pause(const std::string& node) override;
  Status Resume(const std::string& node) override;
  Result<std::string> Primary() override;
  Status CollectLogs(const std::string& dir) override;
  bool clock_library() const override { return true; }

 private:
  ClusterStore(Cluster& cluster, ClusterStoreOptions options)
      : cluster_(cluster), options_(std::move(options)) {}
  Result<size_t> Find(const std::string& node) const;
  Status WaitReady(size_t i);
  std::string StoreDir(size_t i) const { return cluster_.node_dir(i) + "/store"; }

  Cluster& cluster_;
  const ClusterStoreOptions options_;
  std::vector<std::unique_ptr<NodeDaemon>> servers_;
  std::mutex mu_;
  std::vector<bool> paused_;  // guarded by mu_
};

}  // namespace faultline
