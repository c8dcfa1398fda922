#include "harness/run.h"

#include <optional>

#include "control/child_process.h"
#include "harness/interrupt.h"

namespace faultline {
namespace {

// What a run has built, taken down in reverse order whenever it goes: faults healed and
// their rules removed, the database stopped (its logs collected first), then the cluster
// (unless kept).
struct Built {
  Built(const std::string& run_dir, RunLog& log) : run_dir(run_dir), log(log) {}
  ~Built() { TearDown(); }

  void TearDown() {
    nemesis.reset();
    if (db) {
      if (Status s = db->CollectLogs(run_dir + "/nodes"); !s.ok()) log.Info(s.message());
      db.reset();
    }
    if (cluster && kept.empty()) {
      if (Status s = cluster->TearDown(); !s.ok()) {
        warnings.push_back(s.message());
        log.Info("cluster teardown: " + s.message());
      }
    }
    cluster.reset();
  }

  const std::string& run_dir;
  RunLog& log;
  std::unique_ptr<Cluster> cluster;
  std::optional<NodeTools> tools;
  std::unique_ptr<Db> db;
  std::unique_ptr<Nemesis> nemesis;
  std::string kept;
  std::vector<std::string> warnings;
};

// The preflight, then cluster, node tools, database and faults, in that order; the first
// error ends set-up.
Status SetUp(const TestSpec& spec, RunParts& parts, Built& b) {
  if (parts.preflight) FAULTLINE_RETURN_IF_ERROR(parts.preflight(b.log));
  Clock::time_point start = Clock::now();
  auto cluster = parts.cluster(b.log);
  if (!cluster.ok()) return cluster.status();
  b.cluster = std::move(cluster).value();
  if (spec.cluster.keep) b.kept = b.cluster->Keep();
  b.log.Step("cluster: " + b.cluster->Describe() + " ready in " + SecondsSince(start));
  // Fault and server tools for the nodes; processes sharing this host take neither.
  if (!b.cluster->shares_host()) {
    start = Clock::now();
    auto tools = NodeTools::Install(*b.cluster);
    if (!tools.ok()) return tools.status();
    b.tools = std::move(tools).value();
    b.log.Step("node tools installed in " + SecondsSince(start));
  }
  const NodeTools* tools = b.tools ? &*b.tools : nullptr;
  start = Clock::now();
  auto db = parts.db(*b.cluster, tools, b.log);
  if (!db.ok()) return db.status();
  b.db = std::move(db).value();
  b.log.Step("db: " + b.db->Describe() + " set up in " + SecondsSince(start));
  auto nemesis = parts.nemesis(*b.db, *b.cluster, tools);
  if (!nemesis.ok()) return nemesis.status();
  b.nemesis = std::move(nemesis).value();
  return Status::Ok();
}

}  // namespace

RunOutcome Run(const TestSpec& spec, RunParts parts, const std::string& run_dir, RunLog& log) {
  RunOutcome out;
  Built built(run_dir, log);
  // A second Ctrl-C heals what it can and takes a local cluster down before exiting.
  SetForcedExitCleanup([&built] {
    KillAllChildProcesses();  // external clients, which owners will not get to end
    if (built.nemesis) built.nemesis->HealAll([](Op) {});
    if (built.cluster && built.kept.empty()) (void)built.cluster->TearDown();
  });
  if (Status s = SetUp(spec, parts, built); !s.ok()) {
    SetForcedExitCleanup({});
    log.Info("setup failed: " + s.message());
    out.setup_failed = true;
    out.report.status = s;
    return out;
  }
  out.report = Runner(spec, *built.db, *parts.workload, built.nemesis.get(), log).Run(run_dir);
  SetForcedExitCleanup({});
  out.setup_failed = out.report.setup_failed;
  out.kept_cluster = built.kept;
  built.TearDown();
  out.warnings = built.warnings;
  return out;
}

}  // namespace faultline
