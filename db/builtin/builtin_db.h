// BuiltinDb: the built-in store as the harness sees it (the Db and Client seams): its nodes
// as local processes (LocalCluster) or on a Cluster's nodes (ClusterStore), and clients that
// follow the primary's hint when a node refuses an op up front (builtin_client.h).
// Thread-safe as Db requires; each client is one worker's.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "control/cluster.h"
#include "control/node_tools.h"
#include "db/builtin/builtin_client.h"
#include "db/builtin/store_nodes.h"
#include "harness/db.h"
#include "harness/run_log.h"

namespace faultline {

struct BuiltinDbOptions {
  int nodes = 5;
  std::string replication = "primary";
  int r = 0, w = 0;
  // quorum: how writes are versioned and reads answered ("": lww and plain, the defaults).
  std::string quorum_versions, quorum_reads;
  std::string run_dir;  // processes: nodes/<n>/ data and logs go here while the run goes
  // The servers run on these nodes (NodeTools installed there), or as local processes when
  // it is null or shares_host() (--cluster processes).
  Cluster* cluster = nullptr;
  const NodeTools* tools = nullptr;
  // What the clients speak (the workload's ops) and how; client.read_from_any also tells the
  // servers to answer reads on replicas (--read-from any).
  BuiltinClientOptions client;
  std::vector<std::string> extra_args;  // passed to every server (--db-arg)
};

class BuiltinDb : public Db {
 public:
  static Result<std::unique_ptr<BuiltinDb>> Start(const BuiltinDbOptions& options, RunLog& log);

  std::string Describe() const override;
  std::vector<std::string> Nodes() const override;
  Result<std::unique_ptr<Client>> OpenClient(const std::string& node) override;
  Status Kill(const std::string& node) override { return nodes_->Kill(node); }
  Status Restart(const std::string& node) override { return nodes_->Restart(node); }
  Status Pause(const std::string& node) override { return nodes_->Pause(node); }
  Status Resume(const std::string& node) override { return nodes_->Resume(node); }
  Status ClockFaultsSupported() const override;
  std::optional<std::string> Primary() override;
  Status CollectLogs(const std::string& dir) override { return nodes_->CollectLogs(dir); }
  Result<std::vector<NodeAddress>> ClientEndpoints() const override;

 private:
  BuiltinDb(BuiltinDbOptions options, std::unique_ptr<StoreNodes> nodes)
      : options_(std::move(options)), nodes_(std::move(nodes)) {}
  const BuiltinDbOptions options_;
  std::unique_ptr<StoreNodes> nodes_;
  std::atomic<uint64_t> clients_opened_{0};  // tells the clients' random streams apart
};

}  // namespace faultline
