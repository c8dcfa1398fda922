#include "control/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <set>
#include <string_view>
#include <thread>

extern char** environ;

namespace faultline {
namespace {

// What KillAllChildProcesses signals: -pid for a process group, pid otherwise.
std::mutex g_live_mu;
std::set<pid_t> g_live;  // guarded by g_live_mu

void AddLive(pid_t target) {
  std::lock_guard<std::mutex> lock(g_live_mu);
  g_live.insert(target);
}

void RemoveLive(pid_t target) {
  std::lock_guard<std::mutex> lock(g_live_mu);
  g_live.erase(target);
}

void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// faultline's environment with `extra` added, replacing variables of the same name.
std::vector<std::string> Environment(
    const std::vector<std::pair<std::string, std::string>>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; e && *e; ++e) {
    const std::string_view entry(*e);
    const std::string_view name = entry.substr(0, entry.find('='));
    const bool replaced =
        std::any_of(extra.begin(), extra.end(), [&](const auto& kv) { return kv.first == name; });
    if (!replaced) env.emplace_back(entry);
  }
  for (const auto& [name, value] : extra) env.push_back(name + "=" + value);
  return env;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (std::string& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Milliseconds from now until `deadline`, at least 0, for poll.
int PollMillis(std::chrono::steady_clock::time_point deadline) {
  const auto left =
      std::chrono::ceil<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
  return static_cast<int>(std::clamp<int64_t>(left.count(), 0, 1 << 30));
}

// The descriptors a child gets as 0, 1 and 2, the owner's pipe ends, and the pipe on which a
// failed exec reports its errno. Closes what it holds unless handed over.
struct Plumbing {
  int child[3] = {-1, -1, -1};
  int owner[3] = {-1, -1, -1};
  int exec_error[2] = {-1, -1};
  ~Plumbing() {
    for (int* fds : {child, owner}) {
      for (int i = 0; i < 3; ++i) CloseFd(fds[i]);
    }
    CloseFd(exec_error[0]);
    CloseFd(exec_error[1]);
  }
  void CloseChildEnds() {
    for (int& fd : child) CloseFd(fd);
    CloseFd(exec_error[1]);
  }
};

Status OpenPipe(int i, Plumbing& p) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return Status::IoError(std::string("pipe: ") + strerror(errno));
  p.child[i] = i == 0 ? fds[0] : fds[1];
  p.owner[i] = i == 0 ? fds[1] : fds[0];
  return Status::Ok();
}

Status OpenFile(int i, const std::string& path, int flags, mode_t mode, Plumbing& p) {
  p.child[i] = ::open(path.c_str(), flags | O_CLOEXEC, mode);
  if (p.child[i] < 0) return Status::IoError("cannot open " + path + ": " + strerror(errno));
  return Status::Ok();
}

Status SetUpPlumbing(const ChildOptions& o, Plumbing& p) {
  const int append = O_WRONLY | O_CREAT | O_APPEND;
  Status st = o.pipe_stdin ? OpenPipe(0, p) : OpenFile(0, "/dev/null", O_RDONLY, 0, p);
  if (st.ok()) {
    st = o.pipe_stdout ? OpenPipe(1, p)
                       : OpenFile(1, o.output_path.empty() ? "/dev/null" : o.output_path, append,
                                  o.file_mode, p);
  }
  if (st.ok() && o.pipe_stderr) st = OpenPipe(2, p);
  if (st.ok() && !o.pipe_stderr && !o.stderr_path.empty()) {
    st = OpenFile(2, o.stderr_path, append, o.file_mode, p);
  }
  if (st.ok() && p.child[2] < 0) {
    p.child[2] = ::fcntl(p.child[1], F_DUPFD_CLOEXEC, 3);
  }
  if (st.ok() && ::pipe2(p.exec_error, O_CLOEXEC) != 0) {
    st = Status::IoError(std::string("pipe: ") + strerror(errno));
  }
  // Above any descriptor the child rearranges (0–3), so none of them lands on it.
  if (st.ok()) {
    const int high = ::fcntl(p.exec_error[1], F_DUPFD_CLOEXEC, 10);
    ::close(p.exec_error[1]);
    p.exec_error[1] = high;
    if (high < 0) st = Status::IoError(std::string("fcntl: ") + strerror(errno));
  }
  return st;
}

// Where argv[0] runs from: itself when it holds a '/', else its PATH entry. "" if none.
std::string ProgramPath(const std::string& argv0) {
  return argv0.find('/') != std::string::npos ? argv0 : FindInPath(argv0);
}

// In the child, between fork and exec: async-signal-safe calls only.
[[noreturn]] void ExecChild(const ChildOptions& o, pid_t parent, const Plumbing& p,
                            const char* path, char* const* argv, char* const* envp) {
  if (o.group == ChildGroup::kOwnGroup) setpgid(0, 0);
  if (o.group == ChildGroup::kNewSession) setsid();
  if (o.die_with_parent) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);  // faultline died before the line above
  }
  if (o.group != ChildGroup::kInherit) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int sig = 1; sig < NSIG; ++sig) sigaction(sig, &dfl, nullptr);
  }
  for (int i = 0; i < 3; ++i) {
    if (p.child[i] == i) {
      fcntl(i, F_SETFD, 0);  // dup2(i, i) would keep FD_CLOEXEC
    } else {
      dup2(p.child[i], i);
    }
  }
  if (o.lifeline_fd == 3) {
    fcntl(3, F_SETFD, 0);  // dup2(3, 3) would keep FD_CLOEXEC
  } else if (o.lifeline_fd >= 0) {
    dup2(o.lifeline_fd, 3);
  }
  const unsigned first = o.lifeline_fd >= 0 ? 4u : 3u, error_fd = unsigned(p.exec_error[1]);
  syscall(SYS_close_range, first, error_fd - 1, 0u);
  syscall(SYS_close_range, error_fd + 1, ~0u, 0u);
  execve(path, argv, envp);
  const int e = errno;
  (void)!write(p.exec_error[1], &e, sizeof e);
  _exit(127);
}

}  // namespace

std::string DescribeWaitStatus(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  return "ended";
}

std::string FindInPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string_view dirs = path != nullptr ? path : "/usr/bin:/bin";
  while (!name.empty()) {
    const size_t colon = dirs.find(':');
    std::string dir(dirs.substr(0, colon));
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    if (colon == std::string_view::npos) break;
    dirs.remove_prefix(colon + 1);
  }
  return "";
}

Result<std::unique_ptr<ChildProcess>> ChildProcess::Spawn(const ChildOptions& o) {
  const std::string argv0 = o.argv.empty() ? "" : o.argv[0];
  const std::string path = ProgramPath(argv0);
  if (path.empty() || ::access(path.c_str(), X_OK) != 0) {
    return Status::InvalidArgument("cannot execute '" + argv0 +
                                   "': " + strerror(path.empty() ? ENOENT : errno));
  }
  Plumbing p;
  FAULTLINE_RETURN_IF_ERROR(SetUpPlumbing(o, p));
  // Everything the child needs is built before fork: after it, only async-signal-safe calls.
  std::vector<std::string> args = o.argv, env = Environment(o.env);
  std::vector<char*> argv = CStrings(args), envp = CStrings(env);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) ExecChild(o, parent, p, path.c_str(), argv.data(), envp.data());
  const int fork_errno = errno;
  p.CloseChildEnds();
  if (pid < 0) return Status::IoError(std::string("fork: ") + strerror(fork_errno));
  if (o.group == ChildGroup::kOwnGroup) ::setpgid(pid, pid);  // the group exists before use
  int exec_errno = 0;
  ssize_t n;
  while ((n = ::read(p.exec_error[0], &exec_errno, sizeof exec_errno)) < 0 && errno == EINTR) {
  }
  if (n > 0) {  // exec failed: the child has exited
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return Status::IoError("cannot execute '" + argv0 + "': " + strerror(exec_errno));
  }
  const bool own_group = o.group != ChildGroup::kInherit;
  if (o.killed_by_kill_all) AddLive(own_group ? -pid : pid);
  auto child = std::unique_ptr<ChildProcess>(
      new ChildProcess(pid, own_group, o.killed_by_kill_all, p.owner[0], p.owner[1], p.owner[2]));
  for (int& fd : p.owner) fd = -1;  // now the child's owner holds them
  return child;
}

ChildProcess::~ChildProcess() {
  if (!released_) Kill();
  for (int i = 0; i < 3; ++i) CloseFd(fds_[i]);
}

void ChildProcess::Close(Stream s) { CloseFd(fds_[s]); }

void ChildProcess::MarkReaped(int status) {
  wait_status_ = status;
  reaped_ = true;
  if (registered_) RemoveLive(own_group_ ? -pid_ : pid_);
  registered_ = false;
}

bool ChildProcess::Running() {
  if (reaped_ || released_) return false;
  int status = 0;
  const pid_t r = ::waitpid(pid_, &status, WNOHANG);
  if (r == pid_ || (r < 0 && errno == ECHILD)) MarkReaped(status);
  return !reaped_;
}

bool ChildProcess::WaitExited(std::chrono::milliseconds grace) {
  if (reaped_) return true;
  // WNOWAIT: an exited child stays a zombie, so its PID (and its group's id) cannot be
  // reused before it is signalled and reaped.
  auto exited = [this] {
    siginfo_t info{};
    return ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
           info.si_pid == pid_;
  };
  if (const bool done = exited(); done || grace.count() <= 0) return done;
  const auto until = std::chrono::steady_clock::now() + grace;
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  while (!exited() && std::chrono::steady_clock::now() < until) {
    if (pidfd >= 0) {  // readable once the process has exited
      pollfd p{pidfd, POLLIN, 0};
      ::poll(&p, 1, PollMillis(until));
    } else {
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  if (pidfd >= 0) ::close(pidfd);
  return exited();
}

int ChildProcess::Wait() {
  if (!reaped_ && !released_) {
    int status = 0;
    pid_t r;
    while ((r = ::waitpid(pid_, &status, 0)) < 0 && errno == EINTR) {
    }
    MarkReaped(status);
  }
  return wait_status_;
}

Status ChildProcess::Signal(int sig) {
  if (!Running()) {
    return Status::InvalidArgument("process " + std::to_string(pid_) + " " + Describe());
  }
  if (::kill(pid_, sig) != 0) {
    return Status::IoError("kill " + std::to_string(pid_) + ": " + strerror(errno));
  }
  return Status::Ok();
}

void ChildProcess::Kill() {
  if (reaped_ || released_) return;
  ::kill(own_group_ ? -pid_ : pid_, SIGKILL);  // a zombie until reaped: no reused PID is hit
  Wait();
}

void ChildProcess::Terminate(std::chrono::milliseconds grace) {
  if (!Running()) return;
  ::kill(pid_, SIGTERM);
  ::kill(pid_, SIGCONT);
  WaitExited(grace);
  Kill();
}

bool ChildProcess::Finish(std::chrono::milliseconds grace) {
  Close(kStdin);
  if (!reaped_ && !released_) {
    exited_by_itself_ = WaitExited(grace);
    Kill();  // the group: whatever it started goes too
  }
  return exited_by_itself_;
}

pid_t ChildProcess::Release() {
  released_ = true;
  if (registered_) RemoveLive(own_group_ ? -pid_ : pid_);
  registered_ = false;
  for (int i = 0; i < 3; ++i) CloseFd(fds_[i]);
  return pid_;
}

std::string ChildProcess::Describe() const {
  return reaped_ ? DescribeWaitStatus(wait_status_) : "running";
}

std::optional<int> ChildProcess::ExitStatus() const {
  if (!reaped_ || !WIFEXITED(wait_status_)) return std::nullopt;
  return WEXITSTATUS(wait_status_);
}

void KillAllChildProcesses() {
  std::lock_guard<std::mutex> lock(g_live_mu);
  for (pid_t target : g_live) ::kill(target, SIGKILL);
}

bool IsOwnChild(pid_t pid) {
  if (pid <= 0) return false;
  siginfo_t info{};
  return ::waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0;
}

void ReapIfChild(pid_t pid) {
  if (pid <= 0) return;
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) < 0 && errno == EINTR) {
  }
}

SigpipeBlocked::SigpipeBlocked() {
  sigemptyset(&pipe_set_);
  sigaddset(&pipe_set_, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set_, &old_set_);
}

SigpipeBlocked::~SigpipeBlocked() {
  timespec zero{0, 0};
  while (sigtimedwait(&pipe_set_, nullptr, &zero) > 0) {
  }
  pthread_sigmask(SIG_SETMASK, &old_set_, nullptr);
}

}  // namespace faultline
