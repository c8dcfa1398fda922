// `faultline check`: the linearizability checker over history files.
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <optional>

#include "app/commands.h"
#include "app/history_paths.h"
#include "checkers/linearizability/checker.h"
#include "checkers/linearizability/result_json.h"
#include "checkers/nothing_checked.h"
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
};

constexpr const char* kCheckHelp = R"(
A directory stands for the regular files directly in it (subdirectories are not searched)
whose names end in .jsonl, .edn, .log or .txt, in name order; other entries are skipped
with a note, and a directory without such a file is an error.
A history in which no client op completed ok (empty, only nemesis ops, or only ops that
failed, are indeterminate or never completed) is unknown: nothing was checked.
Exit: 0 all valid, 1 any invalid, 2 any unknown, 3 bad usage or input (a path that cannot be
read, a malformed history).
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
Result<Value> ParseInitial(const std::string& text) {
  Result<std::vector<Op>> ops =
      ParseJsonlOps("{\"type\":\"ok\",\"f\":\"x\",\"process\":0,\"value\":" + text + "}", "--initial");
  if (!ops.ok() || ops->size() != 1) {
    return Status::InvalidArgument("--initial " + text + ": expected a JSON value (null, 0, \"a\")");
  }
  return (*ops)[0].value;
}

struct FileOutcome {
  nlohmann::json json;
  Verdict verdict = Verdict::kValid;
  bool bad_input = false;
  double parse_seconds = 0, check_seconds = 0;
};

void PrintProblems(const LinearizabilityResult& r) {
  constexpr size_t kShown = 3;
  for (size_t i = 0; i < r.problems.size() && i < kShown; ++i) {
    const KeyResult& k = r.problems[i];
    std::cout << "    " << (k.key ? "key " + *k.key + ": " : "") << VerdictName(k.verdict) << " — "
              << k.explanation << "\n";
  }
  if (r.problems.size() > kShown) {
    std::cout << "    … and " << r.problems.size() - kShown << " more keys (see results.json)\n";
  }
}

FileOutcome CheckFile(const std::string& path, const CheckFlags& flags,
                      const LinearizabilityOptions& base) {
  FileOutcome out;
  out.json = {{"file", path}};
  const auto t0 = Clock::now();
  auto format = ParseHistoryFormat(flags.format);
  auto loaded = ReadHistoryFile(path, format.value());
  out.parse_seconds = Seconds(t0);
  if (!loaded.ok()) {
    std::cerr << loaded.status().message() << "\n";
    out.bad_input = true;
    out.json["error"] = loaded.status().message();
    return out;
  }
  if (!loaded->warning.empty()) {
    std::cerr << "warning: " << loaded->warning << "\n";
    out.json["warning"] = loaded->warning;
  }
  LinearizabilityOptions opts = base;
  const HistoryFormat fmt = loaded->format;
  if (flags.model == "auto") {
    opts.model = fmt == HistoryFormat::kPorcupineEtcd ? "etcd"
                 : fmt == HistoryFormat::kPorcupineKv ? "kv"
                                                      : GuessModel(loaded->history);
  }
  // Jepsen EDN histories get Knossos's reading of nil reads (see docs/linearizability.md).
  opts.model_options.nil_read_matches_any = fmt == HistoryFormat::kEdn;
  const auto t1 = Clock::now();
  auto result = CheckLinearizability(loaded->history, path, opts);
  out.check_seconds = Seconds(t1);
  if (!result.ok()) {
    std::cerr << result.status().message() << "\n";
    out.bad_input = true;
    out.json["error"] = result.status().message();
    return out;
  }
  out.verdict = result->verdict;
  // A history with no op completed ok is linearizable trivially: say nothing was checked.
  const std::optional<std::string> nothing = NothingCheckedReason(loaded->history, result->model);
  if (nothing) {
    out.verdict = Worst(out.verdict, Verdict::kUnknown);
    out.json["reason"] = *nothing;
  }
  out.json["format"] = HistoryFormatName(fmt);
  out.json["parse_seconds"] = out.parse_seconds;
  out.json["check_seconds"] = out.check_seconds;
  out.json["linearizability"] = ToJson(*result);
  out.json["verdict"] = VerdictName(out.verdict);
  std::cout << path << ": " << VerdictName(out.verdict) << "  (" << result->model << ", "
            << result->keys << (result->keys == 1 ? " key, " : " keys, ") << result->ops
            << " ops, parse " << Ms(out.parse_seconds) << ", check " << Ms(out.check_seconds)
            << ")\n";
  if (nothing) std::cout << "    " << *nothing << "\n";
  PrintProblems(*result);
  return out;
}

// CheckFile, with anything thrown (an allocation that failed on a huge or odd file) turned
// into that file's error rather than the end of the whole command.
FileOutcome CheckFileSafely(const std::string& path, const CheckFlags& flags,
                            const LinearizabilityOptions& base) {
  try {
    return CheckFile(path, flags, base);
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
               const LinearizabilityOptions& base) {
  Tally t;
  for (const std::string& note : paths.notes) std::cerr << "note: " << note << "\n";
  for (const PathError& e : paths.errors) {
    std::cerr << e.message << "\n";
    t.files.push_back({{"file", e.path}, {"error", e.message}});
    ++t.bad;
  }
  for (const std::string& path : paths.files) {
    FileOutcome o = CheckFileSafely(path, flags, base);
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

Status ParseFlags(const std::vector<std::string>& args, CheckFlags* f, bool* help) {
  po::options_description desc("faultline check [options] FILE_OR_DIR...");
  desc.add_options()("help,h", "show this help")(
      "model", po::value(&f->model)->default_value(f->model),
      "auto, register, cas-register, etcd, kv or mutex")(
      "format", po::value(&f->format)->default_value(f->format),
      "auto, jsonl, edn, porcupine-etcd or porcupine-kv")(
      "initial", po::value(&f->initial)->default_value(f->initial),
      "initial value of every register/key, as JSON")(
      "timeout", po::value(&f->timeout)->default_value(f->timeout),
      "seconds per file before unfinished keys are unknown (0: none)")(
      "memory-mb", po::value(&f->memory_mb)->default_value(f->memory_mb),
      "memory budget for the search, per file")(
      "fail-fast", po::bool_switch(&f->fail_fast), "stop at the first invalid key")(
      "no-partition", po::bool_switch(&f->no_partition),
      "check all keys as one object (slow; for comparison)")(
      "no-unique-values", po::bool_switch(&f->no_unique_values),
      "always search, even when write values are unique")(
      "out", po::value(&f->out), "write DIR/results.json")(
      "file", po::value(&f->files)->multitoken(), "history files or directories");
  po::positional_options_description pos;
  pos.add("file", -1);
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(desc).positional(pos).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << desc << kCheckHelp;
      *help = true;
      return Status::Ok();
    }
  } catch (const po::error& e) {
    return Status::InvalidArgument(std::string("faultline check: ") + e.what());
  }
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
  return Status::Ok();
}

Status WriteResults(const std::string& dir, const nlohmann::json& j) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::IoError(dir + ": cannot create: " + ec.message());
  return WriteJsonFile(dir + "/results.json", j);
}

}  // namespace

int RunCheck(const std::vector<std::string>& args) {
  CheckFlags flags;
  bool help = false;
  if (Status s = ParseFlags(args, &flags, &help); !s.ok()) {
    std::cerr << s.message() << "\n(see faultline check --help)\n";
    return kExitBadInput;
  }
  if (help) return kExitValid;
  auto initial = ParseInitial(flags.initial);
  if (!initial.ok()) {
    std::cerr << initial.status().message() << "\n";
    return kExitBadInput;
  }
  LinearizabilityOptions base;
  base.model_options.initial = *initial;
  base.model = flags.model;
  base.timeout_seconds = flags.timeout;
  base.memory_budget_bytes = flags.memory_mb << 20;
  base.fail_fast = flags.fail_fast;
  base.partition_by_key = !flags.no_partition;
  base.unique_values = !flags.no_unique_values;

  const HistoryPaths paths = ExpandHistoryPaths(flags.files);
  Tally t = CheckAll(paths, flags, base);
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
