// FileLogger: the store's activity log, one timestamped line per event. Thread-safe: each
// line is formatted first and written with a single write(2) on an O_APPEND descriptor.
#pragma once

#include <filesystem>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>

#include "core/status.h"

namespace faultline {

class FileLogger {
 public:
  // `path` empty → stderr.
  static Result<std::unique_ptr<FileLogger>> Open(const std::filesystem::path& path);
  FileLogger(const FileLogger&) = delete;
  FileLogger& operator=(const FileLogger&) = delete;
  ~FileLogger();

  // Logs the concatenation of `parts` (anything with operator<<).
  template <typename... Parts>
  void Log(const Parts&... parts) {
    std::ostringstream line;
    (line << ... << parts);
    Write(line.str());
  }
  void Write(std::string_view message);

 private:
  explicit FileLogger(int fd) : fd_(fd) {}
  int fd_;
};

}  // namespace faultline
