// Running programs on the control host (ip, ssh-keygen, the sshd launcher) with their
// output captured, and starting long-lived detached daemons, on ChildProcess
// (control/child_process.h, which also has ReapIfChild and IsOwnChild). Thread-safe: no
// shared state.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "control/child_process.h"
#include "core/status.h"

namespace faultline {

struct LocalResult {
  int exit_status = -1;  // 128+N when killed by signal N
  std::string out;
  std::string err;
};

// Runs argv (argv[0] looked up in PATH) with `input` on its stdin and waits for it. An error
// only when it could not be started; a non-zero exit is a result.
Result<LocalResult> RunLocal(const std::vector<std::string>& argv, const std::string& input = "");

// RunLocal that insists on exit status 0; the error names the command and its stderr.
Result<std::string> RunLocalChecked(const std::vector<std::string>& argv,
                                    const std::string& input = "");

// Starts argv in a new session (setsid: no controlling terminal, not in the caller's process
// group, so Ctrl-C does not reach it), stdin from /dev/null, stdout and stderr appended to
// `log_path`. Returns its PID. The caller does not have to wait for it: if the caller exits
// first it is reparented; ReapIfChild collects it otherwise.
Result<pid_t> SpawnDetached(const std::vector<std::string>& argv, const std::string& log_path);

// The first line of a file on the control host (a /proc or /sys entry), without its newline;
// "" if it cannot be read.
std::string ReadFirstLine(const std::string& path);

// " "-joined argv, for messages.
std::string DescribeArgv(const std::vector<std::string>& argv);

}  // namespace faultline
