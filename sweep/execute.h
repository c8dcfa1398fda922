// Running a sweep's plan: every run of every cell as its own `faultline test` process
// (faultline-run), up to `parallel` at once — each builds its own cluster (local clusters take
// their own namespaces and subnet), or takes one of the given node groups — skipping runs that
// already finished (--resume), starting none past the budget, and stopping after the current
// runs at Ctrl-C. A run's folder is the truth about it (docs/sweep.md): this writes only the
// run's log and outcome.json beside it. Main thread.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "sweep/plan.h"

namespace faultline {

struct ExecuteOptions {
  std::string program;  // faultline-run
  int parallel = 1;
  // --node-groups: each a --nodes value ("a1,a2,a3"); a run takes a free group. Empty: none.
  std::vector<std::string> node_groups;
  double budget_minutes = 0;  // 0: no budget
};

struct ExecuteResult {
  std::vector<std::string> not_run;  // runs left unstarted by the budget ("<cell>-s<k>")
  bool interrupted = false;          // Ctrl-C: the rest was left for --resume
};

ExecuteResult Execute(const SweepPlan& plan, const std::string& sweep_dir,
                      const ExecuteOptions& options, std::ostream& progress);

}  // namespace faultline
