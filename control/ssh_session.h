// SshSession: one connected, host-verified, authenticated libssh2 session in non-blocking
// mode, plus the waiting primitive every call loops on. Internal to SshRemote. Not
// thread-safe: SshRemote serializes all use.
#pragma once

#include <libssh2.h>

#include <chrono>
#include <memory>
#include <string>

#include "control/ssh_remote.h"
#include "core/status.h"

namespace faultline {

using SteadyTime = std::chrono::steady_clock::time_point;

class SshSession {
 public:
  // TCP connect, SSH handshake, host key check, public-key auth, all within
  // options.connect_timeout. Errors name user@host:port and say what to do.
  static Result<std::unique_ptr<SshSession>> Open(const SshRemoteOptions& options);
  ~SshSession();
  SshSession(const SshSession&) = delete;
  SshSession& operator=(const SshSession&) = delete;

  LIBSSH2_SESSION* raw() const { return session_; }
  // Waits until the socket is ready in the direction libssh2 is blocked on. False when
  // `deadline` passed first.
  bool Wait(SteadyTime deadline) const;
  // libssh2's code and text for the last error.
  int LastErrno() const;
  std::string LastError() const;
  // True when the server has closed the TCP connection (seen without reading from it).
  bool PeerClosed() const;
  // The local address of the connection.
  std::string LocalAddress() const;

 private:
  SshSession(int fd, LIBSSH2_SESSION* session) : fd_(fd), session_(session) {}
  int fd_;
  LIBSSH2_SESSION* session_;
};

// Calls f() until it returns something other than LIBSSH2_ERROR_EAGAIN, waiting on the
// socket in between; LIBSSH2_ERROR_TIMEOUT when `deadline` passes first.
template <typename F>
int SshRetry(const SshSession& s, SteadyTime deadline, F f) {
  while (true) {
    const int rc = f();
    if (rc != LIBSSH2_ERROR_EAGAIN) return rc;
    if (!s.Wait(deadline)) return LIBSSH2_ERROR_TIMEOUT;
  }
}

// True for libssh2 errors that mean the connection itself is gone.
bool IsConnectionError(int libssh2_errno);

}  // namespace faultline
