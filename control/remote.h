// Remote: how faultline runs commands on a node and moves files to and from it. The one
// implementation that matters is SSH (ssh_remote.h, libssh2): the local cluster's nodes are
// reached exactly like real hosts. Implementations are thread-safe: calls on one Remote are
// serialized (one session per node, channels in sequence), calls on different Remotes run in
// parallel.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace faultline {

struct ExecResult {
  int exit_status = -1;  // the command's exit status; 128+N when killed by signal N
  std::string out;       // everything it wrote to stdout
  std::string err;       // and to stderr
};

class Remote {
 public:
  virtual ~Remote() = default;
  // Who this is, for messages: "n1 (root@10.77.0.11:22)".
  virtual std::string Describe() const = 0;
  // Runs `command` with the remote user's shell (`sh -c`). A non-zero exit is a result, not
  // an error; an error means the command could not be run or did not finish within
  // `timeout` (the message says which and names the host).
  virtual Result<ExecResult> Exec(const std::string& command,
                                  std::chrono::milliseconds timeout) = 0;
  // Copies a local file to `remote_path` (parent directory must exist) with mode `mode`.
  virtual Status Upload(const std::string& local_path, const std::string& remote_path,
                        int mode) = 0;
  // Copies a remote file to `local_path`, replacing it.
  virtual Status Download(const std::string& remote_path, const std::string& local_path) = 0;
};

// `s` as one POSIX shell word: 'it'\''s' (safe for any bytes but NUL).
std::string ShellQuote(std::string_view s);
// argv as a shell command line, every word quoted.
std::string ShellJoin(const std::vector<std::string>& argv);

// Exec that insists on exit status 0; otherwise an error naming the host, the command and
// the start of its stderr. Returns stdout.
Result<std::string> ExecChecked(Remote& remote, const std::string& command,
                                std::chrono::milliseconds timeout);

}  // namespace faultline
