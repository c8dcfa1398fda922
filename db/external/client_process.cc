#include "db/external/client_process.h"

#include <fcntl.h>
#include <poll.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace faultline {
namespace {

// Milliseconds from now until `deadline`, at least 0, for poll.
int PollMillis(ClientProcess::Clock::time_point deadline) {
  const auto left =
      std::chrono::ceil<std::chrono::milliseconds>(deadline - ClientProcess::Clock::now());
  return static_cast<int>(std::clamp<int64_t>(left.count(), 0, 1 << 30));
}

}  // namespace

Result<std::unique_ptr<ClientProcess>> ClientProcess::Start(const ClientProcessOptions& options) {
  ChildOptions o;
  o.argv = {"/bin/sh", "-c", options.command};
  o.env = options.env;
  o.pipe_stdin = o.pipe_stdout = true;
  o.stderr_path = options.stderr_path;
  o.die_with_parent = true;
  o.killed_by_kill_all = true;
  Result<std::unique_ptr<ChildProcess>> child = ChildProcess::Spawn(o);
  if (!child.ok()) return child.status();
  ::fcntl((*child)->fd(ChildProcess::kStdin), F_SETFL, O_NONBLOCK);
  ::fcntl((*child)->fd(ChildProcess::kStdout), F_SETFL, O_NONBLOCK);
  return std::unique_ptr<ClientProcess>(new ClientProcess(std::move(*child)));
}

Status ClientProcess::Write(std::string_view data, Clock::time_point deadline) {
  const int in = child_->fd(ChildProcess::kStdin);
  if (in < 0) return Status::IoError("its stdin is closed");
  SigpipeBlocked blocked;  // a client that exited must not kill faultline
  while (!data.empty()) {
    const ssize_t n = ::write(in, data.data(), data.size());
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EPIPE) return Status::IoError("it closed its stdin");
    if (n < 0 && errno != EAGAIN) {
      return Status::IoError(std::string("write to its stdin: ") + std::strerror(errno));
    }
    pollfd p{in, POLLOUT, 0};
    if (::poll(&p, 1, PollMillis(deadline)) == 0) {
      return Status::IoError("it did not read its stdin before the op timeout");
    }
  }
  return Status::Ok();
}

Result<std::optional<std::string>> ClientProcess::PollLine(size_t max_bytes) {
  size_t scanned = 0;
  for (;;) {
    const size_t nl = buffer_.find('\n', scanned);
    if (nl != std::string::npos && nl <= max_bytes) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return std::optional<std::string>(std::move(line));
    }
    if (buffer_.size() > max_bytes) {
      return Status::IoError("it wrote a line longer than " + std::to_string(max_bytes) + " bytes");
    }
    scanned = buffer_.size();
    const int out = child_->fd(ChildProcess::kStdout);
    if (out < 0) return Status::IoError("its stdout is closed");
    char chunk[65536];
    const ssize_t n = ::read(out, chunk, sizeof chunk);
    if (n > 0) {
      buffer_.append(chunk, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) return Status::IoError("it closed its stdout (end of file)");
    if (errno == EINTR) continue;
    if (errno == EAGAIN) return std::optional<std::string>();
    return Status::IoError(std::string("read its stdout: ") + std::strerror(errno));
  }
}

Result<std::string> ClientProcess::ReadLine(Clock::time_point deadline, size_t max_bytes) {
  for (;;) {
    Result<std::optional<std::string>> line = PollLine(max_bytes);
    if (!line.ok()) return line.status();
    if (*line) return std::move(**line);
    pollfd p{child_->fd(ChildProcess::kStdout), POLLIN, 0};
    if (::poll(&p, 1, PollMillis(deadline)) == 0) {
      return Status::IoError("no reply within the time allowed");
    }
  }
}

bool ClientProcess::Finish(std::chrono::milliseconds grace) {
  const bool by_itself = child_->Finish(grace);
  child_->Close(ChildProcess::kStdout);
  return by_itself;
}


}  // namespace faultline
