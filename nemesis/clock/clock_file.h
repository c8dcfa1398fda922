// ClockFile: opens, creates and updates a per-node clock file (clock_record.h) in place, for
// faultline-clock and for the nemesis on the local cluster. Not thread-safe (one object per
// thread); safe across processes: every update holds an exclusive flock on the file.
#pragma once

#include <string>

#include "core/status.h"
#include "nemesis/clock/clock_record.h"

namespace faultline {

class ClockFile {
 public:
  // Opens `path`, creating it (mode 0644, zero offset) if it does not exist. Fails with a
  // message naming the file if it cannot be created or is not a clock file (wrong size or
  // magic): an unrelated file is never overwritten.
  static Result<ClockFile> OpenOrCreate(const std::string& path);
  // Opens an existing clock file for reading; fails if it is missing or not a clock file.
  static Result<ClockFile> OpenExisting(const std::string& path);

  ClockFile(ClockFile&& other) noexcept;
  ClockFile& operator=(ClockFile&& other) noexcept;
  ClockFile(const ClockFile&) = delete;
  ClockFile& operator=(const ClockFile&) = delete;
  ~ClockFile();

  // Validates `settings` (ranges in clock_record.h) and writes them in place: processes that
  // have the file mapped see the new offset on their next clock call.
  Status Write(const ClockSettings& settings);
  // The current settings (the file holds a valid record by construction of this object).
  Result<ClockSettings> Read() const;
  const std::string& path() const { return path_; }

 private:
  ClockFile(std::string path, int fd, ClockRecord* record)
      : path_(std::move(path)), fd_(fd), record_(record) {}
  static Result<ClockFile> Open(const std::string& path, bool create);
  void Close();

  std::string path_;
  int fd_ = -1;
  ClockRecord* record_ = nullptr;  // MAP_SHARED, read-write
};

// Checks a setting before it is written; the message names the field and the allowed range.
Status ValidateClockSettings(const ClockSettings& settings);

}  // namespace faultline
