#include "db/builtin/child_process.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

namespace faultline {

Result<std::unique_ptr<ChildProcess>> ChildProcess::Spawn(const std::vector<std::string>& argv,
                                                          const std::filesystem::path& output,
                                                          int lifeline_fd) {
  if (argv.empty() || ::access(argv[0].c_str(), X_OK) != 0) {
    return Status::InvalidArgument("cannot execute '" + (argv.empty() ? "" : argv[0]) +
                                   "': " + std::strerror(errno));
  }
  int out = ::open(output.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (out < 0) return Status::IoError("open " + output.string() + ": " + std::strerror(errno));
  // Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(out);
    return Status::IoError(std::string("fork: ") + std::strerror(errno));
  }
  if (pid == 0) {
    // A process group of its own. A Ctrl-C at the terminal then reaches faultline only, which
    // stops its nodes itself. And if faultline dies (even by SIGKILL) while this node is
    // paused with SIGSTOP, the group is orphaned and the kernel sends it SIGHUP and SIGCONT,
    // so the node exits instead of staying stopped, unable to notice its lifeline close.
    setpgid(0, 0);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig : {SIGTERM, SIGINT, SIGPIPE, SIGHUP}) signal(sig, SIG_DFL);
    int devnull = ::open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    dup2(out, 1);
    dup2(out, 2);
    if (lifeline_fd == 3)
      fcntl(3, F_SETFD, 0);  // dup2(3, 3) would keep FD_CLOEXEC
    else if (lifeline_fd >= 0)
      dup2(lifeline_fd, 3);
    syscall(SYS_close_range, lifeline_fd >= 0 ? 4u : 3u, ~0u, 0u);
    execv(args[0], args.data());
    const char msg[] = "faultline: exec failed\n";
    (void)!write(2, msg, sizeof(msg) - 1);
    _exit(127);
  }
  ::close(out);
  return std::unique_ptr<ChildProcess>(new ChildProcess(pid));
}

bool ChildProcess::Running() {
  if (reaped_) return false;
  pid_t r = ::waitpid(pid_, &wait_status_, WNOHANG);
  if (r == pid_ || (r < 0 && errno == ECHILD)) reaped_ = true;
  return !reaped_;
}

std::string DescribeWaitStatus(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "ended";
}

std::string ChildProcess::Describe() const {
  return reaped_ ? DescribeWaitStatus(wait_status_) : "running";
}

Status ChildProcess::Signal(int sig) {
  if (!Running())
    return Status::InvalidArgument("process " + std::to_string(pid_) + " " + Describe());
  if (::kill(pid_, sig) != 0) {
    return Status::IoError("kill " + std::to_string(pid_) + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

void ChildProcess::Kill() {
  if (!Running()) return;
  ::kill(pid_, SIGKILL);
  WaitUntil(std::chrono::steady_clock::time_point::max());
}

void ChildProcess::Terminate(std::chrono::milliseconds grace) {
  if (!Running()) return;
  ::kill(pid_, SIGTERM);
  ::kill(pid_, SIGCONT);
  if (!WaitUntil(std::chrono::steady_clock::now() + grace)) Kill();
}

bool ChildProcess::WaitUntil(std::chrono::steady_clock::time_point deadline) {
  if (deadline == std::chrono::steady_clock::time_point::max()) {
    while (!reaped_) {
      pid_t r = ::waitpid(pid_, &wait_status_, 0);
      if (r == pid_ || (r < 0 && errno == ECHILD)) reaped_ = true;
    }
    return true;
  }
  while (Running()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace faultline
