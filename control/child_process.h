// ChildProcess: one program faultline starts on the control host, owned until it is reaped —
// fork/exec with its descriptors, process group and death signal set up, pipes to it when
// asked, signals, waiting and reaping. Everything in faultline that starts a local process
// starts it here: commands run to completion (control/local_command.h), the built-in store's
// nodes (db/builtin/local_cluster.h) and external clients (db/external/client_process.h).
// Not thread-safe: one owner at a time. KillAllChildProcesses is safe from any thread.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"

namespace faultline {

// How a process with wait(2) status `status` ended: "exited with status 3", "killed by
// signal 9".
std::string DescribeWaitStatus(int status);

// Where a ChildProcess runs relative to faultline's process group.
enum class ChildGroup {
  // faultline's group and signal mask: it gets a Ctrl-C at the terminal too.
  kInherit,
  // A process group of its own, signal mask cleared and dispositions default. A Ctrl-C at the
  // terminal then reaches faultline only, which stops it itself; and if faultline dies (even
  // by SIGKILL) while it is stopped, the orphaned group gets SIGHUP and SIGCONT from the kernel.
  kOwnGroup,
  // setsid: a session of its own, no controlling terminal; mask and dispositions as kOwnGroup.
  kNewSession,
};

struct ChildOptions {
  // argv[0] is a path, or a program name looked up in PATH.
  std::vector<std::string> argv;
  // Added to faultline's environment (replacing variables of the same name).
  std::vector<std::pair<std::string, std::string>> env;
  bool pipe_stdin = false;   // a pipe the owner writes (fd(kStdin)); else /dev/null
  bool pipe_stdout = false;  // a pipe the owner reads; else appended to output_path
  bool pipe_stderr = false;  // a pipe the owner reads; else appended to stderr_path
  std::string output_path;   // stdout's file when not piped; "" = /dev/null
  std::string stderr_path;   // stderr's file when not piped; "" = where stdout goes
  mode_t file_mode = 0644;   // for the output files it creates
  // Given to it as descriptor 3 when >= 0. Nothing but 0–2 (and this) is inherited.
  int lifeline_fd = -1;
  ChildGroup group = ChildGroup::kOwnGroup;
  // SIGKILL when the thread that started it ends (PR_SET_PDEATHSIG), so it cannot outlive
  // faultline; that thread must outlive it.
  bool die_with_parent = false;
  // KillAllChildProcesses reaches it (and its group) until it is reaped.
  bool killed_by_kill_all = false;
};

class ChildProcess {
 public:
  enum Stream { kStdin = 0, kStdout = 1, kStderr = 2 };

  // Starts it. InvalidArgument when argv[0] cannot be executed (the message names it and
  // why); IoError when pipes, files or fork fail.
  static Result<std::unique_ptr<ChildProcess>> Spawn(const ChildOptions& options);
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  // Kills (SIGKILL, its group if it has its own) and reaps it unless Released.
  ~ChildProcess();

  pid_t pid() const { return pid_; }
  // The owner's end of a piped stream; -1 if not piped or closed.
  int fd(Stream s) const { return fds_[s]; }
  void Close(Stream s);

  // Reaps it if it has exited; true while it has not.
  bool Running();
  // True once it has exited, without reaping it (its PID and group id stay reserved).
  bool HasExited() { return reaped_ || WaitExited(std::chrono::milliseconds(0)); }
  // Waits until it has exited (without reaping it) or `grace` passed; true if it exited.
  bool WaitExited(std::chrono::milliseconds grace);
  // Blocks until it has exited; reaps it and returns its wait(2) status.
  int Wait();
  // Sends `sig` to it. InvalidArgument once it has ended.
  Status Signal(int sig);
  // SIGKILL (its group if it has its own) and reap. No-op once reaped.
  void Kill();
  // SIGTERM and SIGCONT (in case it is stopped), up to `grace` to exit, then Kill.
  void Terminate(std::chrono::milliseconds grace);
  // Closes its stdin and gives it `grace` to exit by itself; then SIGKILL to its group (what
  // is left of it) and reaps it. True if it had exited by itself. Idempotent.
  bool Finish(std::chrono::milliseconds grace);
  // Stops owning it: it is neither killed nor reaped on destruction (ReapIfChild collects
  // it). Closes the owner's pipe ends. Returns its PID.
  pid_t Release();

  // How it ended once reaped ("exited with status 1", "killed by signal 9"); else "running".
  std::string Describe() const;
  // Its exit status once reaped, if it exited rather than being killed by a signal.
  std::optional<int> ExitStatus() const;

 private:
  ChildProcess(pid_t pid, bool own_group, bool registered, int in, int out, int err)
      : pid_(pid), own_group_(own_group), registered_(registered), fds_{in, out, err} {}
  void MarkReaped(int status);

  const pid_t pid_;
  const bool own_group_;  // signal -pid_ (the group) to kill it
  bool registered_;       // in KillAllChildProcesses' set
  int fds_[3];
  bool reaped_ = false;
  bool released_ = false;
  bool exited_by_itself_ = false;
  int wait_status_ = 0;
};

// SIGKILL to every ChildProcess started with killed_by_kill_all and not yet reaped (to its
// group if it has its own): for a forced exit (second Ctrl-C), where owners will not get to
// destroy theirs.
void KillAllChildProcesses();

// Collects `pid` if it is an exited child of this process (no zombie left); no-op otherwise.
void ReapIfChild(pid_t pid);
// True when `pid` is a child of this process (running or exited, not yet collected).
bool IsOwnChild(pid_t pid);

// The executable `name` (no '/') resolves to in PATH; "" when there is none.
std::string FindInPath(const std::string& name);

// Blocks SIGPIPE for the calling thread while it lives, so writing to a pipe whose reader
// exited fails with EPIPE instead of killing faultline; a SIGPIPE raised meanwhile is
// consumed, not delivered, when it ends.
class SigpipeBlocked {
 public:
  SigpipeBlocked();
  ~SigpipeBlocked();
  SigpipeBlocked(const SigpipeBlocked&) = delete;
  SigpipeBlocked& operator=(const SigpipeBlocked&) = delete;

 private:
  sigset_t pipe_set_;
  sigset_t old_set_;
};

}  // namespace faultline
