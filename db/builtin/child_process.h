// ChildProcess: one program started with fork/exec, owned until reaped. The destructor kills
// (SIGKILL) and reaps a child still running, so none outlives its owner. Not thread-safe.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"

namespace faultline {

// How a process with wait(2) status `status` ended: "exited with status 3", "killed by
// signal 9".
std::string DescribeWaitStatus(int status);

class ChildProcess {
 public:
  // Runs argv[0] (a path) with `argv`, in a process group of its own; stdout and stderr are
  // appended to `output`. If `lifeline_fd` >= 0 the child gets it as descriptor 3; nothing
  // else is inherited.
  static Result<std::unique_ptr<ChildProcess>> Spawn(const std::vector<std::string>& argv,
                                                     const std::filesystem::path& output,
                                                     int lifeline_fd);
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;
  ~ChildProcess() { Kill(); }

  pid_t pid() const { return pid_; }
  // Reaps the child if it has exited; true while it has not.
  bool Running();
  // How it ended ("exited with status 3", "killed by signal 9"), or "running".
  std::string Describe() const;
  // Sends `sig`. REQUIRES: the child is not yet reaped.
  Status Signal(int sig);
  // SIGKILL and reap. No-op once reaped.
  void Kill();
  // SIGTERM (and SIGCONT, in case it is stopped), wait up to `grace`, then SIGKILL; reaps.
  void Terminate(std::chrono::milliseconds grace);

 private:
  explicit ChildProcess(pid_t pid) : pid_(pid) {}
  // Blocks until reaped or `deadline`; true if reaped.
  bool WaitUntil(std::chrono::steady_clock::time_point deadline);

  pid_t pid_;
  bool reaped_ = false;
  int wait_status_ = 0;
};

}  // namespace faultline
