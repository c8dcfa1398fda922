// `faultline analyze RUN_DIR`: re-checks a stored run offline from its test.json and
// history.jsonl, rewriting results.json. Works on the prefix a crashed run left behind.
#include <filesystem>
#include <fstream>
#include <iostream>

#include "app/assemble.h"
#include "app/commands.h"
#include "core/history_io.h"
#include "harness/results_store.h"
#include "harness/runner.h"
#include "report/report.h"

namespace faultline {

int RunAnalyze(const std::vector<std::string>& args) {
  if (args.size() != 1 || args[0] == "--help" || args[0] == "-h") {
    std::cerr << "usage: faultline analyze RUN_DIR   (a folder under results/ with test.json and "
                 "history.jsonl)\n";
    return args.size() == 1 ? kExitValid : kExitBadInput;
  }
  const std::string dir = args[0];
  auto spec_json = ReadJsonFile(dir + "/test.json");
  if (!spec_json.ok()) {
    std::cerr << spec_json.status().message() << "\n";
    return kExitBadInput;
  }
  auto spec = SpecFromJson(*spec_json);
  if (!spec.ok()) {
    std::cerr << dir << "/test.json: " << spec.status().message() << "\n";
    return kExitBadInput;
  }
  const WorkloadPart* part = Registry::Global().FindWorkload(spec->workload.name);
  Result<std::unique_ptr<Workload>> workload = part->make(*spec);  // SpecFromJson checked it
  // A run killed during its set-up (cluster, database) has a test.json but no history yet:
  // an empty prefix, not an error.
  const std::string history_path = dir + "/history.jsonl";
  const bool never_recorded =
      !std::filesystem::exists(history_path) && !std::filesystem::exists(dir + "/results.json");
  Result<LoadedHistory> loaded = never_recorded
                                     ? Result<LoadedHistory>(LoadedHistory{})
                                     : ReadHistoryFile(history_path, HistoryFormat::kJsonl);
  // ... written as the empty history it is, so that the report and `check` have one to read.
  if (never_recorded) std::ofstream(history_path, std::ios::app).close();
  if (!workload.ok() || !loaded.ok()) {
    std::cerr << (workload.ok() ? loaded.status() : workload.status()).message() << "\n";
    return kExitBadInput;
  }
  auto check = CheckRun(**workload, loaded->history, history_path);
  if (!check.ok()) {
    std::cerr << check.status().message() << "\n";
    return kExitBadInput;
  }
  // A run that never wrote results.json was cut short: its history is a prefix. (Once
  // analyze has written one, it keeps saying so.)
  auto previous = ReadJsonFile(dir + "/results.json");
  const bool truncated =
      !previous.ok() || previous->value("truncated", false) || !loaded->warning.empty();
  if (truncated && loaded->history.size() == 0) {
    // Nothing ran against the database, so nothing was shown either way.
    check->verdict = Verdict::kUnknown;
    check->summary = "the run was cut short before it recorded any operation: no verdict";
    check->detail["database"]["reason"] = check->summary;
  }
  if (!loaded->warning.empty()) std::cerr << "warning: " << loaded->warning << "\n";
  nlohmann::json results = RunResults(loaded->history, *check, false);
  if (previous.ok() && previous->contains("not_sent")) results["not_sent"] = (*previous)["not_sent"];
  results["analyzed"] = true;
  results["truncated"] = truncated;
  if (Status s = WriteJsonFile(dir + "/results.json", results); !s.ok()) {
    std::cerr << s.message() << "\n";
    return kExitBadInput;
  }
  if (auto r = WriteReport(dir); !r.ok()) {
    std::cerr << "warning: no report: " << r.status().message() << "\n";
  }
  std::cout << check->summary << "\n"
            << dir << ": " << VerdictName(check->verdict)
            << " (results.json and report.html rewritten)\n";
  return ExitCodeFor(check->verdict);
}

}  // namespace faultline
