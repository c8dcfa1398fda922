// ClusterStore: faultline-store running on the nodes of a Cluster (network namespaces or
// hosts), one server per node started over SSH with NodeDaemon — under faultline's clock
// library, so clock faults reach it — listening on the node's address. Data and logs live
// in the node's directory; CollectLogs downloads them. Thread-safe (a lock per call).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "control/cluster.h"
#include "control/node_servers.h"
#include "control/node_tools.h"
#include "db/builtin/store_nodes.h"

namespace faultline {

struct ClusterStoreOptions {
  ReplicationMode replication = ReplicationMode::kPrimary;
  int r = 0, w = 0;                     // quorum sizes (0: majority)
  std::string quorum_versions, quorum_reads;  // quorum settings ("": the server's default)
  uint16_t port = 7000;                 // on every node's address
  std::vector<std::string> extra_args;  // passed to every server
  std::chrono::milliseconds startup_timeout{10000};  // per node, to answer
  std::string logs_dir;  // where the logs are copied if a server fails to start
};

class ClusterStore : public StoreNodes {
 public:
  // Starts a server on every node (wiping the node's store directory first) and waits until
  // each answers; on failure stops what it started and names the node and its log.
  static Result<std::unique_ptr<ClusterStore>> Start(Cluster& cluster, const NodeTools& tools,
                                                     ClusterStoreOptions options);

  std::vector<NodeAddress> Endpoints() const override;
  Status Kill(const std::string& node) override { return servers_->Kill(node); }
  Status Restart(const std::string& node) override { return servers_->Restart(node); }
  Status Pause(const std::string& node) override { return servers_->Pause(node); }
  Status Resume(const std::string& node) override { return servers_->Resume(node); }
  Result<std::string> Primary() override;
  Status CollectLogs(const std::string& dir) override { return servers_->CollectLogs(dir); }
  bool clock_library() const override { return true; }

 private:
  ClusterStore(Cluster& cluster, ClusterStoreOptions options)
      : cluster_(cluster), options_(std::move(options)) {}
  Status Answers(size_t i) const;

  Cluster& cluster_;
  const ClusterStoreOptions options_;
  std::unique_ptr<NodeServers> servers_;
};

}  // namespace faultline
