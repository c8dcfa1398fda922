// Append-only files of JSON lines, the built-in store's only persistence. Each Append is one
// write(2) of a whole line: a SIGKILL keeps it (the page cache survives the process), so no
// fsync per op. Loading drops a torn last line. Not thread-safe: callers serialise.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace faultline {

class AppendFile {
 public:
  // Opens (creating if needed) `path` for appending.
  static Result<std::unique_ptr<AppendFile>> Open(const std::filesystem::path& path);
  AppendFile(const AppendFile&) = delete;
  AppendFile& operator=(const AppendFile&) = delete;
  ~AppendFile();

  // Appends `line` and a '\n'.
  Status Append(std::string_view line);
  // Replaces the whole file with `lines` (written aside, then renamed over it).
  Status Rewrite(const std::vector<std::string>& lines);

 private:
  AppendFile(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
  std::filesystem::path path_;
  int fd_;
};

// The complete lines of `path` (none if it does not exist). A last line without '\n' was
// torn by a crash: it is dropped and the file is truncated to the complete lines.
Result<std::vector<std::string>> ReadLines(const std::filesystem::path& path);

// Writes `content` to `path` atomically (temporary file + rename).
Status WriteFileAtomically(const std::filesystem::path& path, std::string_view content);

}  // namespace faultline
