// bench_workload_checks: times the checkers of whole workloads on generated histories
// (bench/README.md): the bank and counter checkers against their planted anomalies, and the
// register workload's two checkers alone and together (tbb::parallel_invoke, as a run does).
// Each measurement runs in a forked child after one parse, so each has its own peak RSS.
#include <sys/resource.h>
#include <sys/wait.h>
#include <tbb/global_control.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "checkers/bank/bank.h"
#include "checkers/causal/causal.h"
#include "checkers/counter/counter.h"
#include "checkers/linearizability/checker.h"
#include "core/history_io.h"
#include "workloads/register_workload.h"

namespace faultline::bench {
namespace {

using Clock = std::chrono::steady_clock;

struct Flags {
  std::string mode, path;
  int runs = 3;
  BankOptions bank{.accounts = 10, .total = 1000};
  CounterOptions counter;
};

double Since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n == 0 ? 0 : n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double CpuSeconds(int who) {
  rusage u{};
  getrusage(who, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// The resident set now (VmRSS), in MB.
double RssMb() {
  std::ifstream in("/proc/self/statm");
  long pages = 0, resident = 0;
  in >> pages >> resident;
  return static_cast<double>(resident) * static_cast<double>(sysconf(_SC_PAGESIZE)) / (1 << 20);
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one;
  in >> one;
  return one.empty() ? "?" : one;
}

// What a child reports about one measured configuration.
struct Measured {
  double median = 0, min = 0, max = 0;    // wall seconds of one check
  double cpu = 0;                         // CPU seconds of one run (mean)
  double start_rss_mb = 0;                // of the child when it starts: the parsed history
  double peak_rss_mb = 0;                 // of the child: the parsed history plus the check
  int verdict = -1;                       // Verdict, or -1 if the check failed
  int found = 0, planted = 0, extra = 0;  // bank/counter: planted anomalies found, others
  size_t json_bytes = 0;                  // bank/counter: size of ToJson(result).dump()
  char note[160] = {};                    // a short summary of the result
};

// Runs `check` `runs` times in a forked child; check returns the verdict and fills *m.
Measured InChild(int runs, const std::function<Verdict(Measured*)>& check) {
  Measured m;
  int fds[2];
  std::fflush(nullptr);
  if (pipe(fds) != 0) return m;
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    m.start_rss_mb = RssMb();
    std::vector<double> wall;
    const double cpu0 = CpuSeconds(RUSAGE_SELF);
    for (int r = 0; r < runs; ++r) {
      const auto t0 = Clock::now();
      m.verdict = static_cast<int>(check(&m));
      wall.push_back(Since(t0));
    }
    m.cpu = (CpuSeconds(RUSAGE_SELF) - cpu0) / runs;
    m.median = Median(wall);
    m.min = *std::min_element(wall.begin(), wall.end());
    m.max = *std::max_element(wall.begin(), wall.end());
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    m.peak_rss_mb = static_cast<double>(u.ru_maxrss) / 1024;
    const bool sent = write(fds[1], &m, sizeof m) == static_cast<ssize_t>(sizeof m);
    _exit(sent ? 0 : 3);
  }
  close(fds[1]);
  const bool got = pid > 0 && read(fds[0], &m, sizeof m) == static_cast<ssize_t>(sizeof m);
  close(fds[0]);
  if (pid > 0) waitpid(pid, nullptr, 0);
  if (!got) m.verdict = -1;
  return m;
}

void Print(const char* what, const Measured& m) {
  std::printf(
      "  %-30s %7.3f s (min %.3f, max %.3f)  cpu %.2f s/run  RSS %.0f -> peak %.0f MB  %s\n", what,
      m.median, m.min, m.max, m.cpu, m.start_rss_mb, m.peak_rss_mb,
      m.verdict < 0 ? "FAILED" : VerdictName(static_cast<Verdict>(m.verdict)));
}

// The op indices listed in FILE.anomalies (first column; '#' lines are comments).
std::set<int64_t> ReadPlanted(const std::string& path) {
  std::set<int64_t> out;
  std::ifstream in(path + ".anomalies");
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] != '#') out.insert(std::stoll(line));
  }
  return out;
}

// Counts the planted ops some reported problem names, and the problems that name none.
void Score(const std::set<int64_t>& planted, const std::vector<std::vector<int64_t>>& problems,
           Measured* m) {
  std::set<int64_t> seen;
  m->extra = 0;
  for (const auto& ops : problems) {
    bool hit = false;
    for (int64_t op : ops) {
      if (planted.count(op)) seen.insert(op), hit = true;
    }
    m->extra += !hit;
  }
  m->found = static_cast<int>(seen.size());
  m->planted = static_cast<int>(planted.size());
}

Verdict CheckBankOnce(const History& h, const Flags& f, const std::set<int64_t>& planted,
                      Measured* m) {
  auto r = CheckBank(h, f.path, f.bank);
  if (!r.ok()) {
    std::snprintf(m->note, sizeof m->note, "%s", r.status().message().c_str());
    return Verdict::kUnknown;
  }
  std::vector<std::vector<int64_t>> problems;
  for (const BankBadRead& b : r->bad_reads) problems.push_back({b.op_index});
  Score(planted, problems, m);
  m->json_bytes = ToJson(*r).dump().size();
  std::snprintf(m->note, sizeof m->note, "%ld reads, %ld transfers (%ld info), %zu bad reads",
                static_cast<long>(r->reads), static_cast<long>(r->transfers),
                static_cast<long>(r->transfers_info), r->bad_reads.size());
  return r->verdict;
}

Verdict CheckCounterOnce(const History& h, const Flags& f, const std::set<int64_t>& planted,
                         Measured* m) {
  auto r = CheckCounter(h, f.path, f.counter);
  if (!r.ok()) {
    std::snprintf(m->note, sizeof m->note, "%s", r.status().message().c_str());
    return Verdict::kUnknown;
  }
  std::vector<std::vector<int64_t>> problems;
  for (const CounterProblem& p : r->problems) {
    if (p.error) problems.push_back(p.op_indices);
  }
  Score(planted, problems, m);
  m->json_bytes = ToJson(*r).dump().size();
  std::snprintf(
      m->note, sizeof m->note, "%ld reads, %ld adds (%ld info), %ld errors, %ld notes, final %s",
      static_cast<long>(r->reads), static_cast<long>(r->adds), static_cast<long>(r->adds_info),
      static_cast<long>(r->errors), static_cast<long>(r->notes), VerdictName(r->final_verdict));
  return r->verdict;
}

int Invariant(const Flags& f, const History& h) {
  const std::set<int64_t> planted = ReadPlanted(f.path);
  const bool bank = f.mode == "bank";
  Measured m = InChild(f.runs, [&](Measured* m) {
    return bank ? CheckBankOnce(h, f, planted, m) : CheckCounterOnce(h, f, planted, m);
  });
  Print(bank ? "CheckBank" : "CheckCounter", m);
  std::printf("  %s\n  ToJson: %zu bytes\n", m.note, m.json_bytes);
  std::printf("  planted anomalies found: %d of %d; errors naming no planted op: %d\n", m.found,
              m.planted, m.extra);
  return m.verdict >= 0 && m.found == m.planted && m.extra == 0 ? 0 : 1;
}

int Register(const Flags& f, const History& h) {
  LinearizabilityOptions lin_opts;
  lin_opts.model = "cas-register";
  const RegisterWorkload workload(RegisterWorkloadOptions{});
  auto lin = [&](Measured* m) {
    auto r = CheckLinearizability(h, f.path, lin_opts);
    return r.ok() ? r->verdict : Verdict::kUnknown;
  };
  auto causal = [&](Measured* m) {
    auto r = CheckCausal(h, f.path);
    if (r.ok()) {
      std::snprintf(m->note, sizeof m->note, "%zu ops, %zu sessions, %zu violations%s%s", r->ops,
                    r->sessions, r->violations.size(), r->explanation.empty() ? "" : ": ",
                    r->explanation.c_str());
    }
    return r.ok() ? r->verdict : Verdict::kUnknown;
  };
  auto joint = [&](Measured* m) {
    auto r = workload.Check(h, f.path);
    return r.ok() ? r->verdict : Verdict::kUnknown;
  };
  // Each alone as a sequential job: what the pair would cost run one after the other on one
  // core, the baseline for "together they use both cores".
  auto one_core = [](auto check) {
    return [check](Measured* m) {
      tbb::global_control only_one(tbb::global_control::max_allowed_parallelism, 1);
      return check(m);
    };
  };
  const Measured a = InChild(f.runs, lin), b = InChild(f.runs, causal), ab = InChild(f.runs, joint);
  const Measured a1 = InChild(f.runs, one_core(lin)), b1 = InChild(f.runs, one_core(causal));
  Print("CheckLinearizability alone", a);
  Print("CheckCausal alone", b);
  Print("CheckLinearizability alone, one core", a1);
  Print("CheckCausal alone, one core", b1);
  std::printf("    causal: %s\n", b.note);
  Print("both (RegisterWorkload::Check)", ab);
  const double ratio = ab.median / (a.median + b.median);
  std::printf("  joint / (sum alone) = %.3f / (%.3f + %.3f) = %.2f (target <= 0.6)\n", ab.median,
              a.median, b.median, ratio);
  // The ratio above rewards checkers that leave a core idle when alone; this one does not:
  // 0.5 means the pair keeps both cores busy, 1.0 that it runs as if on one.
  std::printf("  joint / (sum of CPU alone) = %.3f / (%.2f + %.2f) = %.2f\n", ab.median, a.cpu,
              b.cpu, ab.median / (a.cpu + b.cpu));
  std::printf("  joint / (sum alone on one core) = %.3f / (%.3f + %.3f) = %.2f (target <= 0.6)\n",
              ab.median, a1.median, b1.median, ab.median / (a1.median + b1.median));
  return a.verdict >= 0 && b.verdict >= 0 && ab.verdict >= 0 ? 0 : 1;
}

bool ParseArgs(int argc, char** argv, Flags* f) {
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--eventual") {
      f->counter.consistency = CounterConsistency::kEventual;
    } else if ((a == "--runs" || a == "--accounts" || a == "--total") && i + 1 < argc) {
      char* end = nullptr;
      const long long v = std::strtoll(argv[++i], &end, 10);
      if (*end != '\0' || v < 0) return false;
      if (a == "--runs") f->runs = static_cast<int>(std::max(1LL, v));
      if (a == "--accounts") f->bank.accounts = static_cast<int>(v);
      if (a == "--total") f->bank.total = v;
    } else if (a.starts_with("--")) {
      return false;
    } else {
      positional.push_back(a);
    }
  }
  if (positional.size() != 2) return false;
  f->mode = positional[0];
  f->path = positional[1];
  return f->mode == "bank" || f->mode == "counter" || f->mode == "register";
}

}  // namespace
}  // namespace faultline::bench

int main(int argc, char** argv) {
  using namespace faultline;
  bench::Flags flags;
  if (!bench::ParseArgs(argc, argv, &flags)) {
    std::fprintf(
        stderr,
        "usage: bench_workload_checks [--runs 3] MODE FILE\n"
        "  bank FILE [--accounts 10] [--total 1000]  a gen_invariant_history bank file\n"
        "  counter FILE [--eventual]                 a gen_invariant_history counter file\n"
        "  register FILE    a gen_register_history file: linearizability and causal,\n"
        "                   alone and together as the register workload runs them\n");
    return 2;
  }
  std::printf("machine: %u hardware threads, load average %s at start\n",
              std::thread::hardware_concurrency(), bench::LoadAverage().c_str());
  const auto t0 = bench::Clock::now();
  Result<LoadedHistory> loaded = ReadHistoryFile(flags.path, HistoryFormat::kJsonl);
  if (!loaded.ok()) {
    std::fprintf(stderr, "%s\n", loaded.status().message().c_str());
    return 3;
  }
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  std::printf("%s: %zu lines, parsed in %.3f s (RSS after parsing %.1f MB); median of %d runs\n",
              flags.path.c_str(), loaded->history.size(), bench::Since(t0),
              static_cast<double>(u.ru_maxrss) / 1024, flags.runs);
  const int rc = flags.mode == "register" ? bench::Register(flags, loaded->history)
                                          : bench::Invariant(flags, loaded->history);
  std::printf("load average %s at end\n", bench::LoadAverage().c_str());
  return rc;
}
