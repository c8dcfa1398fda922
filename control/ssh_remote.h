// SshRemote: a Remote over one persistent libssh2 session to one host (exec, SCP upload and
// download), with the host key pinned or checked against known_hosts. Thread-safe: calls
// are serialized by a mutex (one session, channels in sequence); use one SshRemote per node
// to run nodes in parallel.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "control/remote.h"

namespace faultline {

class SshSession;

struct SshRemoteOptions {
  std::string name;  // for messages ("n1"); the host when empty
  std::string host;  // DNS name or IPv4 address
  int port = 22;
  std::string user = "root";
  // Private key file: OpenSSH-format ed25519 or ECDSA (or PEM ECDSA). RSA keys are refused
  // by OpenSSH >= 8.8 because libssh2 1.10 signs only with SHA-1 "ssh-rsa".
  std::string private_key_file;
  std::string passphrase;  // of the private key, if it has one; never logged
  // Host key policy: exactly one of the two.
  // A pinned fingerprint as `ssh-keygen -l` prints it ("SHA256:…"): the local cluster,
  // whose host keys faultline generated itself.
  std::string host_key_sha256;
  // Or a known_hosts file checked strictly: an unknown host or a different key is an error.
  std::string known_hosts_file;
  std::chrono::milliseconds connect_timeout{5000};  // TCP connect + handshake + auth
  // Upload/Download fail after this long without progress.
  std::chrono::milliseconds transfer_idle_timeout{30000};
};

class SshRemote final : public Remote {
 public:
  // Does not connect: the first call does (or Connect()).
  explicit SshRemote(SshRemoteOptions options);
  ~SshRemote() override;
  SshRemote(const SshRemote&) = delete;
  SshRemote& operator=(const SshRemote&) = delete;

  std::string Describe() const override;  // "n1 (root@10.77.0.11:22)"
  // Runs `command`, reading stdout and stderr together (poll on the socket). On timeout the
  // channel is closed and an error names the host, the command and the timeout; the remote
  // process is not signalled (libssh2 1.10 cannot), it gets EOF/SIGPIPE on its next I/O.
  // A session dropped while idle (sshd restarted) is reconnected once before the command
  // starts; a connection lost after the command may have started is an error, never a rerun.
  Result<ExecResult> Exec(const std::string& command, std::chrono::milliseconds timeout) override;
  // SCP; `mode` is applied exactly (also to an existing file). Binary-safe, any size.
  Status Upload(const std::string& local_path, const std::string& remote_path, int mode) override;
  // SCP; written to a temporary file beside `local_path`, renamed over it when complete.
  Status Download(const std::string& remote_path, const std::string& local_path) override;

  // Connects now if not connected. Errors say what to do (host key, RSA key, unreachable).
  Status Connect();
  // The local address of the SSH connection: the control host as the node sees it.
  Result<std::string> LocalAddress();
  // Closes the session; the next call reconnects.
  void Disconnect();

  const SshRemoteOptions& options() const { return options_; }

 private:
  // REQUIRES: mu_ held (for all three).
  Status EnsureConnectedLocked();
  Result<ExecResult> ExecLocked(const std::string& command, std::chrono::milliseconds timeout);
  // Why an SCP transfer was refused, found by asking the node with `check` (a shell snippet
  // that prints the reason); libssh2 1.10 does not pass on the remote scp's message.
  std::string ExplainTransferLocked(const std::string& check);

  const SshRemoteOptions options_;
  std::mutex mu_;
  std::unique_ptr<SshSession> session_;  // null when not connected; guarded by mu_
};

}  // namespace faultline
