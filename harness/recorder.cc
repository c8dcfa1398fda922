#include "harness/recorder.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace faultline {

Result<std::unique_ptr<Recorder>> Recorder::Open(const std::string& path,
                                                 Clock::time_point start) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::IoError(path + ": cannot create: " + std::strerror(errno));
  return std::unique_ptr<Recorder>(new Recorder(fd, start));
}

Recorder::Recorder(int fd, Clock::time_point start) : fd_(fd), start_(start) {
  flusher_ = std::thread([this] { FlushLoop(); });
}

Recorder::~Recorder() {
  (void)Close();
  ::close(fd_);
}

Op Recorder::Record(Op op) { return RecordCompletion(std::move(op), Clock::time_point::max(), {}); }

Op Recorder::RecordCompletion(Op op, Clock::time_point ok_by, const Value& request_value) {
  std::lock_guard<std::mutex> lock(mu_);
  // Index and time are taken under the lock, so file order, index order and time order agree.
  op.index = next_index_.fetch_add(1);
  const Clock::time_point now = Clock::now();
  op.time = std::chrono::duration_cast<std::chrono::nanoseconds>(now - start_).count();
  if (op.type == OpType::kOk && now > ok_by) {
    const auto late = std::chrono::duration_cast<std::chrono::milliseconds>(now - ok_by);
    op.type = OpType::kInfo;
    op.value = request_value;
    op.error = "answered ok " + std::to_string(late.count()) +
               " ms after it was due (the op timeout): too late to count, recorded as info";
  }
  buffer_ += op.ToJson();
  buffer_ += '\n';
  ops_.push_back(op);
  return op;
}

Status Recorder::WriteOut(const std::string& chunk) {
  size_t done = 0;
  while (done < chunk.size()) {
    ssize_t n = ::write(fd_, chunk.data() + done, chunk.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Status::IoError(std::string("history write failed: ") + std::strerror(errno));
    done += static_cast<size_t>(n);
  }
  return Status::Ok();
}

void Recorder::FlushLoop() {
  std::string chunk;
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait_for(lock, std::chrono::milliseconds(100), [this] { return closing_; });
    chunk.swap(buffer_);
    const bool last = closing_;
    lock.unlock();
    if (!chunk.empty()) {
      Status s = WriteOut(chunk);
      if (!s.ok() && write_status_.ok()) write_status_ = s;
      chunk.clear();
    }
    if (last) return;
    lock.lock();
  }
}

Status Recorder::Close() {
  if (closed_) return write_status_;
  closed_ = true;
  {
    std::lock_guard<std::mutex> lock(mu_);
    closing_ = true;
  }
  cv_.notify_all();
  flusher_.join();
  // The flusher's last pass took everything recorded before closing_ was set.
  if (::fsync(fd_) != 0 && write_status_.ok()) {
    write_status_ = Status::IoError(std::string("history fsync failed: ") + std::strerror(errno));
  }
  return write_status_;
}

std::vector<Op> Recorder::TakeOps() {
  std::vector<Op> out;
  out.reserve(ops_.size());
  while (!ops_.empty()) {
    out.push_back(std::move(ops_.front()));
    ops_.pop_front();
  }
  return out;
}

}  // namespace faultline
