// RunLog: faultline.log of one run — timestamped lines, each flushed as written so a crash
// keeps them; set-up steps also on stderr. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdio>
#include <mutex>
#include <string>

#include "core/status.h"
#include "harness/client.h"

namespace faultline {

// "3.2 s": a duration for log lines and set-up steps.
inline std::string SecondsText(double seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", seconds);
  return buf;
}

// SecondsText of the time since `start`.
inline std::string SecondsSince(Clock::time_point start) {
  return SecondsText(std::chrono::duration<double>(Clock::now() - start).count());
}

class RunLog {
 public:
  RunLog() = default;  // logs nowhere until Open
  RunLog(const RunLog&) = delete;
  RunLog& operator=(const RunLog&) = delete;
  ~RunLog() {
    if (file_) std::fclose(file_);
  }
  Status Open(const std::string& path) {
    file_ = std::fopen(path.c_str(), "w");
    if (!file_) return Status::IoError(path + ": cannot create");
    return Status::Ok();
  }
  void Info(const std::string& line) {
    std::lock_guard<std::mutex> lock(mu_);
    if (!file_) return;
    const double t = std::chrono::duration<double>(Clock::now() - start_).count();
    std::fprintf(file_, "%9.3f  %s\n", t, line.c_str());
    std::fflush(file_);
  }
  // A step of the run's set-up the user waits for (cluster built, database set up, clients
  // ready): logged, and also printed on stderr when set_echo(true) (`faultline test`).
  void Step(const std::string& line) {
    Info(line);
    if (echo_) std::fprintf(stderr, "  %s\n", line.c_str());
  }
  void set_echo(bool echo) { echo_ = echo; }

 private:
  std::mutex mu_;
  std::FILE* file_ = nullptr;
  std::atomic<bool> echo_{false};
  const Clock::time_point start_ = Clock::now();
};

}  // namespace faultline
