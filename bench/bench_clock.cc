// bench_clock: what libfaultline_clock.so costs per clock call. Runs itself as a child in
// several configurations (no library; the library with real time from the vDSO; from the raw
// system call; the library without a clock file) and reports calls/s of
// clock_gettime(CLOCK_REALTIME) and of CLOCK_MONOTONIC (passed through) in a tight loop, and
// the ratio to the run without the library. Configurations alternate within every round, so
// the machine's load affects them alike; medians over the rounds are reported.
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "nemesis/clock/clock_file.h"

namespace {

constexpr long kCallsPerMeasure = 5'000'000;

// Calls/s of clock_gettime(id) over kCallsPerMeasure calls.
double CallsPerSecond(clockid_t id) {
  timespec ts;
  long sink = 0;
  const auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < kCallsPerMeasure; ++i) {
    clock_gettime(id, &ts);
    sink += ts.tv_nsec;
  }
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  if (sink == 42) std::puts("");  // keeps the loop
  return kCallsPerMeasure / took.count();
}

int Child() {
  const double realtime = CallsPerSecond(CLOCK_REALTIME);
  const double monotonic = CallsPerSecond(CLOCK_MONOTONIC);
  std::printf("%.0f %.0f\n", realtime, monotonic);
  return 0;
}

struct Config {
  const char* name;
  std::vector<std::string> env;  // set in the child, besides --child
  std::vector<double> realtime, monotonic;
};

// Runs this program with --child and `env`; returns its two figures.
bool RunChild(const char* self, const Config& config, double* realtime, double* monotonic) {
  int fds[2];
  if (pipe(fds) != 0) return false;
  const pid_t pid = fork();
  if (pid == 0) {
    dup2(fds[1], 1);
    close(fds[0]);
    for (const std::string& e : config.env) putenv(const_cast<char*>(e.c_str()));
    execl(self, self, "--child", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  char buf[128] = {};
  const ssize_t n = read(fds[0], buf, sizeof buf - 1);
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  return n > 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
         std::sscanf(buf, "%lf %lf", realtime, monotonic) == 2;
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 2 && std::strcmp(argv[1], "--child") == 0) return Child();
  int rounds = 5;
  std::string lib = FAULTLINE_CLOCK_LIB;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--rounds") == 0)
      rounds = std::atoi(argv[i + 1]);
    else if (std::strcmp(argv[i], "--lib") == 0)
      lib = argv[i + 1];
  }
  if (rounds < 1) {
    std::fprintf(stderr, "usage: bench_clock [--rounds N (5)] [--lib libfaultline_clock.so]\n");
    return 3;
  }
  char dir[] = "/tmp/bench-clock-XXXXXX";
  if (mkdtemp(dir) == nullptr) return 4;
  const std::string file = std::string(dir) + "/n1.clock";
  {
    auto clock = faultline::ClockFile::OpenOrCreate(file);
    if (!clock.ok() || !clock->Write({.offset_ms = 60'000}).ok()) return 4;
  }
  const std::string preload = "LD_PRELOAD=" + lib, with_file = "FAULTLINE_CLOCK_FILE=" + file;
  std::vector<Config> configs = {
      {"no library", {}, {}, {}},
      {"library, vDSO, offset 60 s", {preload, with_file}, {}, {}},
      {"library, raw syscall, offset 60 s",
       {preload, with_file, "FAULTLINE_CLOCK_NO_VDSO=1"},
       {},
       {}},
      {"library, vDSO, no clock file", {preload}, {}, {}},
  };
  for (int round = 0; round < rounds; ++round) {
    for (Config& c : configs) {
      double realtime = 0, monotonic = 0;
      if (!RunChild(argv[0], c, &realtime, &monotonic)) {
        std::fprintf(stderr, "bench_clock: the child for '%s' failed\n", c.name);
        return 4;
      }
      c.realtime.push_back(realtime);
      c.monotonic.push_back(monotonic);
    }
  }
  unlink(file.c_str());
  rmdir(dir);
  const double base_rt = Median(configs[0].realtime), base_mono = Median(configs[0].monotonic);
  std::printf("%-36s %16s %8s %16s %8s\n", "configuration (median of rounds)", "REALTIME calls/s",
              "ns/call", "MONOTONIC calls/s", "ns/call");
  for (const Config& c : configs) {
    const double rt = Median(c.realtime), mono = Median(c.monotonic);
    std::printf("%-36s %16.0f %8.1f %16.0f %8.1f   ratio to no library: %.2fx / %.2fx\n", c.name,
                rt, 1e9 / rt, mono, 1e9 / mono, base_rt / rt, base_mono / mono);
  }
  return 0;
}
