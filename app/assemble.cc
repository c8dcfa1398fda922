#include "app/assemble.h"

#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

#include "control/netns_cluster.h"
#include "control/remote_cluster.h"
#include "db/builtin/builtin_db.h"
#include "db/etcd/etcd_db.h"
#include "db/postgres/postgres_spec.h"
#include "db/redis/redis_spec.h"
#include "db/external/external_client.h"
#include "db/external/external_db.h"
#include "nemesis/make_nemesis.h"
#include "nemesis/node_network.h"
#include "workloads/bank_workload.h"
#include "workloads/counter_workload.h"
#include "workloads/register_workload.h"

namespace faultline {

Status ValidateSpec(const TestSpec& s) {
  auto bad = [](const std::string& what) { return Status::InvalidArgument(what); };
  if (s.db != "builtin" && s.db != "etcd" && s.db != "external" && s.db != "postgres" &&
      s.db != "redis") {
    return bad("--db " + s.db + ": expected builtin, etcd, postgres, redis or external");
  }
  FAULTLINE_RETURN_IF_ERROR(ValidatePostgresSpec(s));
  FAULTLINE_RETURN_IF_ERROR(ValidateRedisSpec(s));
  FAULTLINE_RETURN_IF_ERROR(ValidateExternalSpec(s));
  if (s.db == "etcd") {
    if (s.cluster == "processes") {
      return bad("--db etcd runs on a cluster: --cluster local (root) or --nodes HOST,…");
    }
    if (s.workload != "register") return bad("--db etcd runs the register workload");
    if (std::find(s.nemesis.begin(), s.nemesis.end(), "clock") != s.nemesis.end()) {
      return bad(std::string("--nemesis clock with --db etcd: ") + kEtcdNoClockFaults);
    }
  }
  if (!s.db_args.empty() && s.db != "builtin" && s.db != "etcd") {
    return bad("--db-arg applies to --db builtin and etcd");
  }
  if (s.read_consistency != "linearizable" && s.read_consistency != "serializable") {
    return bad("--read-consistency " + s.read_consistency + ": expected linearizable or serializable");
  }
  if (s.db != "etcd" && (s.read_consistency != "linearizable" || s.etcd_pre_vote)) {
    return bad("--read-consistency and --etcd-pre-vote apply to --db etcd");
  }
  if (s.name.empty() || s.name.find('/') != std::string::npos || s.name[0] == '.') {
    return bad("--name \"" + s.name +
               "\": expected a plain folder name (no '/', not starting with '.')");
  }
  if (s.workload != "register" && s.workload != "bank" && s.workload != "counter") {
    return bad("--workload " + s.workload + ": expected register, bank or counter");
  }
  if (s.cluster != "local" && s.cluster != "processes" && s.cluster != "hosts") {
    return bad("--cluster " + s.cluster + ": expected local, processes, or hosts (given by "
               "--nodes HOST,HOST,…)");
  }
  if (s.cluster == "hosts" && s.hosts.empty()) return bad("--cluster hosts needs --nodes HOST,HOST,…");
  for (const std::string& host : s.hosts) {
    if (Status h = CheckHostName(host); !h.ok()) return bad("--nodes: " + h.message());
  }
  if (s.cluster != "hosts" && !s.hosts.empty()) {
    return bad("--nodes with host names runs on those hosts; drop --cluster " + s.cluster);
  }
  if (s.cluster == "local" && (s.nodes < 1 || s.nodes > 9)) return bad("--nodes must be 1..9 for a local cluster");
  if (s.nodes < 1 || s.nodes > 15) return bad("--nodes must be 1..15");
  if (s.ssh_port < 1 || s.ssh_port > 65535) return bad("--ssh-port must be 1..65535");
  if (s.loss_probability <= 0 || s.loss_probability >= 1) return bad("--loss-probability must be in (0, 1)");
  if (s.delay_ms < 1 || s.delay_ms > 10000) return bad("--delay-ms must be 1..10000");
  if (s.clock_skew_ms < 1) return bad("--clock-skew-ms must be >= 1");
  if (s.concurrency < 1 || s.concurrency > 1000) return bad("--concurrency must be 1..1000");
  if (s.time_limit <= 0) return bad("--time-limit must be > 0 seconds");
  if (s.rate < 0) return bad("--rate must be >= 0");
  if (s.op_timeout <= 0) return bad("--op-timeout must be > 0 seconds");
  if (s.ops_per_key < 1) return bad("--ops-per-key must be >= 1");
  if (s.nemesis_interval <= 0) return bad("--nemesis-interval must be > 0 seconds");
  if (s.recovery < 0) return bad("--recovery must be >= 0 seconds");
  FAULTLINE_RETURN_IF_ERROR(ValidateFaults(s.nemesis, s.cluster != "processes"));
  if (s.replication != "primary" && s.replication != "async" && s.replication != "quorum" &&
      s.replication != "crdt") {
    return bad("--replication " + s.replication + ": expected primary, async, quorum or crdt");
  }
  if (s.replication == "crdt" && s.workload != "counter") {
    return bad("--replication crdt serves only counter add and read; the " + s.workload +
               " workload's ops would all be refused (unsupported in crdt mode): use "
               "--workload counter, or another --replication");
  }
  if (s.db != "postgres" && s.read_from != "primary" && s.read_from != "any") {
    return bad("--read-from " + s.read_from + ": expected primary or any");
  }
  if (s.read_from == "any" && s.replication != "primary" && s.replication != "async") {
    return bad("--read-from any applies to --replication primary or async (replicas answering "
               "reads); " + s.replication + " has no replicas that refuse them");
  }
  if (s.accounts < 2 || s.accounts > 1000) return bad("--accounts must be 2..1000");
  if (s.total < 0) return bad("--total must be >= 0");
  if (s.consistency != "linearizable" && s.consistency != "eventual") {
    return bad("--consistency " + s.consistency + ": expected linearizable or eventual");
  }
  if (s.r < 0 || s.w < 0 || s.r > s.nodes || s.w > s.nodes) {
    return bad("--r and --w must be between 0 (majority) and --nodes");
  }
  if ((s.r || s.w) && s.replication != "quorum") return bad("--r/--w apply to --replication quorum");
  return Status::Ok();
}

Result<std::unique_ptr<Workload>> MakeWorkload(const TestSpec& spec) {
  if (spec.workload == "register") {
    RegisterWorkloadOptions o;
    o.ops_per_key = spec.ops_per_key;
    return std::unique_ptr<Workload>(new RegisterWorkload(o));
  }
  if (spec.workload == "bank") {
    BankWorkloadOptions o;
    o.accounts = spec.accounts;
    o.total = spec.total;
    o.allow_negative = spec.allow_negative;
    return std::unique_ptr<Workload>(new BankWorkload(o));
  }
  if (spec.workload == "counter") {
    Result<CounterConsistency> consistency = ParseCounterConsistency(spec.consistency);
    if (!consistency.ok()) return consistency.status();
    CounterWorkloadOptions o;
    o.consistency = *consistency;
    return std::unique_ptr<Workload>(new CounterWorkload(o));
  }
  return Status::InvalidArgument("unknown workload " + spec.workload);
}

namespace {

// A run's cluster is named run<PID>-<random> (test_command.cc). One whose faultline process
// is gone (SIGKILL, a crash) was never taken down: remove it before building a new one.
void RemoveLeftoverClusters(RunLog& log) {
  for (const std::string& name : NetnsCluster::List()) {
    const size_t dash = name.find('-');
    if (name.compare(0, 3, "run") != 0 || dash == std::string::npos || dash == 3 ||
        name.find_first_not_of("0123456789", 3) != dash) {
      continue;
    }
    const long pid = std::stol(name.substr(3, dash - 3));
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
    Status s = NetnsCluster::Down(name);
    log.Info("removed the leftovers of cluster " + name + " (its faultline process " +
             std::to_string(pid) + " is gone)" + (s.ok() ? "" : ": " + s.message()));
  }
}

}  // namespace

Result<std::unique_ptr<Cluster>> MakeCluster(const TestSpec& spec, const std::string& run_id,
                                             RunLog& log) {
  if (spec.cluster == "processes") return std::unique_ptr<Cluster>();
  if (spec.cluster == "local") {
    FAULTLINE_RETURN_IF_ERROR(NetnsCluster::CheckEnvironment());
    RemoveLeftoverClusters(log);
    NetnsClusterOptions o;
    o.name = run_id;
    o.node_count = spec.nodes;
    log.Info("building local cluster " + o.name + " (" + std::to_string(o.node_count) + " nodes)");
    auto c = NetnsCluster::Up(o);
    if (!c.ok()) return c.status();
    if (spec.keep_cluster) (*c)->Disown();
    return std::unique_ptr<Cluster>(std::move(c).value());
  }
  RemoteClusterOptions o;
  o.hosts = spec.hosts;
  o.user = spec.ssh_user;
  o.private_key_file = spec.ssh_key;
  o.port = spec.ssh_port;
  if (!spec.known_hosts.empty()) o.known_hosts_file = spec.known_hosts;
  o.run_id = run_id;
  log.Info("connecting to " + std::to_string(o.hosts.size()) + " hosts as " + o.user);
  auto c = RemoteCluster::Connect(o);
  if (!c.ok()) return c.status();
  if (!(*c)->leftovers().empty()) {
    // A run killed with partitions in force left its rules on the hosts too.
    Status healed = NodeNetwork(**c).Teardown();
    for (const std::string& l : (*c)->leftovers()) {
      log.Info("removed the leftovers of run " + l + " (its faultline process is gone)");
    }
    if (!healed.ok()) return healed;
  }
  return std::unique_ptr<Cluster>(std::move(c).value());
}

namespace {

// --client-cmd: the database (--db external: the user's commands; otherwise the database's
// own automation) with external clients instead of its own (db/external/).
Result<std::unique_ptr<Db>> MakeDbWithExternalClients(const TestSpec& spec,
                                                      const std::string& run_id,
                                                      const std::string& run_dir,
                                                      Cluster* cluster, const NodeTools* tools,
                                                      RunLog& log) {
  Result<std::unique_ptr<Db>> inner = Status::Internal("no database");
  if (spec.db == "external") {
    if (cluster == nullptr) return Status::InvalidArgument("--db external needs a cluster");
    auto db = ExternalDb::Setup(*cluster, spec.external, log);
    if (!db.ok()) return db.status();
    inner = std::unique_ptr<Db>(std::move(db).value());
  } else {
    TestSpec own = spec;
    own.client_cmd.clear();
    inner = MakeDb(own, run_id, run_dir, cluster, tools, log);
  }
  if (!inner.ok()) return inner.status();
  ExternalClientOptions o;
  o.command = spec.client_cmd;
  o.log_dir = run_dir + "/clients";
  o.env = {{"FAULTLINE_WORKLOAD", spec.workload},
           {"FAULTLINE_TEST", std::filesystem::absolute(run_dir + "/test.json").string()}};
  o.log = &log;
  // A waiting process for each of a node's workers and as many again (up to 8): a fault that
  // makes every worker's op info at once (a killed leader) still leaves ready ones after it.
  const int per_node = (spec.concurrency + spec.nodes - 1) / std::max(spec.nodes, 1);
  o.spares_per_node = per_node + std::min(per_node, 8);
  return ExternalClientDb::Wrap(std::move(inner).value(), std::move(o));
}

}  // namespace

Result<std::unique_ptr<Db>> MakeDb(const TestSpec& spec, const std::string& run_id,
                                   const std::string& run_dir, Cluster* cluster,
                                   const NodeTools* tools, RunLog& log) {
  if (!spec.client_cmd.empty()) {
    return MakeDbWithExternalClients(spec, run_id, run_dir, cluster, tools, log);
  }
  if (spec.db == "postgres") return StartPostgresDb(spec, cluster, tools, run_dir + "/nodes", log);
  if (spec.db == "redis") return StartRedisDb(spec, cluster, tools, run_dir + "/nodes", log);
  if (spec.db == "etcd") {
    EtcdOptions o;
    o.reads = spec.read_consistency == "serializable" ? EtcdReads::kSerializable
                                                      : EtcdReads::kLinearizable;
    o.pre_vote = spec.etcd_pre_vote;
    o.extra_args = spec.db_args;
    o.cluster_token = run_id;
    o.logs_dir = run_dir + "/nodes";
    auto db = EtcdDb::Start(*cluster, o, log);
    if (!db.ok()) return db.status();
    return std::unique_ptr<Db>(std::move(db).value());
  }
  BuiltinDbOptions o;
  o.nodes = spec.nodes;
  o.cluster = cluster;
  o.tools = tools;
  o.replication = spec.replication;
  o.r = spec.r;
  o.w = spec.w;
  o.run_dir = run_dir;
  o.client.workload = spec.workload;
  o.client.accounts = spec.accounts;
  o.client.allow_negative = spec.allow_negative;
  o.client.read_from_any = spec.read_from == "any";
  o.client.seed = spec.seed;
  o.extra_args = spec.db_args;
  auto db = BuiltinDb::Start(o, log);
  if (!db.ok()) return db.status();
  return std::unique_ptr<Db>(std::move(db).value());
}

Result<std::unique_ptr<Nemesis>> MakeRunNemesis(const TestSpec& spec, Db& db, Cluster* cluster,
                                                const NodeTools* tools) {
  if (spec.nemesis.empty()) return std::unique_ptr<Nemesis>();
  NemesisOptions o;
  o.faults = spec.nemesis;
  o.interval_s = spec.nemesis_interval;
  o.seed = spec.seed;
  o.loss_probability = spec.loss_probability;
  o.delay_ms = spec.delay_ms;
  o.clock_skew_ms = spec.clock_skew_ms;
  return MakeNemesis(o, db, cluster, tools);
}

Result<TestSpec> SpecFromJson(const nlohmann::json& j) {
  TestSpec s;
  try {
    s.name = j.at("name");
    s.db = j.at("db");
    s.workload = j.at("workload");
    s.cluster = j.value("cluster", s.cluster);
    s.nodes = j.at("nodes");
    s.concurrency = j.at("concurrency");
    s.time_limit = j.at("time_limit");
    s.rate = j.value("rate", s.rate);
    s.seed = j.at("seed");
    s.op_timeout = j.at("op_timeout");
    s.ops_per_key = j.at("ops_per_key");
    s.nemesis = j.value("nemesis", s.nemesis);
    s.nemesis_interval = j.value("nemesis_interval", s.nemesis_interval);
    s.recovery = j.value("recovery", s.recovery);
    s.hosts = j.value("hosts", s.hosts);
    s.ssh_user = j.value("ssh_user", s.ssh_user);
    s.ssh_key = j.value("ssh_key", s.ssh_key);
    s.ssh_port = j.value("ssh_port", s.ssh_port);
    s.known_hosts = j.value("known_hosts", s.known_hosts);
    s.keep_cluster = j.value("keep_cluster", s.keep_cluster);
    s.loss_probability = j.value("loss_probability", s.loss_probability);
    s.delay_ms = j.value("delay_ms", s.delay_ms);
    s.clock_skew_ms = j.value("clock_skew_ms", s.clock_skew_ms);
    s.results_root = j.value("results_root", s.results_root);
    s.replication = j.value("replication", s.replication);
    s.r = j.value("r", 0);
    s.w = j.value("w", 0);
    s.read_from = j.value("read_from", s.read_from);
    s.accounts = j.value("accounts", s.accounts);
    s.total = j.value("total", s.total);
    s.allow_negative = j.value("allow_negative", s.allow_negative);
    s.consistency = j.value("consistency", s.consistency);
    s.read_consistency = j.value("read_consistency", s.read_consistency);
    s.etcd_pre_vote = j.value("etcd_pre_vote", s.etcd_pre_vote);
    s.synchronous_commit = j.value("synchronous_commit", s.synchronous_commit);
    s.isolation = j.value("isolation", s.isolation);
    s.bank_read = j.value("bank_read", s.bank_read);
    s.failover = j.value("failover", s.failover);
    s.redis_wait = j.value("redis_wait", s.redis_wait);
    s.db_args = j.value("db_args", s.db_args);
    s.client_cmd = j.value("client_cmd", s.client_cmd);
    if (j.contains("external")) s.external = ExternalDbSpecFromJson(j.at("external"));
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidInput(std::string("missing or malformed field: ") + e.what());
  }
  if (Status v = ValidateSpec(s); !v.ok()) return v;
  return s;
}

}  // namespace faultline
