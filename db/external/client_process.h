// ClientProcess: one external client program on the control host, started as
// `/bin/sh -c COMMAND` (a ChildProcess, control/child_process.h: a process group of its own,
// killed with faultline) and spoken to in lines over pipes on its stdin and stdout, its stderr
// appended to a log file. Killing it kills its whole process group; it is always reaped, so
// no zombie is left. Not thread-safe: one owner at a time. The thread that started it must
// outlive it (the death signal follows that thread); a forced exit ends every client with
// KillAllChildProcesses (control/child_process.h), safe from any thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "control/child_process.h"
#include "core/status.h"

namespace faultline {

struct ClientProcessOptions {
  std::string command;  // run as /bin/sh -c COMMAND, in faultline's working directory
  // Added to faultline's environment (replacing variables of the same name).
  std::vector<std::pair<std::string, std::string>> env;
  std::string stderr_path;  // its stderr is appended here (created if missing)
};

class ClientProcess {
 public:
  using Clock = std::chrono::steady_clock;

  static Result<std::unique_ptr<ClientProcess>> Start(const ClientProcessOptions& options);
  ClientProcess(const ClientProcess&) = delete;
  ClientProcess& operator=(const ClientProcess&) = delete;
  ~ClientProcess() { Kill(); }

  pid_t pid() const { return child_->pid(); }
  // Writes all of `data` to its stdin by `deadline`. IoError if it closed its stdin (or
  // exited), or the pipe stayed full until the deadline.
  Status Write(std::string_view data, Clock::time_point deadline);
  // The next line of its stdout, without the newline, by `deadline`. IoError on end of file,
  // at the deadline, or when more than `max_bytes` arrive without a newline; the message says
  // which.
  Result<std::string> ReadLine(Clock::time_point deadline, size_t max_bytes);
  // The next line if a whole one has arrived, nullopt if not yet (never blocks); errors as
  // ReadLine's.
  Result<std::optional<std::string>> PollLine(size_t max_bytes);
  // Closes its stdin: a client exits at the end of its input.
  void CloseStdin() { child_->Close(ChildProcess::kStdin); }
  // Closes its stdin and gives it `grace` to exit by itself; then SIGKILL to its process
  // group (whatever is left of it) and reaps it. True if it had exited by itself (also when
  // it was reaped before). Idempotent.
  bool Finish(std::chrono::milliseconds grace);
  // SIGKILL to its process group, then reaps it. Idempotent.
  void Kill() { Finish(std::chrono::milliseconds(0)); }
  // True once it has exited (not reaped yet: Finish does that).
  bool HasExited() { return child_->HasExited(); }
  // How it ended once reaped ("exited with status 1", "killed by signal 9"); else "running".
  std::string Describe() const { return child_->Describe(); }
  // Its exit status once reaped, if it exited rather than being killed by a signal.
  std::optional<int> ExitStatus() const { return child_->ExitStatus(); }

 private:
  explicit ClientProcess(std::unique_ptr<ChildProcess> child) : child_(std::move(child)) {}

  std::unique_ptr<ChildProcess> child_;  // its stdin and stdout piped, non-blocking
  std::string buffer_;                   // read from stdout, not yet returned
};


}  // namespace faultline
