// bench_parse: times the history readers alone — the per-format parse of a file already in
// memory (ParseEdnOps, ParsePorcupineEtcdOps, ParseJsonlOps; no pairing, no disk) — and
// prints MB/s, the median over --runs, of wall time and of this thread's CPU time (on a busy
// machine the wall time counts other programs' turns too). A single-threaded program.
//
// Usage: bench_parse [--runs 3] FORMAT FILE
//   FORMAT: edn, porcupine-kv (read by the EDN reader), porcupine-etcd or jsonl
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/history_io.h"

namespace {

using Clock = std::chrono::steady_clock;

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

// Minor page faults of this process so far: first touches of fresh memory, which on a VM
// can cost as much as the parse.
long MinorFaults() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_minflt;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

faultline::Result<std::vector<faultline::Op>> Parse(const std::string& format,
                                                    const std::string& text,
                                                    const std::string& source) {
  if (format == "porcupine-etcd") return faultline::ParsePorcupineEtcdOps(text, source);
  if (format == "jsonl") return faultline::ParseJsonlOps(text, source);
  return faultline::ParseEdnOps(text, source);  // edn, porcupine-kv
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 3;
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    if (std::string(argv[i]) == "--runs" && i + 1 < argc) {
      runs = std::atoi(argv[++i]);
    } else {
      args.push_back(argv[i]);
    }
  }
  const std::vector<std::string> formats = {"edn", "porcupine-kv", "porcupine-etcd", "jsonl"};
  if (args.size() != 2 || runs < 1 ||
      std::find(formats.begin(), formats.end(), args[0]) == formats.end()) {
    std::fprintf(stderr,
                 "usage: bench_parse [--runs 3] edn|porcupine-kv|porcupine-etcd|jsonl FILE\n");
    return 2;
  }
  std::ifstream in(args[1], std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  if (!in) {
    std::fprintf(stderr, "bench_parse: cannot read %s\n", args[1].c_str());
    return 1;
  }
  std::vector<double> seconds, cpu, faults;
  size_t ops = 0;
  for (int r = 0; r < runs; ++r) {
    const auto t0 = Clock::now();
    const double c0 = ThreadCpuSeconds();
    const long f0 = MinorFaults();
    auto parsed = Parse(args[0], text, args[1]);
    cpu.push_back(ThreadCpuSeconds() - c0);
    faults.push_back(static_cast<double>(MinorFaults() - f0));
    seconds.push_back(std::chrono::duration<double>(Clock::now() - t0).count());
    if (!parsed.ok()) {
      std::fprintf(stderr, "%s\n", parsed.status().message().c_str());
      return 1;
    }
    ops = parsed->size();
  }
  const double wall = Median(seconds), thread = Median(cpu);
  const double mb = static_cast<double>(text.size()) / 1e6;
  std::printf(
      "%s %s: %.1f MB, %zu ops; medians of %d: wall %.3f s = %.0f MB/s, CPU %.3f s = "
      "%.0f MB/s; %.0f page faults\n",
      args[0].c_str(), args[1].c_str(), mb, ops, runs, wall, mb / wall, thread, mb / thread,
      Median(faults));
  return 0;
}
