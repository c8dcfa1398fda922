#include "control/ssh_session.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <mutex>
#include <vector>

#include "control/ssh_keys.h"

namespace faultline {
namespace {

using Clock = std::chrono::steady_clock;

void InitLibssh2Once() {
  static std::once_flag once;
  std::call_once(once, [] { libssh2_init(0); });
}

std::string Where(const SshRemoteOptions& o) {
  return o.user + "@" + o.host + ":" + std::to_string(o.port);
}

std::string Seconds(std::chrono::milliseconds ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f s", double(ms.count()) / 1000.0);
  return buf;
}

int RemainingMs(SteadyTime deadline) {
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return int(std::clamp<long long>(left, 0, 1 << 30));
}

// A non-blocking TCP connection to the first IPv4 address of host:port.
Result<int> ConnectSocket(const SshRemoteOptions& o, SteadyTime deadline) {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const std::string port = std::to_string(o.port);
  if (int rc = ::getaddrinfo(o.host.c_str(), port.c_str(), &hints, &res); rc != 0) {
    return Status::IoError("cannot resolve " + o.host + " (for " + Where(o) +
                           "): " + ::gai_strerror(rc));
  }
  sockaddr_in addr;
  std::memcpy(&addr, res->ai_addr, sizeof addr);
  ::freeaddrinfo(res);
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return Status::IoError(std::string("cannot create a socket: ") + std::strerror(errno));
  int err = 0;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    err = errno;
    if (err == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      const int n = ::poll(&p, 1, RemainingMs(deadline));
      socklen_t len = sizeof err;
      if (n == 0) {
        err = ETIMEDOUT;
      } else if (n < 0 || ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) {
        err = errno;
      }
    }
  }
  if (err != 0) {
    ::close(fd);
    return Status::IoError("cannot connect to " + Where(o) + ": " + std::strerror(err) +
                           (err == ETIMEDOUT ? " after " + Seconds(o.connect_timeout) : ""));
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);  // exec round trips are tiny
  return fd;
}

struct HostKeyType {
  int hostkey_type;   // LIBSSH2_HOSTKEY_TYPE_*
  int knownhost_key;  // LIBSSH2_KNOWNHOST_KEY_*
  const char* name;   // SSH algorithm name, also libssh2's host key method name
};

// In preference order (OpenSSH's own since 8.5: ed25519 first).
constexpr HostKeyType kHostKeyTypes[] = {
    {LIBSSH2_HOSTKEY_TYPE_ED25519, LIBSSH2_KNOWNHOST_KEY_ED25519, "ssh-ed25519"},
    {LIBSSH2_HOSTKEY_TYPE_ECDSA_256, LIBSSH2_KNOWNHOST_KEY_ECDSA_256, "ecdsa-sha2-nistp256"},
    {LIBSSH2_HOSTKEY_TYPE_ECDSA_384, LIBSSH2_KNOWNHOST_KEY_ECDSA_384, "ecdsa-sha2-nistp384"},
    {LIBSSH2_HOSTKEY_TYPE_ECDSA_521, LIBSSH2_KNOWNHOST_KEY_ECDSA_521, "ecdsa-sha2-nistp521"},
    {LIBSSH2_HOSTKEY_TYPE_RSA, LIBSSH2_KNOWNHOST_KEY_SSHRSA, "ssh-rsa"},
};

const HostKeyType* FindHostKeyType(int hostkey_type) {
  for (const auto& t : kHostKeyTypes) {
    if (t.hostkey_type == hostkey_type) return &t;
  }
  return nullptr;
}

std::string SessionError(LIBSSH2_SESSION* s) {
  char* msg = nullptr;
  int len = 0;
  libssh2_session_last_error(s, &msg, &len, 0);
  return msg ? std::string(msg, size_t(len)) : "unknown libssh2 error";
}

std::string HostKeyFingerprint(LIBSSH2_SESSION* s) {
  const char* hash = libssh2_hostkey_hash(s, LIBSSH2_HOSTKEY_HASH_SHA256);
  return hash ? Sha256Fingerprint(std::string_view(hash, 32)) : "";
}

// Outcome of checking the negotiated host key against the policy.
enum class KeyCheck { kOk, kNotFound };

Result<KeyCheck> CheckPinned(LIBSSH2_SESSION* s, const SshRemoteOptions& o) {
  const std::string expected = NormalizeSha256Fingerprint(o.host_key_sha256);
  const std::string got = HostKeyFingerprint(s);
  if (expected.empty()) {
    return Status::InvalidArgument("pinned host key for " + Where(o) +
                                   " is not a SHA-256 "
                                   "fingerprint: \"" +
                                   o.host_key_sha256 +
                                   "\"; expected SHA256:<43 base64 characters> as ssh-keygen -l "
                                   "prints it");
  }
  if (got != expected) {
    return Status::IoError("host key of " + Where(o) +
                           " does not match the pinned fingerprint: "
                           "expected " +
                           expected + ", got " + got +
                           ". The host was rebuilt or is not the one meant; do not connect until "
                           "you know which");
  }
  return KeyCheck::kOk;
}

// Reads known_hosts line by line, skipping lines libssh2 cannot parse (markers, new key
// types) instead of rejecting the whole file.
Status LoadKnownHosts(LIBSSH2_KNOWNHOSTS* kh, const SshRemoteOptions& o) {
  std::ifstream in(o.known_hosts_file);
  if (!in) {
    return Status::IoError("cannot read known_hosts file " + o.known_hosts_file + " (to check " +
                           Where(o) + "): " + std::strerror(errno) +
                           ". Create it with the hosts' verified keys, e.g. ssh-keyscan -p " +
                           std::to_string(o.port) + " " + o.host + " >> " + o.known_hosts_file);
  }
  std::string line;
  while (std::getline(in, line)) {
    const size_t start = line.find_first_not_of(" \t");
    if (start == std::string::npos || line[start] == '#') continue;
    libssh2_knownhost_readline(kh, line.c_str(), line.size(), LIBSSH2_KNOWNHOST_FILE_OPENSSH);
  }
  return Status::Ok();
}

Result<KeyCheck> CheckKnownHosts(LIBSSH2_SESSION* s, const SshRemoteOptions& o) {
  size_t len = 0;
  int type = 0;
  const char* key = libssh2_session_hostkey(s, &len, &type);
  const HostKeyType* t = FindHostKeyType(type);
  if (key == nullptr || t == nullptr) {
    return Status::Unsupported(Where(o) + " offered a host key type libssh2 cannot check");
  }
  LIBSSH2_KNOWNHOSTS* kh = libssh2_knownhost_init(s);
  if (kh == nullptr) return Status::Internal("libssh2_knownhost_init failed");
  Status loaded = LoadKnownHosts(kh, o);
  int rc = LIBSSH2_KNOWNHOST_CHECK_FAILURE;
  if (loaded.ok()) {
    rc = libssh2_knownhost_checkp(
        kh, o.host.c_str(), o.port, key, len,
        LIBSSH2_KNOWNHOST_TYPE_PLAIN | LIBSSH2_KNOWNHOST_KEYENC_RAW | t->knownhost_key, nullptr);
  }
  libssh2_knownhost_free(kh);
  if (!loaded.ok()) return loaded;
  if (rc == LIBSSH2_KNOWNHOST_CHECK_MATCH) return KeyCheck::kOk;
  if (rc == LIBSSH2_KNOWNHOST_CHECK_NOTFOUND) return KeyCheck::kNotFound;
  if (rc == LIBSSH2_KNOWNHOST_CHECK_MISMATCH) {
    return Status::IoError(
        "host key of " + Where(o) + " does not match " + o.known_hosts_file + ": got " + t->name +
        " " + HostKeyFingerprint(s) +
        ". Either the host was reinstalled or the connection is intercepted. Once you have "
        "verified the new key with the host's administrator: ssh-keygen -R " +
        o.host + " -f " + o.known_hosts_file + ", then add it with ssh-keyscan");
  }
  return Status::IoError("cannot check the host key of " + Where(o) + " against " +
                         o.known_hosts_file);
}

// `offered`: "<type> <fingerprint>" of each key the host showed that known_hosts lacks.
Status UnknownHost(const SshRemoteOptions& o, const std::vector<std::string>& offered) {
  std::string keys;
  for (const auto& k : offered) keys += (keys.empty() ? "" : ", ") + k;
  const std::string target = o.port == 22 ? o.host : "[" + o.host + "]:" + std::to_string(o.port);
  return Status::IoError("host " + target + " is not in " + o.known_hosts_file +
                         " (its key: " + keys +
                         "). Verify that fingerprint with the host's administrator, then "
                         "add it: ssh-keyscan -p " +
                         std::to_string(o.port) + " " + o.host + " >> " + o.known_hosts_file);
}

Status Authenticate(LIBSSH2_SESSION* s, const SshSession& ss, const SshRemoteOptions& o,
                    SteadyTime deadline) {
  if (::access(o.private_key_file.c_str(), R_OK) != 0) {
    return Status::IoError("cannot read private key " + o.private_key_file + " (for " + Where(o) +
                           "): " + std::strerror(errno));
  }
  const char* passphrase = o.passphrase.empty() ? nullptr : o.passphrase.c_str();
  const int rc = SshRetry(ss, deadline, [&] {
    return libssh2_userauth_publickey_fromfile_ex(s, o.user.c_str(), unsigned(o.user.size()),
                                                  nullptr, o.private_key_file.c_str(), passphrase);
  });
  if (rc == 0) return Status::Ok();
  if (rc == LIBSSH2_ERROR_TIMEOUT) {
    return Status::IoError("authentication to " + Where(o) + " did not finish within " +
                           Seconds(o.connect_timeout));
  }
  const std::string algorithm = PrivateKeyAlgorithm(o.private_key_file);
  const std::string key = o.private_key_file + (algorithm.empty() ? "" : " (" + algorithm + ")");
  if (algorithm == "ssh-rsa") {
    return Status::Unsupported(
        Where(o) + " refused the RSA key " + o.private_key_file +
        ": libssh2 1.10 signs only with SHA-1 \"ssh-rsa\", which OpenSSH >= 8.8 rejects. Use an "
        "ed25519 (or ECDSA) key: ssh-keygen -t ed25519 -f KEYFILE, and add KEYFILE.pub to ~" +
        o.user + "/.ssh/authorized_keys on the host");
  }
  if (rc == LIBSSH2_ERROR_FILE || rc == LIBSSH2_ERROR_KEYFILE_AUTH_FAILED) {
    return Status::IoError("cannot use private key " + key + " for " + Where(o) + ": " +
                           SessionError(s) +
                           " (libssh2 reads OpenSSH-format ed25519/ECDSA and PEM keys; is the "
                           "passphrase right?)");
  }
  return Status::IoError(Where(o) + " did not accept the key " + key + ": " + SessionError(s) +
                         ". Add " + o.private_key_file + ".pub to ~" + o.user +
                         "/.ssh/authorized_keys on the host");
}

void FreeSession(LIBSSH2_SESSION* s, int fd) {
  if (s != nullptr) {
    // Best effort goodbye, bounded: blocking with a short timeout, then the socket is shut
    // so that freeing cannot wait on a dead peer.
    libssh2_session_set_blocking(s, 1);
    libssh2_session_set_timeout(s, 500);
    libssh2_session_disconnect(s, "faultline: closing");
    if (fd >= 0) ::shutdown(fd, SHUT_RDWR);
    libssh2_session_free(s);
  }
  if (fd >= 0) ::close(fd);
}

}  // namespace

bool IsConnectionError(int e) {
  switch (e) {
    case LIBSSH2_ERROR_SOCKET_NONE:
    case LIBSSH2_ERROR_SOCKET_SEND:
    case LIBSSH2_ERROR_SOCKET_RECV:
    case LIBSSH2_ERROR_SOCKET_DISCONNECT:
    case LIBSSH2_ERROR_SOCKET_TIMEOUT:
    case LIBSSH2_ERROR_BAD_SOCKET:
    case LIBSSH2_ERROR_BANNER_RECV:
    case LIBSSH2_ERROR_BANNER_SEND:
    case LIBSSH2_ERROR_PROTO:
    case LIBSSH2_ERROR_DECRYPT:
    case LIBSSH2_ERROR_INVALID_MAC:
      return true;
    default:
      return false;
  }
}

Result<std::unique_ptr<SshSession>> SshSession::Open(const SshRemoteOptions& o) {
  InitLibssh2Once();
  const SteadyTime deadline = Clock::now() + o.connect_timeout;
  const bool known_hosts = o.host_key_sha256.empty();
  if (known_hosts && o.known_hosts_file.empty()) {
    return Status::InvalidArgument("no host key policy for " + Where(o) +
                                   ": give a pinned SHA-256 fingerprint or a known_hosts file");
  }
  std::vector<std::string> tried;    // host key types the server offered that are not known
  std::vector<std::string> offered;  // "<type> <fingerprint>" of each of them
  while (true) {
    Result<int> fd = ConnectSocket(o, deadline);
    if (!fd.ok()) return fd.status();
    LIBSSH2_SESSION* s = libssh2_session_init();
    if (s == nullptr) {
      ::close(*fd);
      return Status::Internal("libssh2_session_init failed");
    }
    std::unique_ptr<SshSession> session(new SshSession(*fd, s));
    libssh2_session_set_blocking(s, 0);
    libssh2_session_set_timeout(s, long(o.connect_timeout.count()));  // for blocking teardown
    if (!tried.empty()) {
      std::string prefs;
      for (const auto& t : kHostKeyTypes) {
        if (std::find(tried.begin(), tried.end(), t.name) != tried.end()) continue;
        prefs += (prefs.empty() ? "" : ",") + std::string(t.name);
      }
      if (prefs.empty() || libssh2_session_method_pref(s, LIBSSH2_METHOD_HOSTKEY, prefs.c_str())) {
        return UnknownHost(o, offered);
      }
    }
    const int rc = SshRetry(*session, deadline, [&] { return libssh2_session_handshake(s, *fd); });
    if (rc != 0 && !tried.empty()) return UnknownHost(o, offered);
    if (rc == LIBSSH2_ERROR_TIMEOUT) {
      return Status::IoError("SSH handshake with " + Where(o) + " did not finish within " +
                             Seconds(o.connect_timeout) + " (is it an SSH server?)");
    }
    if (rc != 0) {
      const bool no_banner =
          rc == LIBSSH2_ERROR_BANNER_RECV || rc == LIBSSH2_ERROR_SOCKET_DISCONNECT;
      return Status::IoError("SSH handshake with " + Where(o) + " failed: " + SessionError(s) +
                             (no_banner ? " (the connection closed before the SSH banner: is "
                                          "sshd running there, and not refusing this address?)"
                                        : ""));
    }
    Result<KeyCheck> check = known_hosts ? CheckKnownHosts(s, o) : CheckPinned(s, o);
    if (!check.ok()) return check.status();
    if (*check == KeyCheck::kNotFound) {
      size_t len = 0;
      int type = 0;
      libssh2_session_hostkey(s, &len, &type);
      tried.push_back(FindHostKeyType(type)->name);
      offered.push_back(tried.back() + " " + HostKeyFingerprint(s));
      continue;  // maybe the host has a key of another type that known_hosts lists
    }
    FAULTLINE_RETURN_IF_ERROR(Authenticate(s, *session, o, deadline));
    return session;
  }
}

SshSession::~SshSession() { FreeSession(session_, fd_); }

bool SshSession::Wait(SteadyTime deadline) const {
  const int dirs = libssh2_session_block_directions(session_);
  short events = 0;
  if (dirs & LIBSSH2_SESSION_BLOCK_INBOUND) events |= POLLIN;
  if (dirs & LIBSSH2_SESSION_BLOCK_OUTBOUND) events |= POLLOUT;
  if (events == 0) events = POLLIN;
  const int left = RemainingMs(deadline);
  if (left == 0) return false;
  pollfd p{fd_, events, 0};
  const int n = ::poll(&p, 1, left);
  return n != 0 || Clock::now() < deadline;
}

int SshSession::LastErrno() const { return libssh2_session_last_errno(session_); }

std::string SshSession::LastError() const { return SessionError(session_); }

bool SshSession::PeerClosed() const {
  pollfd p{fd_, POLLRDHUP, 0};
  return ::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

std::string SshSession::LocalAddress() const {
  sockaddr_in addr{};
  socklen_t len = sizeof addr;
  if (::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) return "";
  char buf[INET_ADDRSTRLEN] = {};
  ::inet_ntop(AF_INET, &addr.sin_addr, buf, sizeof buf);
  return buf;
}

}  // namespace faultline
