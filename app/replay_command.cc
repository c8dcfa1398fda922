// `faultline replay RUN_DIR [--runs N] [--results DIR]`: runs a stored test again N times
// with its options, its seed and its recorded faults (nemesis/replay.h), each run a run
// folder of its own whose test.json says what it replays, and says in how many the original's
// anomaly kind came back (replay_kinds.h). docs/replay.md.
#include <charconv>
#include <filesystem>
#include <iostream>

#include "app/commands.h"
#include "app/replay_kinds.h"
#include "app/test_run.h"
#include "harness/interrupt.h"
#include "harness/results_store.h"

namespace faultline {
namespace {

constexpr const char* kHelp = R"(usage: faultline replay RUN_DIR [--runs N] [--results DIR]

Runs the test stored in RUN_DIR (results/<test>/<time>/) again, N times: the same options and
seed, so the workload draws the same operations, and the faults of its history.jsonl, each
taken at its recorded offset from the start of the main phase on the nodes it hit. The
database's and the machine's timing are not replayed, so an anomaly may or may not come back
(docs/replay.md); each run prints its verdict, anomaly kinds and folder, and the last line
says in how many of the N runs the original's anomaly kind came back.

  --runs N        how many runs (default 1)
  --results DIR   where the runs' folders go (default: the original run's results root)

Exit: 0 the original's anomaly kind came back in at least one run, 1 in none, 3 bad usage or
input (not a stored run, a history that cannot be read), 4 a run could not be set up (its
faults could not take the recorded steps, the cluster or database did not start).
)";

struct ReplayArgs {
  std::string run_dir, results;
  int runs = 1;
  bool help = false;
};

Status ParseReplayArgs(const std::vector<std::string>& args, ReplayArgs* a) {
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& word = args[i];
    if (word == "--help" || word == "-h") {
      a->help = true;
    } else if (word == "--runs" || word == "--results") {
      if (i + 1 >= args.size()) return Status::InvalidArgument(word + ": expected a value");
      const std::string& value = args[++i];
      if (word == "--results") {
        a->results = value;
        continue;
      }
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), a->runs);
      if (ec != std::errc() || end != value.data() + value.size() || a->runs < 1 ||
          a->runs > 1000) {
        return Status::InvalidArgument("--runs " + value + ": expected a whole number 1..1000");
      }
    } else if (word.rfind("-", 0) == 0 || !a->run_dir.empty()) {
      return Status::InvalidArgument("unexpected \"" + word +
                                     "\"; expected one RUN_DIR, --runs N, --results DIR");
    } else {
      a->run_dir = word;
    }
  }
  if (a->run_dir.empty() && !a->help) return Status::InvalidArgument("expected a RUN_DIR");
  return Status::Ok();
}

// What a replay needs of the stored run: its spec, its recorded faults and its kinds.
struct StoredRun {
  TestSpec spec;
  std::vector<RecordedStep> steps;
  nlohmann::json results;
};

Result<StoredRun> ReadStoredRun(const std::string& dir) {
  const std::string expected =
      "; expected a stored run (results/<test>/<time>/ with test.json, history.jsonl and "
      "results.json)";
  if (!std::filesystem::is_directory(dir)) {
    return Status::InvalidInput(dir + " is not a folder" + expected);
  }
  StoredRun run;
  auto spec_json = ReadJsonFile(dir + "/test.json");
  if (!spec_json.ok()) return Status::InvalidInput(spec_json.status().message() + expected);
  auto spec = SpecFromJson(*spec_json);
  if (!spec.ok()) return Status::InvalidInput(dir + "/test.json: " + spec.status().message());
  run.spec = std::move(spec).value();
  auto steps = ReadRecordedSchedule(dir + "/history.jsonl");
  if (!steps.ok()) return steps.status();
  run.steps = std::move(steps).value();
  auto results = ReadJsonFile(dir + "/results.json");
  if (!results.ok()) {
    return Status::InvalidInput(results.status().message() +
                                "; the run was cut short before its check (faultline analyze " +
                                dir + " writes it)");
  }
  run.results = std::move(results).value();
  return run;
}

// What the runs of a replay showed.
struct Tally {
  int done = 0, same = 0, invalid = 0;
  bool setup_failed = false;
};

// Runs `spec` up to `runs` times with the recorded steps, one line on stdout per run; stops
// at Ctrl-C and at a run that could not be set up (the next would not be either).
Tally ReplayRuns(const TestSpec& spec, const StoredRun& stored, int runs, bool witnesses,
                 const std::set<std::string>& original) {
  Tally t;
  for (int i = 1; i <= runs && !InterruptRequested(); ++i) {
    // The run's own lines (its summary, report) go with its set-up steps to stderr; stdout
    // holds the replay's.
    const TestRunOutcome run = RunOneTest(spec, Registry::Global(), std::cerr, stored.steps);
    std::cout << "run " << i << " of " << runs << ": ";
    if (run.exit_code == kExitSetupFailed || run.exit_code == kExitBadInput) {
      std::cout << "could not be set up (see "
                << (run.run_dir.empty() ? "the messages above" : run.run_dir + "/faultline.log")
                << ")\n";
      t.setup_failed = true;
      return t;
    }
    ++t.done;
    auto results = ReadJsonFile(run.run_dir + "/results.json");
    const nlohmann::json r = results.ok() ? *results : nlohmann::json::object();
    const std::set<std::string> kinds = AnomalyKinds(r, witnesses);
    t.invalid += r.value("verdict", "") == "invalid";
    t.same += SameAnomaly(original, r, kinds);
    std::cout << r.value("verdict", "unknown") << " (" << KindsText(kinds) << ") " << run.run_dir
              << std::endl;
  }
  return t;
}

}  // namespace

int RunReplay(const std::vector<std::string>& args) {
  ReplayArgs a;
  if (Status s = ParseReplayArgs(args, &a); !s.ok()) {
    std::cerr << "faultline replay: " << s.message() << "\n(see faultline replay --help)\n";
    return kExitBadInput;
  }
  if (a.help) {
    std::cout << kHelp;
    return kExitValid;
  }
  auto stored = ReadStoredRun(a.run_dir);
  if (!stored.ok()) {
    std::cerr << "faultline replay: " << stored.status().message() << "\n";
    return kExitBadInput;
  }
  TestSpec spec = stored->spec;
  // The folder itself: results/latest, say, will point elsewhere after the first replay.
  spec.replay_of = std::filesystem::weakly_canonical(a.run_dir).string();
  if (!a.results.empty()) spec.results_root = a.results;
  // Kinds compare like with like: the witnesses' when the original names them (the runs of
  // this faultline do too), else the checkers' problems on both sides.
  const bool witnesses = HasWitnesses(stored->results);
  const std::set<std::string> original = AnomalyKinds(stored->results, witnesses);
  std::cout << "replay of " << a.run_dir << " (" << stored->results.value("verdict", "?") << ": "
            << KindsText(original) << "): seed " << spec.seed << ", " << stored->steps.size()
            << " recorded fault steps, " << a.runs << " run" << (a.runs == 1 ? "" : "s")
            << std::endl;
  if (!witnesses) {
    std::cout << "anomaly kinds were not available (the original's results.json has no "
                 "\"witnesses\"): comparing what its checkers found instead\n";
  }
  InstallInterruptHandler();
  const Tally t = ReplayRuns(spec, *stored, a.runs, witnesses, original);
  if (t.setup_failed) return kExitSetupFailed;
  if (t.done < a.runs) std::cout << "interrupted after " << t.done << " of " << a.runs << " runs\n";
  std::cout << "replay: " << t.same << " of " << t.done
            << " runs invalid with the same anomaly kind (" << KindsText(original) << "); "
            << t.invalid << " of " << t.done << " invalid\n";
  return t.same > 0 ? kExitValid : kExitInvalid;
}

}  // namespace faultline
