// RedisDb: Redis 7 on a Cluster's nodes (db/redis/README.md) — redis-server on every node,
// the first the primary and the others its asynchronous replicas, and redis-sentinel on every
// node watching the primary and failing over to a replica when a majority of Sentinels loses
// it. Both run under faultline's clock library. Faults act on redis-server. Thread-safe as Db
// requires.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "control/cluster.h"
#include "control/node_servers.h"
#include "control/node_tools.h"
#include "db/redis/redis_client.h"
#include "harness/db.h"
#include "harness/run_log.h"

namespace faultline {

struct RedisDbOptions {
  Cluster* cluster = nullptr;
  const NodeTools* tools = nullptr;
  std::string logs_dir;  // where the servers' logs are copied if one fails to start
  // redis-server and redis-sentinel; $FAULTLINE_REDIS_SERVER / $FAULTLINE_REDIS_SENTINEL
  // override.
  std::string server_bin = "/usr/bin/redis-server";
  std::string sentinel_bin = "/usr/bin/redis-sentinel";
  int down_after_ms = 1000;     // Sentinel: a primary silent this long is down
  int failover_timeout_ms = 3000;
  // min-replicas-to-write: a primary with fewer replicas that acknowledged it within the last
  // 10 s (min-replicas-max-lag) refuses writes (NOREPLICAS); 0 never refuses.
  int min_replicas = 0;
  RedisClientOptions client;
  std::chrono::milliseconds startup_timeout{15000};
};

class RedisDb : public Db {
 public:
  static Result<std::unique_ptr<RedisDb>> Start(const RedisDbOptions& options, RunLog& log);

  std::string Describe() const override;
  std::vector<std::string> Nodes() const override;
  Result<std::unique_ptr<Client>> OpenClient(const std::string& node) override;
  Status Kill(const std::string& node) override { return servers_->Kill(node); }
  Status Restart(const std::string& node) override { return servers_->Restart(node); }
  Status Pause(const std::string& node) override { return servers_->Pause(node); }
  Status Resume(const std::string& node) override { return servers_->Resume(node); }
  Status ClockFaultsSupported() const override { return Status::Ok(); }
  std::optional<std::string> Primary() override;
  Status CollectLogs(const std::string& dir) override;
  Result<std::vector<NodeAddress>> ClientEndpoints() const override;

 private:
  RedisDb(RedisDbOptions options, Cluster& cluster) : options_(std::move(options)), cluster_(cluster) {}
  Status SetUp(RunLog& log);
  std::string Dir(size_t i) const { return cluster_.node_dir(i) + "/redis"; }

  const RedisDbOptions options_;
  Cluster& cluster_;
  std::shared_ptr<RedisTopology> topology_;
  // Declared so that Sentinels stop before the servers they watch.
  std::unique_ptr<NodeServers> servers_;
  std::unique_ptr<NodeServers> sentinels_;
};

}  // namespace faultline
