// RunLog: faultline.log of one run — timestamped lines, each flushed as written so a crash
// keeps them. Thread-safe.
#pragma once

#include <cstdio>
#include <mutex>
#include <string>

#include "core/status.h"
#include "harness/client.h"

namespace faultline {

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

 private:
  std::mutex mu_;
  std::FILE* file_ = nullptr;
  const Clock::time_point start_ = Clock::now();
};

}  // namespace faultline
