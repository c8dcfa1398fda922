// `faultline test`: parse the options, assemble the run's parts from the registry, run it
// (harness Run owns the lifecycle), and say where the report is. RunOneTest (test_run.h) is
// the run itself, which `faultline replay` starts too.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <random>

#include "app/assemble.h"
#include "app/commands.h"
#include "app/test_run.h"
#include "harness/interrupt.h"
#include "harness/results_store.h"
#include "harness/run.h"
#include "harness/test_flags.h"
#include "report/report.h"

namespace faultline {
namespace {

// run<PID>-<random>: the PID lets the next run see that this one's process is gone (and
// remove what it left); the suffix keeps a reused PID from taking over a left cluster's name.
std::string RunClusterName() {
  char suffix[8];
  std::snprintf(suffix, sizeof suffix, "%05x", static_cast<unsigned>(std::random_device()() & 0xfffff));
  return "run" + std::to_string(::getpid()) + "-" + suffix;
}

// The report and the results index are views of the results: failing to draw them never
// changes the verdict.
void WriteViews(const TestSpec& spec, const std::string& run_dir) {
  if (auto r = WriteReport(run_dir); !r.ok()) {
    std::cerr << "warning: no report: " << r.status().message() << "\n";
  }
  if (auto i = WriteResultsIndex(spec.results_root); !i.ok()) {
    std::cerr << "warning: no results index: " << i.status().message() << "\n";
  }
}

}  // namespace

TestRunOutcome RunOneTest(const TestSpec& spec, const Registry& registry, std::ostream& out,
                          std::optional<std::vector<RecordedStep>> replay) {
  TestRunOutcome outcome;
  auto run_dir = CreateRunDir(spec.results_root, spec.name);
  if (!run_dir.ok()) {
    std::cerr << run_dir.status().message() << "\n";
    outcome.exit_code = kExitSetupFailed;
    return outcome;
  }
  outcome.run_dir = *run_dir;
  RunLog log;
  (void)log.Open(*run_dir + "/faultline.log");
  log.set_echo(true);  // set-up steps on stderr: a cluster and a database take seconds
  (void)WriteJsonFile(*run_dir + "/test.json", RecordedTestJson(spec, registry));
  (void)PointLatest(spec.results_root, *run_dir);
  out << "faultline test " << spec.name << " (seed " << spec.seed << ") → " << *run_dir
      << std::endl;  // before the set-up steps on stderr
  auto parts = AssembleRun(spec, registry, RunClusterName(), *run_dir, std::move(replay));
  if (!parts.ok()) {
    std::cerr << parts.status().message() << "\n";
    outcome.exit_code = kExitBadInput;
    return outcome;
  }
  const RunOutcome run = Run(spec, std::move(parts).value(), *run_dir, log);
  for (const std::string& w : run.warnings) std::cerr << "warning: " << w << "\n";
  if (!run.kept_cluster.empty()) out << "cluster kept: " << run.kept_cluster << "\n";
  const RunReport& report = run.report;
  if (!report.status.ok()) {
    std::cerr << (run.setup_failed ? "setup failed: " : "faultline: ") << report.status.message()
              << "\n";
    if (!run.setup_failed) log.Info("error: " + report.status.message());
    outcome.exit_code = run.setup_failed ? kExitSetupFailed : kExitUnknown;
    return outcome;
  }
  WriteViews(spec, *run_dir);
  out << report.summary << "\n"
      << (report.interrupted ? "interrupted; " : "") << "verdict: " << VerdictName(report.verdict)
      << "\nreport: " << *run_dir << "/report.html\n";
  outcome.exit_code = ExitCodeFor(report.verdict);
  return outcome;
}

int RunTest(const std::vector<std::string>& args) {
  const Registry& registry = Registry::Global();
  TestSpec spec;
  std::string help;
  if (Status s = ParseTestFlags(args, registry, &spec, &help); !s.ok()) {
    std::cerr << s.message() << "\n(see faultline test --help)\n";
    return kExitBadInput;
  }
  if (!help.empty()) {
    std::cout << help;
    return kExitValid;
  }
  InstallInterruptHandler();
  return RunOneTest(spec, registry, std::cout).exit_code;
}

}  // namespace faultline
