// bench_checker: times the linearizability checker — parsing and checking apart, on
// steady_clock — over Porcupine's histories and over generated ones (bench/README.md).
// A single-threaded driver; the checker itself runs keys in parallel on oneTBB.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "checkers/linearizability/checker.h"
#include "core/history_io.h"

namespace faultline::bench {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

struct Flags {
  std::string mode, path;
  int runs = 0;                 // 0: the mode's default
  std::string config = "both";  // porcupine: both, default or fail-fast
  double timeout = 0;
  bool unique_values = true;
};

double Since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n == 0 ? 0 : n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double PeakRssMb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_maxrss) / 1024;  // ru_maxrss is in KiB on Linux
}

// The 1-minute load average: other work on the machine skews every figure.
std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one;
  in >> one;
  return one.empty() ? "?" : one;
}

// CPU seconds (user + sys, all threads) of this process and its finished children.
double CpuSeconds() {
  double total = 0;
  for (int who : {RUSAGE_SELF, RUSAGE_CHILDREN}) {
    rusage u{};
    getrusage(who, &u);
    total += static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
             static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
  }
  return total;
}

// One parse and one check of a file, timed apart.
struct Timing {
  double parse = 0, check = 0;
  LinearizabilityResult result;
  size_t ops = 0;
};

Result<Timing> TimeOnce(const std::string& path, HistoryFormat format,
                        const LinearizabilityOptions& opts) {
  Timing t;
  auto t0 = Clock::now();
  Result<LoadedHistory> loaded = ReadHistoryFile(path, format);
  t.parse = Since(t0);
  if (!loaded.ok()) return loaded.status();
  t.ops = loaded->history.size();
  t0 = Clock::now();
  Result<LinearizabilityResult> r = CheckLinearizability(loaded->history, path, opts);
  t.check = Since(t0);
  if (!r.ok()) return r.status();
  t.result = std::move(*r);
  return t;
}

// ---- porcupine DIR ----

struct Fixture {
  std::string name;  // "jepsen/etcd_002.log"
  std::string path;
  HistoryFormat format;
  std::string model;
  bool etcd;
};

std::vector<Fixture> ListFixtures(const std::string& dir) {
  std::vector<Fixture> out;
  for (const char* sub : {"jepsen", "kv"}) {
    const bool etcd = std::string(sub) == "jepsen";
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(fs::path(dir) / sub, ec)) {
      const std::string ext = e.path().extension().string();
      if (ext != (etcd ? ".log" : ".txt")) continue;
      out.push_back({std::string(sub) + "/" + e.path().filename().string(), e.path().string(),
                     etcd ? HistoryFormat::kPorcupineEtcd : HistoryFormat::kPorcupineKv,
                     etcd ? "etcd" : "kv", etcd});
    }
  }
  std::sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.name < b.name; });
  return out;
}

// expected.tsv: file → "linearizable" or "illegal".
std::map<std::string, std::string> ReadExpected(const std::string& dir) {
  std::map<std::string, std::string> out;
  std::ifstream in(fs::path(dir) / "expected.tsv");
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string file, model, expected;
    if (std::getline(fields, file, '\t') && std::getline(fields, model, '\t') &&
        std::getline(fields, expected, '\t')) {
      out[file] = expected;
    }
  }
  return out;
}

// One configuration's figures: medians over runs of per-run sums (seconds).
struct PorcupineSummary {
  double parse = 0, check = 0, etcd = 0, kv = 0, etcd_002 = 0, c50_ok = 0, slowest = 0;
  double peak_rss_mb = 0;
  int mismatches = 0;  // verdicts that disagree with expected.tsv
  int rc = 0;          // 3: a file could not be read or checked
  char slowest_name[64] = {};
};

PorcupineSummary RunPorcupineConfig(const std::vector<Fixture>& files,
                                    const std::map<std::string, std::string>& expected,
                                    const Flags& flags, bool fail_fast) {
  PorcupineSummary out;
  std::vector<double> parse, check, etcd, kv, etcd_002, c50_ok, slowest;
  for (int run = 0; run < flags.runs; ++run) {
    double sums[4] = {0, 0, 0, 0};  // parse, check, etcd, kv
    double slow = 0;
    for (const Fixture& f : files) {
      LinearizabilityOptions opts;
      opts.model = f.model;
      opts.fail_fast = fail_fast;
      opts.timeout_seconds = flags.timeout;
      Result<Timing> t = TimeOnce(f.path, f.format, opts);
      if (!t.ok()) {
        std::fprintf(stderr, "%s\n", t.status().message().c_str());
        out.rc = 3;
        return out;
      }
      sums[0] += t->parse;
      sums[1] += t->check;
      sums[f.etcd ? 2 : 3] += t->check;
      if (f.name == "jepsen/etcd_002.log") etcd_002.push_back(t->check);
      if (f.name == "kv/c50-ok.txt") c50_ok.push_back(t->check);
      if (t->check > slow) {
        slow = t->check;
        std::snprintf(out.slowest_name, sizeof out.slowest_name, "%s", f.name.c_str());
      }
      auto e = expected.find(f.name);
      const bool illegal = e != expected.end() && e->second == "illegal";
      const Verdict want = illegal ? Verdict::kInvalid : Verdict::kValid;
      if (run == 0 && t->result.verdict != want) {
        ++out.mismatches;
        std::fprintf(stderr, "  %s%s: %s, expected %s\n", f.name.c_str(),
                     fail_fast ? " (fail-fast)" : "", VerdictName(t->result.verdict),
                     VerdictName(want));
      }
    }
    parse.push_back(sums[0]);
    check.push_back(sums[1]);
    etcd.push_back(sums[2]);
    kv.push_back(sums[3]);
    slowest.push_back(slow);
  }
  out.parse = Median(parse);
  out.check = Median(check);
  out.etcd = Median(etcd);
  out.kv = Median(kv);
  out.etcd_002 = Median(etcd_002);
  out.c50_ok = Median(c50_ok);
  out.slowest = Median(slowest);
  out.peak_rss_mb = PeakRssMb();
  return out;
}

// Runs one configuration in a child process, so each gets its own peak RSS.
PorcupineSummary RunIsolated(const std::vector<Fixture>& files,
                             const std::map<std::string, std::string>& expected, const Flags& flags,
                             bool fail_fast) {
  PorcupineSummary s;
  int fds[2];
  std::fflush(nullptr);
  if (pipe(fds) != 0) {
    s.rc = 3;
    return s;
  }
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    s = RunPorcupineConfig(files, expected, flags, fail_fast);
    const bool sent = write(fds[1], &s, sizeof s) == static_cast<ssize_t>(sizeof s);
    std::fflush(nullptr);
    _exit(sent ? 0 : 3);
  }
  close(fds[1]);
  const bool got = pid > 0 && read(fds[0], &s, sizeof s) == static_cast<ssize_t>(sizeof s);
  close(fds[0]);
  int status = 0;
  if (pid > 0) waitpid(pid, &status, 0);
  if (!got) {
    std::fprintf(stderr, "porcupine: the %s run died (status %d)\n",
                 fail_fast ? "fail-fast" : "default", status);
    s.rc = 3;
  }
  return s;
}

// One row of the table; a configuration not run (--config) shows "-".
void PrintRow(const char* what, const PorcupineSummary* s[2], double PorcupineSummary::*field) {
  std::printf("  %-34s", what);
  for (int i = 0; i < 2; ++i) {
    if (s[i]) {
      std::printf(" %10.2f ms", s[i]->*field * 1e3);
    } else {
      std::printf(" %13s", "-");
    }
  }
  std::printf("\n");
}

int Porcupine(const Flags& flags) {
  const std::vector<Fixture> files = ListFixtures(flags.path);
  if (files.empty()) {
    std::fprintf(stderr, "%s: no jepsen/*.log or kv/*.txt files\n", flags.path.c_str());
    return 3;
  }
  const auto expected = ReadExpected(flags.path);
  const size_t n_etcd = std::count_if(files.begin(), files.end(), [](auto& f) { return f.etcd; });
  PorcupineSummary runs[2];
  const PorcupineSummary* s[2] = {nullptr, nullptr};  // default, fail-fast
  for (int i = 0; i < 2; ++i) {
    if (flags.config == (i == 0 ? "fail-fast" : "default")) continue;
    runs[i] = RunIsolated(files, expected, flags, i == 1);
    if (runs[i].rc) return 3;
    s[i] = &runs[i];
  }
  std::printf("porcupine: %zu files (%zu etcd, %zu kv), median of %d runs\n", files.size(), n_etcd,
              files.size() - n_etcd, flags.runs);
  std::printf("  %-34s %13s %13s\n", "", "default", "fail-fast");
  PrintRow("parse, all files", s, &PorcupineSummary::parse);
  PrintRow("check, all files", s, &PorcupineSummary::check);
  PrintRow("check, etcd files", s, &PorcupineSummary::etcd);
  PrintRow("check, kv files", s, &PorcupineSummary::kv);
  PrintRow("check, etcd_002", s, &PorcupineSummary::etcd_002);
  PrintRow("check, c50-ok", s, &PorcupineSummary::c50_ok);
  PrintRow("check, slowest file of a run", s, &PorcupineSummary::slowest);
  std::printf("  %-34s %13s %13s\n", "slowest file (last run)", s[0] ? s[0]->slowest_name : "-",
              s[1] ? s[1]->slowest_name : "-");
  std::printf("  %-34s", "peak RSS (whole run)");
  for (const PorcupineSummary* x : s) {
    if (x) {
      std::printf(" %10.1f MB", x->peak_rss_mb);
    } else {
      std::printf(" %13s", "-");
    }
  }
  std::printf("\n  %-34s %13d %13d\n", "verdicts disagreeing with expected", runs[0].mismatches,
              runs[1].mismatches);
  return runs[0].mismatches + runs[1].mismatches ? 1 : 0;
}

// ---- nopartition DIR ----

int NoPartition(const Flags& flags) {
  int rc = 0;
  std::printf("nopartition: kv model, partition_by_key=false, median of %d runs\n", flags.runs);
  for (const char* name : {"c10-ok.txt", "c10-bad.txt"}) {
    const std::string path = (fs::path(flags.path) / "kv" / name).string();
    LinearizabilityOptions opts;
    opts.model = "kv";
    opts.partition_by_key = false;
    opts.timeout_seconds = flags.timeout;
    std::vector<double> check;
    Verdict verdict = Verdict::kValid;
    for (int run = 0; run < flags.runs; ++run) {
      Result<Timing> t = TimeOnce(path, HistoryFormat::kPorcupineKv, opts);
      if (!t.ok()) {
        std::fprintf(stderr, "%s\n", t.status().message().c_str());
        return 3;
      }
      check.push_back(t->check);
      verdict = t->result.verdict;
    }
    const Verdict want =
        std::string(name).find("bad") != std::string::npos ? Verdict::kInvalid : Verdict::kValid;
    if (verdict != want) rc = 1;
    std::printf("  %-12s check %10.2f ms (min %.2f, max %.2f)  verdict %s%s\n", name,
                Median(check) * 1e3, *std::min_element(check.begin(), check.end()) * 1e3,
                *std::max_element(check.begin(), check.end()) * 1e3, VerdictName(verdict),
                verdict == want ? "" : " (WRONG)");
  }
  std::printf("  peak RSS: %.1f MB\n", PeakRssMb());
  return rc;
}

// ---- generated FILE ----

// The keys listed in FILE.anomalies (first column; '#' lines are comments).
Result<std::set<std::string>> ReadAnomalies(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::IoError(path + ": cannot open (written by gen_register_history)");
  std::set<std::string> keys;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    keys.insert(line.substr(0, line.find('\t')));
  }
  return keys;
}

void PrintSome(const char* what, const std::vector<std::string>& keys) {
  if (keys.empty()) return;
  std::printf("  %s (%zu):", what, keys.size());
  for (size_t i = 0; i < keys.size() && i < 10; ++i) std::printf(" %s", keys[i].c_str());
  std::printf("%s\n", keys.size() > 10 ? " …" : "");
}

int Generated(const Flags& flags) {
  Result<std::set<std::string>> injected = ReadAnomalies(flags.path + ".anomalies");
  if (!injected.ok()) {
    std::fprintf(stderr, "%s\n", injected.status().message().c_str());
    return 3;
  }
  LinearizabilityOptions opts;
  opts.model = "cas-register";
  opts.unique_values = flags.unique_values;
  opts.timeout_seconds = flags.timeout;
  std::vector<double> parse, check;
  Timing last;
  for (int run = 0; run < flags.runs; ++run) {
    last = Timing();  // free the previous run's result before parsing again
    Result<Timing> t = TimeOnce(flags.path, HistoryFormat::kJsonl, opts);
    if (!t.ok()) {
      std::fprintf(stderr, "%s\n", t.status().message().c_str());
      return 3;
    }
    parse.push_back(t->parse);
    check.push_back(t->check);
    last = std::move(*t);
  }
  const LinearizabilityResult& r = last.result;
  std::set<std::string> invalid;
  for (const KeyResult& k : r.problems) {
    if (k.verdict == Verdict::kInvalid) invalid.insert(k.key.value_or("-"));
  }
  std::vector<std::string> missed, unexpected;
  std::set_difference(injected->begin(), injected->end(), invalid.begin(), invalid.end(),
                      std::back_inserter(missed));
  std::set_difference(invalid.begin(), invalid.end(), injected->begin(), injected->end(),
                      std::back_inserter(unexpected));
  std::printf("generated: %s (%zu lines, %zu keys), checker unique_values %s, median of %d runs\n",
              flags.path.c_str(), last.ops, r.keys, flags.unique_values ? "on" : "off", flags.runs);
  std::printf("  parse %.3f s, check %.3f s, parse+check %.3f s\n", Median(parse), Median(check),
              Median(parse) + Median(check));
  std::printf("  verdict %s: %zu invalid keys found, %zu injected, %zu unknown, %zu skipped\n",
              VerdictName(r.verdict), r.invalid_keys, injected->size(), r.unknown_keys,
              r.skipped_keys);
  std::printf("  keys settled by the unique-values path: %zu of %zu\n", r.unique_value_keys,
              r.keys);
  PrintSome("injected but not found invalid", missed);
  PrintSome("found invalid but not injected", unexpected);
  std::printf("  every injected anomaly found: %s\n", missed.empty() ? "yes" : "NO");
  std::printf("  peak RSS: %.1f MB\n", PeakRssMb());
  return missed.empty() && unexpected.empty() ? 0 : 1;
}

bool ParseArgs(int argc, char** argv, Flags* f) {
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--no-unique-values") {
      f->unique_values = false;
    } else if ((a == "--runs" || a == "--timeout") && i + 1 < argc) {
      char* end = nullptr;
      const double v = std::strtod(argv[++i], &end);
      if (*end != '\0' || v < 0) return false;
      if (a == "--runs") {
        f->runs = static_cast<int>(v);
      } else {
        f->timeout = v;
      }
    } else if (a == "--config" && i + 1 < argc) {
      f->config = argv[++i];
    } else if (a.starts_with("--")) {
      return false;
    } else {
      positional.push_back(a);
    }
  }
  if (positional.size() != 2) return false;
  f->mode = positional[0];
  f->path = positional[1];
  if (f->runs == 0) f->runs = f->mode == "generated" ? 1 : 5;
  if (f->config != "both" && f->config != "default" && f->config != "fail-fast") return false;
  return f->mode == "porcupine" || f->mode == "nopartition" || f->mode == "generated";
}

}  // namespace
}  // namespace faultline::bench

int main(int argc, char** argv) {
  faultline::bench::Flags flags;
  if (!faultline::bench::ParseArgs(argc, argv, &flags)) {
    std::fprintf(
        stderr,
        "usage: bench_checker [--runs N] [--timeout SECONDS] [--no-unique-values]\n"
        "                     [--config both|default|fail-fast] MODE PATH\n"
        "  porcupine DIR     all Porcupine histories in DIR (jepsen/*.log, kv/*.txt)\n"
        "  nopartition DIR   DIR/kv/c10-ok.txt and c10-bad.txt as one unpartitioned object\n"
        "  generated FILE    a gen_register_history file and its FILE.anomalies\n"
        "--runs: default 5 (1 for generated); figures are medians over runs.\n");
    return 2;
  }
  std::printf("machine: %u hardware threads, load average %s at start\n",
              std::thread::hardware_concurrency(), faultline::bench::LoadAverage().c_str());
  const int rc = flags.mode == "porcupine"     ? faultline::bench::Porcupine(flags)
                 : flags.mode == "nopartition" ? faultline::bench::NoPartition(flags)
                                               : faultline::bench::Generated(flags);
  std::printf("load average %s at end; CPU time %.2f s (user+sys, all threads and runs)\n",
              faultline::bench::LoadAverage().c_str(), faultline::bench::CpuSeconds());
  return rc;
}
