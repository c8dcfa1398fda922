// Recorder: assigns every op its index and time and streams it to history.jsonl while the
// run goes: lines are buffered and written by a flusher thread at least every 100 ms, and
// the file is fsync'd on Close. A crash of faultline loses at most the last interval; what is
// on disk is a prefix of whole lines, plus at most one unterminated line a SIGKILL cut short
// (which the readers drop with a warning). Record is thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/history.h"
#include "core/status.h"
#include "harness/client.h"

namespace faultline {

class Recorder {
 public:
  static Result<std::unique_ptr<Recorder>> Open(const std::string& path, Clock::time_point start);
  Recorder(const Recorder&) = delete;
  Recorder& operator=(const Recorder&) = delete;
  ~Recorder();

  // Sets op.index and op.time (ns since start), appends it; returns the recorded copy.
  Op Record(Op op);
  // Record for a completion due by `ok_by`: an ok stamped later is recorded as info instead
  // (its value `request_value`, its error saying how late it was). The check and the stamp
  // are one step, so no ok op is recorded past its deadline.
  Op RecordCompletion(Op op, Clock::time_point ok_by, const Value& request_value);
  // The steady-clock instant of a recorded op's time.
  Clock::time_point TimeOf(const Op& recorded) const {
    return start_ + std::chrono::nanoseconds(recorded.time);
  }
  // Stops the flusher, writes what is buffered and fsyncs. Idempotent.
  Status Close();
  // Every op recorded so far, in order. REQUIRES: Close() was called.
  std::vector<Op> TakeOps();
  int64_t size() const { return next_index_.load(); }

 private:
  Recorder(int fd, Clock::time_point start);
  void FlushLoop();
  Status WriteOut(const std::string& chunk);

  const int fd_;
  const Clock::time_point start_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::string buffer_;     // guarded by mu_
  std::deque<Op> ops_;     // guarded by mu_; a deque: growing never copies what is recorded
  bool closing_ = false;   // guarded by mu_
  Status write_status_;    // first write error, set by the flusher
  std::atomic<int64_t> next_index_{0};
  std::thread flusher_;
  bool closed_ = false;
};

}  // namespace faultline
