// A small POSIX TCP layer for the built-in store: endpoints, an owning socket, and a
// connection that reads and writes newline-delimited messages against deadlines.
// Every object here has one owner and is not thread-safe; sockets are non-blocking and all
// waits go through poll(2), so nothing blocks past its deadline.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace faultline {

using Deadline = std::chrono::steady_clock::time_point;

// Milliseconds left until `deadline`, rounded up, never negative (for poll(2)).
int MillisUntil(Deadline deadline);

// "host:port"; host is an IPv4 literal or a name resolved to IPv4.
struct TcpEndpoint {
  std::string host;
  uint16_t port = 0;

  std::string ToString() const;
  static Result<TcpEndpoint> Parse(std::string_view text);
};

// Owns one file descriptor; closes it on destruction. Move-only.
class TcpSocket {
 public:
  TcpSocket() = default;
  explicit TcpSocket(int fd) : fd_(fd) {}
  TcpSocket(TcpSocket&& other) noexcept : fd_(other.Release()) {}
  TcpSocket& operator=(TcpSocket&& other) noexcept;
  TcpSocket(const TcpSocket&) = delete;
  TcpSocket& operator=(const TcpSocket&) = delete;
  ~TcpSocket() { Close(); }

  int fd() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  int Release();
  void Close();

 private:
  int fd_ = -1;
};

// A blocking listener bound to `endpoint` with SO_REUSEADDR (so a restarted node gets its
// port back while old connections sit in TIME_WAIT).
Result<TcpSocket> ListenTcp(const TcpEndpoint& endpoint, int backlog = 512);
// Blocks until a connection arrives; the returned socket is non-blocking with TCP_NODELAY.
Result<TcpSocket> AcceptTcp(const TcpSocket& listener);
// Connects within the deadline; the socket is non-blocking with TCP_NODELAY.
Result<TcpSocket> ConnectTcp(const TcpEndpoint& endpoint, Deadline deadline);

// Newline-delimited messages over one socket. Errors: InvalidInput when the peer sends a
// line longer than max_line (the rest of that line is skipped; the next ReadLine returns the
// line after it), IoError for timeouts, resets and end of stream (the message says which).
class LineConnection {
 public:
  static constexpr size_t kDefaultMaxLine = 64 << 20;

  explicit LineConnection(TcpSocket socket, size_t max_line = kDefaultMaxLine)
      : socket_(std::move(socket)), max_line_(max_line) {}

  int fd() const { return socket_.fd(); }
  // Sends `line` followed by '\n'. `line` must not contain '\n'.
  Status WriteLine(std::string_view line, Deadline deadline);
  // The next line without its '\n'.
  Result<std::string> ReadLine(Deadline deadline);

  // For callers that poll many connections themselves: PopLine takes a complete buffered
  // line if there is one; ReadAvailable does one non-blocking read into the buffer.
  bool PopLine(std::string* line);
  Status ReadAvailable();
  // False when the peer has closed or sent something unexpected while idle.
  bool LooksIdleAndOpen() const;

 private:
  TcpSocket socket_;
  size_t max_line_;
  std::string buffer_;       // bytes received and not yet returned
  size_t scanned_ = 0;       // buffer_[0, scanned_) holds no '\n'
  bool discarding_ = false;  // inside an over-long line
};

}  // namespace faultline
