// PostgresDb: PostgreSQL 15 on a Cluster's nodes (db/postgres/README.md) — the first node
// the primary, the others streaming replicas (pg_basebackup), each server run as the
// postgres user under faultline's clock library, with its own data and socket directory
// below the node's directory. With failover, a monitor promotes the most advanced reachable
// replica when the control host loses the primary, and clients follow (PgTopology).
// Thread-safe as Db requires.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "control/cluster.h"
#include "control/node_servers.h"
#include "control/node_tools.h"
#include "db/postgres/postgres_client.h"
#include "harness/db.h"
#include "harness/run_log.h"

namespace faultline {

struct PostgresDbOptions {
  Cluster* cluster = nullptr;
  const NodeTools* tools = nullptr;
  std::string logs_dir;  // where the servers' logs are copied if one fails to start
  // PostgreSQL's programs; $FAULTLINE_POSTGRES_BINDIR overrides.
  std::string bin_dir = "/usr/lib/postgresql/15/bin";
  std::string synchronous_commit = "on";  // on | remote_apply | off
  bool failover = false;
  uint16_t port = 5432;
  PostgresClientOptions client;
  std::chrono::milliseconds startup_timeout{20000};
};

// synchronous_standby_names for `nodes` nodes named `names`: a majority counting the
// primary must hold each commit, "ANY k (n1,…)", k = nodes/2; "" for one node or
// synchronous_commit off.
std::string PgStandbyNames(const std::vector<std::string>& names, const std::string& sync_commit);

class PostgresDb : public Db {
 public:
  static Result<std::unique_ptr<PostgresDb>> Start(const PostgresDbOptions& options, RunLog& log);
  ~PostgresDb() override;

  std::string Describe() const override;
  std::vector<std::string> Nodes() const override;
  Result<std::unique_ptr<Client>> OpenClient(const std::string& node) override;
  Status Kill(const std::string& node) override;
  Status Restart(const std::string& node) override;
  Status Pause(const std::string& node) override;
  Status Resume(const std::string& node) override;
  Status ClockFaultsSupported() const override { return Status::Ok(); }
  std::optional<std::string> Primary() override;
  Status CollectLogs(const std::string& dir) override { return servers_->CollectLogs(dir); }
  Result<std::vector<NodeAddress>> ClientEndpoints() const override;

 private:
  PostgresDb(PostgresDbOptions options, RunLog& log);
  std::string Dir(size_t i) const;  // node i's postgres directory
  // Runs `command` on node i as the postgres user, output appended to its log.
  Status AsPostgres(size_t i, const std::string& command, const std::string& what);
  Status Ready(size_t i) const;
  Status SetUp();
  Status WaitStreaming();
  // Sends `signal` to node i's whole process group (the postmaster and its backends).
  Status SignalGroup(size_t i, const char* signal);
  Status KillLocked(size_t i);
  // Makes node i a replica of the current primary (pg_rewind when it was a primary).
  Status BecomeReplica(size_t i);
  void Monitor();
  void Failover(size_t old_primary);

  const PostgresDbOptions options_;
  RunLog& log_;
  Cluster& cluster_;
  std::shared_ptr<PgTopology> topology_;
  std::unique_ptr<NodeServers> servers_;
  std::atomic<uint64_t> clients_opened_{0};
  std::mutex mu_;                 // faults and failover, one at a time
  std::vector<bool> deposed_;     // guarded by mu_: was primary, replaced by failover
  std::vector<bool> down_;        // guarded by mu_: killed or paused by a fault
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stop_ = false;             // guarded by stop_mu_
  std::thread monitor_;
};

}  // namespace faultline
