#include "app/assemble.h"

#include "db/builtin/builtin_db.h"
#include "workloads/register_workload.h"

namespace faultline {

Status ValidateSpec(const TestSpec& s) {
  auto bad = [](const std::string& what) { return Status::InvalidArgument(what); };
  if (s.db != "builtin") return bad("--db " + s.db + ": expected builtin");
  if (s.workload != "register") return bad("--workload " + s.workload + ": expected register");
  if (s.cluster != "processes") return bad("--cluster " + s.cluster + ": expected processes");
  if (s.nodes < 1 || s.nodes > 15) return bad("--nodes must be 1..15");
  if (s.concurrency < 1 || s.concurrency > 1000) return bad("--concurrency must be 1..1000");
  if (s.time_limit <= 0) return bad("--time-limit must be > 0 seconds");
  if (s.rate < 0) return bad("--rate must be >= 0");
  if (s.op_timeout <= 0) return bad("--op-timeout must be > 0 seconds");
  if (s.ops_per_key < 1) return bad("--ops-per-key must be >= 1");
  if (s.nemesis_interval <= 0) return bad("--nemesis-interval must be > 0 seconds");
  if (s.recovery < 0) return bad("--recovery must be >= 0 seconds");
  for (const auto& n : s.nemesis) {
    if (n != "kill" && n != "kill-primary") {
      return bad("--nemesis " + n + ": expected kill or kill-primary (more faults come with the "
                 "network-namespace cluster)");
    }
  }
  if (s.replication != "primary" && s.replication != "async" && s.replication != "quorum") {
    return bad("--replication " + s.replication + ": expected primary, async or quorum");
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
  return Status::InvalidArgument("unknown workload " + spec.workload);
}

Result<std::unique_ptr<Db>> MakeDb(const TestSpec& spec, const std::string& run_dir, RunLog& log) {
  BuiltinDbOptions o;
  o.nodes = spec.nodes;
  o.replication = spec.replication;
  o.r = spec.r;
  o.w = spec.w;
  o.run_dir = run_dir;
  auto db = BuiltinDb::Start(o, log);
  if (!db.ok()) return db.status();
  return std::unique_ptr<Db>(std::move(db).value());
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
    s.results_root = j.value("results_root", s.results_root);
    s.replication = j.value("replication", s.replication);
    s.r = j.value("r", 0);
    s.w = j.value("w", 0);
  } catch (const nlohmann::json::exception& e) {
    return Status::InvalidInput(std::string("missing or malformed field: ") + e.what());
  }
  if (Status v = ValidateSpec(s); !v.ok()) return v;
  return s;
}

}  // namespace faultline
