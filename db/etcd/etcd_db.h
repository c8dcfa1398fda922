// EtcdDb: an etcd cluster (3.4, Debian's etcd-server) of one member per cluster node, started
// and faulted through NodeServers, with clients speaking the v3 JSON gateway (etcd_client.h).
// Members listen on their node's address (clients 2379, peers 2380); data and the log live in
// the node's run directory. Thread-safe as Db requires.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "control/cluster.h"
#include "control/node_servers.h"
#include "db/etcd/etcd_client.h"
#include "harness/db.h"
#include "harness/run_log.h"

namespace faultline {

struct EtcdOptions {
  EtcdReads reads = EtcdReads::kLinearizable;
  bool pre_vote = false;                   // --pre-vote: isolated members do not bump the term
  std::vector<std::string> extra_args;     // passed to every member (--db-arg)
  std::string cluster_token = "faultline";  // --initial-cluster-token: the run's id
  std::string logs_dir;  // where the members' logs are copied if the cluster fails to start
  std::chrono::milliseconds startup_timeout{20000};
};

// Why etcd takes no clock faults (refused before a run starts, and by the nemesis).
extern const char kEtcdNoClockFaults[];

class EtcdDb : public Db {
 public:
  static constexpr int kClientPort = 2379;
  static constexpr int kPeerPort = 2380;

  // Installs etcd on hosts that lack it (apt, Debian), wipes each node's etcd directory,
  // starts all members and waits until each reports healthy.
  static Result<std::unique_ptr<EtcdDb>> Start(Cluster& cluster, const EtcdOptions& options,
                                               RunLog& log);

  std::string Describe() const override;
  std::vector<std::string> Nodes() const override;
  Result<std::unique_ptr<Client>> OpenClient(const std::string& node) override;
  Status Kill(const std::string& node) override { return servers_->Kill(node); }
  Status Restart(const std::string& node) override { return servers_->Restart(node); }
  Status Pause(const std::string& node) override { return servers_->Pause(node); }
  Status Resume(const std::string& node) override { return servers_->Resume(node); }
  Status ClockFaultsSupported() const override;
  // The member that says it leads, in the highest term any serving member reports.
  std::optional<std::string> Primary() override;
  Status CollectLogs(const std::string& dir) override { return servers_->CollectLogs(dir); }
  // Each member's client URL (node address, kClientPort), for --client-cmd.
  Result<std::vector<NodeAddress>> ClientEndpoints() const override;

 private:
  EtcdDb(Cluster& cluster, EtcdOptions options) : cluster_(cluster), options_(std::move(options)) {}
  Status Healthy(size_t i) const;

  Cluster& cluster_;
  const EtcdOptions options_;
  std::unique_ptr<NodeServers> servers_;
};

}  // namespace faultline
