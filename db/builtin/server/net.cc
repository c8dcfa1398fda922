#include "db/builtin/server/net.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace faultline {
namespace {

std::string Errno(std::string_view what) { return std::string(what) + ": " + std::strerror(errno); }

Result<sockaddr_in> Resolve(const TcpEndpoint& endpoint) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(endpoint.port);
  if (inet_pton(AF_INET, endpoint.host.c_str(), &addr.sin_addr) == 1) return addr;
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  int rc = getaddrinfo(endpoint.host.c_str(), nullptr, &hints, &found);
  if (rc != 0 || found == nullptr) {
    return Status::InvalidArgument("cannot resolve host '" + endpoint.host +
                                   "': " + gai_strerror(rc));
  }
  addr.sin_addr = reinterpret_cast<sockaddr_in*>(found->ai_addr)->sin_addr;
  freeaddrinfo(found);
  return addr;
}

void SetNoDelay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

// Waits for `events` on fd; IoError on timeout or poll failure.
Status WaitFor(int fd, short events, Deadline deadline, std::string_view what) {
  while (true) {
    pollfd p{fd, events, 0};
    int rc = poll(&p, 1, MillisUntil(deadline));
    if (rc > 0) return Status::Ok();
    if (rc == 0 && std::chrono::steady_clock::now() < deadline) continue;  // capped wait
    if (rc == 0) return Status::IoError(std::string(what) + ": timed out");
    if (errno != EINTR) return Status::IoError(Errno(what));
  }
}

}  // namespace

int MillisUntil(Deadline deadline) {
  auto left = deadline - std::chrono::steady_clock::now();
  if (left <= left.zero()) return 0;
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(left).count();
  return ms > 1'000'000 ? 1'000'000 : static_cast<int>(ms);
}

std::string TcpEndpoint::ToString() const { return host + ":" + std::to_string(port); }

Result<TcpEndpoint> TcpEndpoint::Parse(std::string_view text) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return Status::InvalidArgument("'" + std::string(text) + "' is not host:port");
  }
  std::string_view port_text = text.substr(colon + 1);
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port == 0 ||
      port > 65535) {
    return Status::InvalidArgument("'" + std::string(text) + "': port must be 1..65535");
  }
  return TcpEndpoint{std::string(text.substr(0, colon)), static_cast<uint16_t>(port)};
}

TcpSocket& TcpSocket::operator=(TcpSocket&& other) noexcept {
  if (this != &other) {
    Close();
    fd_ = other.Release();
  }
  return *this;
}

int TcpSocket::Release() {
  int fd = fd_;
  fd_ = -1;
  return fd;
}

void TcpSocket::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

Result<TcpSocket> ListenTcp(const TcpEndpoint& endpoint, int backlog) {
  Result<sockaddr_in> addr = Resolve(endpoint);
  if (!addr.ok()) return addr.status();
  TcpSocket sock(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!sock.valid()) return Status::IoError(Errno("socket"));
  int one = 1;
  setsockopt(sock.fd(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (::bind(sock.fd(), reinterpret_cast<const sockaddr*>(&*addr), sizeof(*addr)) != 0) {
    return Status::IoError(Errno("bind " + endpoint.ToString()));
  }
  if (::listen(sock.fd(), backlog) != 0) return Status::IoError(Errno("listen"));
  return sock;
}

Result<TcpSocket> AcceptTcp(const TcpSocket& listener) {
  while (true) {
    int fd = ::accept4(listener.fd(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      SetNoDelay(fd);
      return TcpSocket(fd);
    }
    if (errno != EINTR && errno != ECONNABORTED) return Status::IoError(Errno("accept"));
  }
}

Result<TcpSocket> ConnectTcp(const TcpEndpoint& endpoint, Deadline deadline) {
  Result<sockaddr_in> addr = Resolve(endpoint);
  if (!addr.ok()) return addr.status();
  TcpSocket sock(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!sock.valid()) return Status::IoError(Errno("socket"));
  const std::string what = "connect " + endpoint.ToString();
  if (::connect(sock.fd(), reinterpret_cast<const sockaddr*>(&*addr), sizeof(*addr)) != 0) {
    if (errno != EINPROGRESS) return Status::IoError(Errno(what));
    FAULTLINE_RETURN_IF_ERROR(WaitFor(sock.fd(), POLLOUT, deadline, what));
    int err = 0;
    socklen_t len = sizeof(err);
    getsockopt(sock.fd(), SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      errno = err;
      return Status::IoError(Errno(what));
    }
  }
  SetNoDelay(sock.fd());
  return sock;
}

Status LineConnection::WriteLine(std::string_view line, Deadline deadline) {
  std::string data;
  data.reserve(line.size() + 1);
  data.append(line);
  data.push_back('\n');
  size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = ::send(fd(), data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
      FAULTLINE_RETURN_IF_ERROR(WaitFor(fd(), POLLOUT, deadline, "send"));
    } else if (n < 0 && errno != EINTR) {
      return Status::IoError(Errno("send"));
    }
  }
  return Status::Ok();
}

Result<std::string> LineConnection::ReadLine(Deadline deadline) {
  std::string line;
  while (true) {
    if (discarding_) {  // skipping the rest of an over-long line
      size_t newline = buffer_.find('\n');
      buffer_.erase(0, newline == std::string::npos ? buffer_.size() : newline + 1);
      scanned_ = 0;
      discarding_ = newline == std::string::npos;
      if (!discarding_) continue;
    } else if (PopLine(&line)) {
      return line;
    } else if (buffer_.size() > max_line_) {
      buffer_.clear();
      scanned_ = 0;
      discarding_ = true;
      return Status::InvalidInput("line longer than " + std::to_string(max_line_) + " bytes");
    }
    FAULTLINE_RETURN_IF_ERROR(WaitFor(fd(), POLLIN, deadline, "receive"));
    FAULTLINE_RETURN_IF_ERROR(ReadAvailable());
  }
}

bool LineConnection::PopLine(std::string* line) {
  size_t newline = buffer_.find('\n', scanned_);
  if (newline == std::string::npos) {
    scanned_ = buffer_.size();
    return false;
  }
  line->assign(buffer_, 0, newline);
  buffer_.erase(0, newline + 1);
  scanned_ = 0;
  return true;
}

Status LineConnection::ReadAvailable() {
  char chunk[64 * 1024];
  while (true) {
    ssize_t n = ::recv(fd(), chunk, sizeof(chunk), 0);
    if (n > 0) {
      buffer_.append(chunk, static_cast<size_t>(n));
      return Status::Ok();
    }
    if (n == 0) return Status::IoError("connection closed by peer");
    if (errno == EAGAIN || errno == EWOULDBLOCK) return Status::Ok();
    if (errno != EINTR) return Status::IoError(Errno("receive"));
  }
}

bool LineConnection::LooksIdleAndOpen() const {
  if (!buffer_.empty()) return false;
  pollfd p{fd(), POLLIN, 0};
  return poll(&p, 1, 0) == 0;
}

}  // namespace faultline
