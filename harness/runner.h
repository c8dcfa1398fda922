// Runner: one test run — client workers (one per --concurrency, each bound to a node
// round-robin), the nemesis, the phases (set-up, main, heal + recovery, final reads),
// the recorder, the check and the results folder. Run is called once, from one thread.
#pragma once

#include <string>

#include "checkers/verdict.h"
#include "core/status.h"
#include "harness/db.h"
#include "harness/nemesis.h"
#include "harness/run_log.h"
#include "harness/test_spec.h"
#include "harness/workload.h"

namespace faultline {

struct RunReport {
  Status status;  // a failure of faultline itself (history write, check error)
  Verdict verdict = Verdict::kUnknown;
  std::string summary;
  bool interrupted = false;
  bool setup_failed = false;  // the workload's set-up ops never succeeded (status says why)
  int64_t ops = 0;
};

// What results.json's "not_sent" (ops a worker dropped because no client of its node was
// ready within the op timeout) means, for the summary and the report.
std::string NotSentText(int64_t n);

// results.json of a run: the verdict, the history's stats and the checker's detail (the
// runner adds "not_sent" when ops were not sent).
nlohmann::json RunResults(const History& history, const CheckOutcome& check, bool interrupted);

// The verdict of a run's history: the workload's checkers, then one rule for every workload
// (checkers/nothing_checked.h): a run in which no client op succeeded is `unknown`, since the
// checkers had nothing to judge. The reason leads the summary and is a "database" entry of
// the detail, so results.json and the report say it. Runner::Run and `faultline analyze` both
// call this, so a re-analysed run agrees with the run.
Result<CheckOutcome> CheckRun(const Workload& workload, const History& history,
                              const std::string& source);

class Runner {
 public:
  // `nemesis` may be null (no faults). It is healed before the final phase and before Run
  // returns, whatever happened.
  Runner(const TestSpec& spec, Db& db, Workload& workload, Nemesis* nemesis, RunLog& log)
      : spec_(spec), db_(db), workload_(workload), nemesis_(nemesis), log_(log) {}

  // Runs the test, writing history.jsonl, results.json and nodes/ into run_dir.
  RunReport Run(const std::string& run_dir);

 private:
  const TestSpec& spec_;
  Db& db_;
  Workload& workload_;
  Nemesis* const nemesis_;
  RunLog& log_;
};

}  // namespace faultline
