// Run: the whole lifecycle of one `faultline test` — cluster → database → workers and nemesis
// → heal → recovery → final reads → check → teardown — with teardown on every path out (an
// error in set-up, an exception, Ctrl-C: a second Ctrl-C heals and takes the cluster down
// before exiting). The parts come from factories app/ assembles from the registry, called in
// that order. Called once, from the main thread.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "control/cluster.h"
#include "control/node_tools.h"
#include "harness/nemesis.h"
#include "harness/run_log.h"
#include "harness/runner.h"
#include "harness/test_spec.h"
#include "harness/workload.h"

namespace faultline {

struct RunParts {
  std::unique_ptr<Workload> workload;
  // Checks that need nothing built (the --client-cmd program starts and says it is ready),
  // run first so that a mistake costs no cluster; null when there are none.
  std::function<Status(RunLog&)> preflight;
  // The nodes (torn down on every path out unless kept).
  std::function<Result<std::unique_ptr<Cluster>>(RunLog&)> cluster;
  // The database on them; `tools` is null when the cluster shares_host() (nothing to run there).
  std::function<Result<std::unique_ptr<Db>>(Cluster&, const NodeTools*, RunLog&)> db;
  // The fault schedule; null when the run has no faults.
  std::function<Result<std::unique_ptr<Nemesis>>(Db&, Cluster&, const NodeTools*)> nemesis;
};

struct RunOutcome {
  RunReport report;
  bool setup_failed = false;  // the cluster, the database or the faults could not be set up
  std::string kept_cluster;   // the name of a cluster left up (--keep-cluster)
  std::vector<std::string> warnings;  // teardown problems; the verdict stands
};

// Runs `spec` with `parts`, writing into run_dir (which holds test.json already).
RunOutcome Run(const TestSpec& spec, RunParts parts, const std::string& run_dir, RunLog& log);

}  // namespace faultline
