// `faultline check`: any registered checker (checkers/registry.h) over history files; by
// default the checkers of the run's workload (test.json beside the history), else
// linearizability. `faultline shrink` is check of one history that writes each problem's
// witness (checkers/witness/) as a history of its own.
#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>

#include "app/check_plan.h"
#include "app/commands.h"
#include "app/history_paths.h"
#include "checkers/compose.h"
#include "checkers/linearizability/checker.h"
#include "checkers/nothing_checked.h"
#include "checkers/registry.h"
#include "checkers/witness/witness.h"
#include "core/history_io.h"
#include "harness/results_store.h"

namespace faultline {
namespace {

namespace po = boost::program_options;
using Clock = std::chrono::steady_clock;

struct CheckFlags {
  std::string model = "auto";
  std::string format = "auto";
  std::string initial = "null";
  double timeout = 0;
  int64_t memory_mb = 4096;
  bool fail_fast = false;
  bool no_partition = false;
  bool no_unique_values = false;
  std::string out;
  std::vector<std::string> files;
  std::optional<std::string> checker;  // --checker, as given
  std::vector<std::string> checkers;   // its names; empty: as the history's run implies
  // Checker parameters; unset: test.json's, else the checker's default.
  std::optional<int64_t> accounts, total;
  bool allow_negative = false;  // set: true
  std::optional<std::string> consistency;
  std::optional<std::string> key;  // shrink: only this key's witnesses
  bool no_witnesses = false;       // check: verdicts only, no problem shrunk
};

constexpr const char* kCheckHelp = R"(
A directory stands for the regular files directly in it (subdirectories are not searched)
whose names end in .jsonl, .edn, .log or .txt, in name order; other entries are skipped
with a note, and a directory without such a file is an error.
--checker (one or more of linearizability, causal, bank, counter, txn, separated by
commas) picks the checkers; without it a history beside a run's test.json gets the checkers
of the run's workload (register: linearizability and causal; bank: bank; counter: counter),
with the bank's and the counter's parameters from test.json, a history of "txn" ops (Jepsen's
list-append) txn, and any other history linearizability. --accounts, --total, --allow-negative and --consistency set those
parameters (over test.json's); the bank checker needs a total.
A history in which no client op completed ok (empty, only nemesis ops, or only ops that
failed, are indeterminate or never completed) is unknown: nothing was checked.
Exit: 0 all valid, 1 any invalid, 2 any unknown, 3 bad usage or input (a path that cannot be
read, a malformed history, an unknown checker, a missing or bad checker parameter).
)";

constexpr const char* kShrinkHelp = R"(
Checks one history (a run's folder stands for its history.jsonl) as `faultline check` does,
and shrinks each problem found to its witness: the smallest sub-history the same checker
still finds wrong in the same way, named (lost write, stale read, …) with one sentence. Each
witness is written as a history of its own (WITNESS_DIR/<checker>-<key>.jsonl) that
`faultline check` finds invalid alone, and all of them to WITNESS_DIR/witnesses.json; a run's
test.json is copied beside them, so that check uses the run's checkers and parameters (for a
history with none, give check the same --checker and parameters as shrink).
docs/witnesses.md says what each checker may drop and why the witness is a proof.
Exit: 0 valid (nothing to shrink), 1 witnesses written, 2 unknown, 3 bad usage or input.
)";

double Seconds(Clock::time_point since) {
  return std::chrono::duration<double>(Clock::now() - since).count();
}

std::string Ms(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f ms", seconds * 1e3);
  return buf;
}

// The --initial value: JSON text (null, 0, "abc").
Result<nlohmann::json> ParseInitial(const std::string& text) {
  nlohmann::json j = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) {
    return Status::InvalidArgument("--initial " + text +
                                   ": expected a JSON value (null, 0, \"a\")");
  }
  return j;
}

struct FileOutcome {
  nlohmann::json json;
  Verdict verdict = Verdict::kValid;
  bool bad_input = false;
  double parse_seconds = 0, check_seconds = 0;
};

FileOutcome BadInput(FileOutcome out, const std::string& message) {
  std::cerr << message << "\n";
  out.bad_input = true;
  out.json["error"] = message;
  return out;
}

// The linearizability checker's parameters for one file: the model --model names, or (auto)
// the one its format or ops imply; Jepsen EDN histories get Knossos's reading of nil reads
// (see docs/linearizability.md).
nlohmann::json LinearizabilityParams(nlohmann::json params, const CheckFlags& flags,
                                     const LoadedHistory& loaded) {
  const HistoryFormat fmt = loaded.format;
  params["model"] = flags.model != "auto"                  ? flags.model
                    : fmt == HistoryFormat::kPorcupineEtcd ? "etcd"
                    : fmt == HistoryFormat::kPorcupineKv   ? "kv"
                                                           : GuessModel(loaded.history);
  params["nil_read_matches_any"] = fmt == HistoryFormat::kEdn;
  return params;
}

// The command line's checker parameters over `params` (test.json's).
nlohmann::json WithFlagParams(nlohmann::json params, const CheckFlags& f) {
  if (f.accounts) params["accounts"] = *f.accounts;
  if (f.total) params["total"] = *f.total;
  if (f.allow_negative) params["allow_negative"] = true;
  if (f.consistency) params["consistency"] = *f.consistency;
  return params;
}

// A history of transactions (its first client op is a "txn"): Jepsen's list-append.
bool IsTxnHistory(const History& h) {
  for (const Op& op : h.ops()) {
    if (!op.is_nemesis()) return op.f == "txn";
  }
  return false;
}

// The checkers for one file (check_plan.h), each from its parameters.
Result<std::vector<std::unique_ptr<Checker>>> CheckersFor(const std::string& path,
                                                          const CheckFlags& flags,
                                                          const nlohmann::json& lin_params,
                                                          const LoadedHistory& loaded) {
  auto run = ReadStoredRun(path);
  if (!run.ok()) return run.status();
  std::vector<std::string> names = flags.checkers;
  if (names.empty()) names = WorkloadCheckers(*run ? (*run)->workload : "");
  if (flags.checkers.empty() && !*run && IsTxnHistory(loaded.history)) names = {"txn"};
  if (flags.model != "auto" &&
      std::find(names.begin(), names.end(), "linearizability") == names.end()) {
    std::string list;
    for (const std::string& n : names) list += (list.empty() ? "" : ",") + n;
    return Status::InvalidInput(path + ": --model " + flags.model +
                                " is a model of the linearizability checker, which does not "
                                "check this history (its checkers: " + list +
                                "); add --checker linearizability or leave out --model");
  }
  const nlohmann::json params =
      WithFlagParams(*run ? (*run)->params : nlohmann::json::object(), flags);
  std::vector<std::unique_ptr<Checker>> checkers;
  for (const std::string& name : names) {
    auto checker = MakeChecker(name, name == "linearizability"
                                         ? LinearizabilityParams(lin_params, flags, loaded)
                                         : params);
    if (!checker.ok()) {
      return Status::InvalidInput(
          path + ": " + checker.status().message() +
          (*run ? " (parameters from " + (*run)->test_json + " and the command line)"
                : "; with no test.json beside the history, give the parameters as --total, "
                  "--accounts, --allow-negative and --consistency"));
    }
    checkers.push_back(std::move(*checker));
  }
  return checkers;
}

// Up to kShown problems of one checker's result, then how many more there were.
void PrintProblems(const std::vector<CheckerProblem>& problems, const std::string& indent,
                   bool with_verdict) {
  constexpr size_t kShown = 3;
  for (size_t i = 0; i < problems.size() && i < kShown; ++i) {
    const CheckerProblem& p = problems[i];
    std::cout << indent;
    if (with_verdict) {  // the linearizability checker's keys: "key 7: invalid — …"
      std::cout << (p.key ? "key " + *p.key + ": " : "") << VerdictName(p.verdict) << " — "
                << p.explanation << "\n";
    } else {
      std::cout << p.text << "\n";
    }
  }
  if (problems.size() > kShown) {
    std::cout << indent << "… and " << problems.size() - kShown << " more "
              << (with_verdict ? "keys" : "problems") << " (see results.json)\n";
  }
}

// What `check` prints for one file: with the linearizability checker alone, the line it has
// always printed (model, keys, ops); otherwise a line per checker, each with its problems.
// Up to kShown of the checker's witnesses (their name and sentence), then how many more;
// false when it has none (its problems are printed instead).
bool PrintWitnesses(const Composition& c, const std::string& checker, const std::string& indent) {
  constexpr size_t kShown = 3;
  size_t n = 0;
  for (const Witness& w : c.witnesses) {
    if (w.checker != checker) continue;
    if (n++ < kShown) std::cout << indent << WitnessLine(w) << "\n";
  }
  if (n > kShown) {
    std::cout << indent << "… and " << n - kShown << " more (see results.json, or faultline shrink)\n";
  }
  return n > 0;
}

void PrintOutcome(const std::string& path, const FileOutcome& out, const Composition& c,
                  const std::optional<std::string>& nothing) {
  const std::string times = "parse " + Ms(out.parse_seconds) + ", check " + Ms(out.check_seconds);
  if (c.results.size() == 1 && c.results[0].first == "linearizability") {
    const nlohmann::json& d = c.results[0].second.detail;
    const size_t keys = d.value("keys", size_t{0});
    std::cout << path << ": " << VerdictName(out.verdict) << "  (" << d.value("model", "") << ", "
              << keys << (keys == 1 ? " key, " : " keys, ") << d.value("ops", size_t{0}) << " ops, "
              << times << ")\n";
    if (nothing) std::cout << "    " << *nothing << "\n";
    if (!PrintWitnesses(c, "linearizability", "    ")) {
      PrintProblems(c.results[0].second.problems, "    ", true);
    }
    return;
  }
  std::cout << path << ": " << VerdictName(out.verdict) << "  (" << times << ")\n";
  if (nothing) std::cout << "    " << *nothing << "\n";
  for (const auto& [name, r] : c.results) {
    std::cout << "    " << r.summary << "\n";
    if (!PrintWitnesses(c, name, "      ")) PrintProblems(r.problems, "      ", false);
    if (r.problems.empty() && !r.why.empty()) std::cout << "      " << r.why << "\n";
  }
}

FileOutcome CheckFile(const std::string& path, const CheckFlags& flags,
                      const nlohmann::json& lin_params) {
  FileOutcome out;
  out.json = {{"file", path}};
  const auto t0 = Clock::now();
  auto format = ParseHistoryFormat(flags.format);
  auto loaded = ReadHistoryFile(path, format.value());
  out.parse_seconds = Seconds(t0);
  if (!loaded.ok()) return BadInput(std::move(out), loaded.status().message());
  if (!loaded->warning.empty()) {
    std::cerr << "warning: " << loaded->warning << "\n";
    out.json["warning"] = loaded->warning;
  }
  auto checkers = CheckersFor(path, flags, lin_params, *loaded);
  if (!checkers.ok()) return BadInput(std::move(out), checkers.status().message());
  const auto t1 = Clock::now();
  auto composed = Compose(*checkers, loaded->history, path, !flags.no_witnesses);
  out.check_seconds = Seconds(t1);
  if (!composed.ok()) return BadInput(std::move(out), composed.status().message());
  out.verdict = composed->verdict;
  // A history with no op completed ok is linearizable trivially: say nothing was checked.
  const nlohmann::json* lin =
      composed->detail.contains("linearizability") ? &composed->detail["linearizability"] : nullptr;
  const std::optional<std::string> nothing =
      NothingCheckedReason(loaded->history, lin ? lin->value("model", "") : "");
  if (nothing) {
    out.verdict = Worst(out.verdict, Verdict::kUnknown);
    out.json["reason"] = *nothing;
  }
  out.json["format"] = HistoryFormatName(loaded->format);
  out.json["parse_seconds"] = out.parse_seconds;
  out.json["check_seconds"] = out.check_seconds;
  for (const auto& [name, detail] : composed->detail.items()) out.json[name] = detail;
  out.json["witnesses"] = composed->WitnessesJson(loaded->history);
  out.json["verdict"] = VerdictName(out.verdict);
  PrintOutcome(path, out, *composed, nothing);
  return out;
}

// CheckFile, with anything thrown (an allocation that failed on a huge or odd file) turned
// into that file's error rather than the end of the whole command.
FileOutcome CheckFileSafely(const std::string& path, const CheckFlags& flags,
                            const nlohmann::json& lin_params) {
  try {
    return CheckFile(path, flags, lin_params);
  } catch (const std::exception& e) {
    FileOutcome out;
    out.bad_input = true;
    out.json = {{"file", path}, {"error", path + ": cannot check: " + e.what()}};
    std::cerr << out.json["error"].get<std::string>() << "\n";
    return out;
  }
}

// What the files of one `check` call came to.
struct Tally {
  size_t counts[3] = {0, 0, 0};  // by Verdict
  size_t bad = 0;                // paths that could not be read or parsed
  double parse = 0, check = 0;
  Verdict overall = Verdict::kValid;
  nlohmann::json files = nlohmann::json::array();  // results.json's "files"
};

// Checks every file of `paths` in order, printing a line for each and one for the total.
Tally CheckAll(const HistoryPaths& paths, const CheckFlags& flags,
               const nlohmann::json& lin_params) {
  Tally t;
  for (const std::string& note : paths.notes) std::cerr << "note: " << note << "\n";
  for (const PathError& e : paths.errors) {
    std::cerr << e.message << "\n";
    t.files.push_back({{"file", e.path}, {"error", e.message}});
    ++t.bad;
  }
  for (const std::string& path : paths.files) {
    FileOutcome o = CheckFileSafely(path, flags, lin_params);
    t.parse += o.parse_seconds;
    t.check += o.check_seconds;
    t.files.push_back(std::move(o.json));
    if (o.bad_input) {
      ++t.bad;
      continue;
    }
    ++t.counts[static_cast<int>(o.verdict)];
    t.overall = Worst(t.overall, o.verdict);
  }
  const size_t total = paths.files.size() + paths.errors.size();
  std::cout << total << (total == 1 ? " history: " : " histories: ") << t.counts[0] << " valid, "
            << t.counts[1] << " invalid, " << t.counts[2] << " unknown";
  if (t.bad) std::cout << ", " << t.bad << " unreadable";
  std::cout << " — parse " << Ms(t.parse) << ", check " << Ms(t.check) << "\n";
  return t;
}

Status ValidateFlags(CheckFlags* f);

Status ParseFlags(const std::vector<std::string>& args, CheckFlags* f, bool* help,
                  bool shrink = false) {
  po::options_description desc(shrink ? "faultline shrink [options] RUN_DIR|HISTORY"
                                      : "faultline check [options] FILE_OR_DIR...");
  po::options_description_easy_init add = desc.add_options();
  if (!shrink) {
    add("no-witnesses", po::bool_switch(&f->no_witnesses),
        "do not shrink problems to witnesses (faster on histories with thousands of them)");
  }
  if (shrink) {
    add("key", po::value<std::string>()->notifier([f](const std::string& v) { f->key = v; }),
        "only the witnesses of this key");
  }
  add("help,h", "show this help");
  add("model", po::value(&f->model)->default_value(f->model),
      "auto, register, cas-register, etcd, kv or mutex");
  add("format", po::value(&f->format)->default_value(f->format),
      "auto, jsonl, edn, porcupine-etcd or porcupine-kv");
  add("initial", po::value(&f->initial)->default_value(f->initial),
      "initial value of every register/key, as JSON");
  add("timeout", po::value(&f->timeout)->default_value(f->timeout),
      "seconds per file before unfinished keys are unknown (0: none)");
  add("memory-mb", po::value(&f->memory_mb)->default_value(f->memory_mb),
      "memory budget for the search, per file");
  add("fail-fast", po::bool_switch(&f->fail_fast), "stop at the first invalid key");
  add("no-partition", po::bool_switch(&f->no_partition),
      "check all keys as one object (slow; for comparison)");
  add("no-unique-values", po::bool_switch(&f->no_unique_values),
      "always search, even when write values are unique");
  add("out", po::value(&f->out),
      shrink ? "write the witnesses into DIR (default: RUN_DIR/witnesses, or HISTORY.witnesses)"
             : "write DIR/results.json");
  add("checker", po::value<std::string>()->notifier([f](const std::string& v) { f->checker = v; }),
      "checkers to run, separated by commas: linearizability, causal, bank, counter, txn "
      "(default: the run's workload's; txn for a history of txn ops; else linearizability)");
  add("accounts", po::value<int64_t>()->notifier([f](int64_t v) { f->accounts = v; }),
      "bank: the account count (default: test.json's, else those of the first read)");
  add("total", po::value<int64_t>()->notifier([f](int64_t v) { f->total = v; }),
      "bank: the sum every read must show (default: test.json's)");
  add("allow-negative", po::bool_switch(&f->allow_negative), "bank: negative balances are fine");
  add("consistency",
      po::value<std::string>()->notifier([f](const std::string& v) { f->consistency = v; }),
      "counter: linearizable or eventual (default: test.json's, else linearizable)");
  add("file", po::value(&f->files)->multitoken(), "history files or directories");
  po::positional_options_description pos;
  pos.add("file", -1);
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(desc).positional(pos).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << desc << (shrink ? kShrinkHelp : kCheckHelp);
      *help = true;
      return Status::Ok();
    }
  } catch (const po::error& e) {
    return Status::InvalidArgument(std::string(shrink ? "faultline shrink: " : "faultline check: ") +
                                   e.what());
  }
  if (shrink && f->files.size() > 1) {
    return Status::InvalidArgument("faultline shrink: one RUN_DIR or HISTORY, got " +
                                   std::to_string(f->files.size()));
  }
  return ValidateFlags(f);
}

// What program_options cannot check: names and ranges.
Status ValidateFlags(CheckFlags* f) {
  if (f->files.empty()) return Status::InvalidArgument("faultline check: no history files given");
  if (auto fmt = ParseHistoryFormat(f->format); !fmt.ok()) return fmt.status();
  if (f->model != "auto" && std::find(std::begin(kModelNames), std::end(kModelNames), f->model) ==
                                std::end(kModelNames)) {
    return Status::InvalidArgument("--model " + f->model +
                                   ": expected auto, register, cas-register, etcd, kv or mutex");
  }
  if (f->timeout < 0 || f->memory_mb <= 0) {
    return Status::InvalidArgument("--timeout must be >= 0 and --memory-mb > 0");
  }
  if (f->checker) {
    auto names = ParseCheckerList(*f->checker);
    if (!names.ok()) return names.status();
    f->checkers = std::move(*names);
  }
  if (f->accounts && *f->accounts < 0) {
    return Status::InvalidArgument("--accounts " + std::to_string(*f->accounts) +
                                   ": expected a count >= 0 (0: those of the first read)");
  }
  if (f->consistency && *f->consistency != "linearizable" && *f->consistency != "eventual") {
    return Status::InvalidArgument("--consistency " + *f->consistency +
                                   ": expected linearizable or eventual");
  }
  return Status::Ok();
}

Status WriteResults(const std::string& dir, const nlohmann::json& j) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError(dir + ": cannot create: " + ec.message());
  return WriteJsonFile(dir + "/results.json", j);
}

// The linearizability checker's parameters (linearizability_checker.h); the model is settled
// per file.
Result<nlohmann::json> LinearizabilityFlagParams(const CheckFlags& flags) {
  auto initial = ParseInitial(flags.initial);
  if (!initial.ok()) return initial.status();
  return nlohmann::json{{"initial", *initial},
                        {"timeout_seconds", flags.timeout},
                        {"memory_mb", flags.memory_mb},
                        {"fail_fast", flags.fail_fast},
                        {"partition_by_key", !flags.no_partition},
                        {"unique_values", !flags.no_unique_values}};
}

// "linearizability-181.jsonl": a witness's file name (a key's characters that a file name
// should not hold become '_').
std::string WitnessFileName(const Witness& w, std::map<std::string, int>* taken) {
  std::string name = w.checker + (w.key ? "-" + *w.key : "");
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') c = '_';
  }
  const int n = (*taken)[name]++;
  return name + (n ? "-" + std::to_string(n + 1) : "") + ".jsonl";
}

}  // namespace

int RunShrink(const std::vector<std::string>& args) {
  CheckFlags flags;
  bool help = false;
  if (Status s = ParseFlags(args, &flags, &help, /*shrink=*/true); !s.ok()) {
    std::cerr << s.message() << "\n(see faultline shrink --help)\n";
    return kExitBadInput;
  }
  if (help) return kExitValid;
  auto lin_params = LinearizabilityFlagParams(flags);
  if (!lin_params.ok()) {
    std::cerr << lin_params.status().message() << "\n";
    return kExitBadInput;
  }
  std::string path = flags.files[0];
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  const bool run_dir = std::filesystem::is_directory(path);
  if (run_dir) path += "/history.jsonl";
  const std::string out_dir =
      !flags.out.empty() ? flags.out
      : run_dir          ? std::filesystem::path(path).parent_path().string() + "/witnesses"
                         : path + ".witnesses";
  auto format = ParseHistoryFormat(flags.format);
  const auto t0 = Clock::now();
  auto loaded = ReadHistoryFile(path, format.value());
  if (!loaded.ok()) {
    std::cerr << loaded.status().message() << "\n";
    return kExitBadInput;
  }
  const double parse_seconds = Seconds(t0);
  const auto t1 = Clock::now();
  auto checkers = CheckersFor(path, flags, *lin_params, *loaded);
  auto composed = checkers.ok() ? Compose(*checkers, loaded->history, path, /*witnesses=*/false)
                                : Result<Composition>(checkers.status());
  if (!composed.ok()) {
    std::cerr << composed.status().message() << "\n";
    return kExitBadInput;
  }
  const double check_seconds = Seconds(t1);
  const auto t2 = Clock::now();
  // Only the problems asked for are shrunk (--key: that key's alone).
  std::vector<Witness> witnesses;
  for (size_t i = 0; i < checkers->size(); ++i) {
    CheckerResult& r = composed->results[i].second;
    if (r.verdict != Verdict::kInvalid) continue;
    if (flags.key) {
      std::erase_if(r.problems, [&](const CheckerProblem& p) { return p.key != flags.key; });
    }
    for (Witness& w : FindWitnesses(*(*checkers)[i], r, loaded->history, path)) {
      if (!w.kind.empty()) witnesses.push_back(std::move(w));
    }
  }
  std::vector<const Witness*> chosen;
  for (const Witness& w : witnesses) chosen.push_back(&w);
  std::cout << path << ": " << VerdictName(composed->verdict) << "; " << chosen.size()
            << " witness" << (chosen.size() == 1 ? "" : "es") << (flags.key ? " of key " + *flags.key : "")
            << "  (parse " << Ms(parse_seconds) << ", check " << Ms(check_seconds) << ", shrink "
            << Ms(Seconds(t2)) << ")\n";
  if (chosen.empty()) {
    if (flags.key && composed->verdict == Verdict::kInvalid) {
      std::cerr << "key " << *flags.key << " has no problem to shrink\n";
      return kExitBadInput;
    }
    return ExitCodeFor(composed->verdict);
  }
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) {
    std::cerr << out_dir << ": cannot create: " << ec.message() << "\n";
    return kExitBadInput;
  }
  // The run's test.json goes beside the witnesses, so that `faultline check` of one of them
  // runs the run's checkers with its parameters (a bank's total), as it would the history.
  if (auto run = ReadStoredRun(path); run.ok() && *run) {
    std::filesystem::copy_file((*run)->test_json, out_dir + "/test.json",
                               std::filesystem::copy_options::overwrite_existing, ec);
  }
  std::map<std::string, int> taken;
  nlohmann::json all = nlohmann::json::array();
  for (const Witness* w : chosen) {
    const std::string file = out_dir + "/" + WitnessFileName(*w, &taken);
    if (Status s = WriteHistoryJsonl(WitnessHistory(loaded->history, *w), file); !s.ok()) {
      std::cerr << s.message() << "\n";
      return kExitBadInput;
    }
    nlohmann::json j = ToJson(*w, loaded->history);
    j["file"] = file;
    all.push_back(std::move(j));
    std::cout << "  " << WitnessLine(*w) << "\n    " << w->op_indices.size() << " of "
              << w->scope_ops << " ops" << (w->note.empty() ? "" : " (" + w->note + ")") << " → "
              << file << "\n";
  }
  if (Status s = WriteJsonFile(out_dir + "/witnesses.json", all); !s.ok()) {
    std::cerr << s.message() << "\n";
    return kExitBadInput;
  }
  return ExitCodeFor(composed->verdict);
}

int RunCheck(const std::vector<std::string>& args) {
  CheckFlags flags;
  bool help = false;
  if (Status s = ParseFlags(args, &flags, &help); !s.ok()) {
    std::cerr << s.message() << "\n(see faultline check --help)\n";
    return kExitBadInput;
  }
  if (help) return kExitValid;
  auto lin_params_or = LinearizabilityFlagParams(flags);
  if (!lin_params_or.ok()) {
    std::cerr << lin_params_or.status().message() << "\n";
    return kExitBadInput;
  }
  const nlohmann::json& lin_params = *lin_params_or;

  const HistoryPaths paths = ExpandHistoryPaths(flags.files);
  Tally t = CheckAll(paths, flags, lin_params);
  const int code = t.bad ? kExitBadInput : ExitCodeFor(t.overall);
  if (!flags.out.empty()) {
    nlohmann::json j = {{"command", "check"},
                        {"verdict", t.bad ? "error" : VerdictName(t.overall)},
                        {"exit_code", code},
                        {"files", std::move(t.files)}};
    if (Status s = WriteResults(flags.out, j); !s.ok()) {
      std::cerr << s.message() << "\n";
      return kExitBadInput;
    }
  }
  return code;
}

}  // namespace faultline
