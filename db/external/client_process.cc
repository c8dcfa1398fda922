#include "db/external/client_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <mutex>
#include <set>
#include <thread>

#include "db/builtin/child_process.h"  // DescribeWaitStatus

extern char** environ;

namespace faultline {
namespace {

// Process groups of the clients not yet reaped (their leaders' PIDs), for
// KillAllClientProcesses.
std::mutex g_live_mu;
std::set<pid_t> g_live;  // guarded by g_live_mu

void AddLive(pid_t pid) {
  std::lock_guard<std::mutex> lock(g_live_mu);
  g_live.insert(pid);
}

void RemoveLive(pid_t pid) {
  std::lock_guard<std::mutex> lock(g_live_mu);
  g_live.erase(pid);
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

void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// Milliseconds from now until `deadline`, at least 0, for poll.
int PollMillis(ClientProcess::Clock::time_point deadline) {
  const auto left =
      std::chrono::ceil<std::chrono::milliseconds>(deadline - ClientProcess::Clock::now());
  return static_cast<int>(std::clamp<int64_t>(left.count(), 0, 1 << 30));
}

// In the child, between fork and exec: async-signal-safe calls only.
[[noreturn]] void ExecChild(pid_t parent, int in, int out, int err, char* const* argv,
                            char* const* envp) {
  setpgid(0, 0);
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(127);  // faultline died before the line above
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP}) signal(sig, SIG_DFL);
  dup2(in, 0);
  dup2(out, 1);
  dup2(err, 2);
  syscall(SYS_close_range, 3u, ~0u, 0u);
  execve(argv[0], argv, envp);
  static const char kMsg[] = "faultline: cannot execute /bin/sh\n";
  (void)!write(2, kMsg, sizeof kMsg - 1);
  _exit(127);
}

}  // namespace

Result<std::unique_ptr<ClientProcess>> ClientProcess::Start(const ClientProcessOptions& options) {
  int in[2], out[2];
  if (::pipe2(in, O_CLOEXEC) != 0)
    return Status::IoError(std::string("pipe: ") + std::strerror(errno));
  if (::pipe2(out, O_CLOEXEC) != 0) {
    ::close(in[0]);
    ::close(in[1]);
    return Status::IoError(std::string("pipe: ") + std::strerror(errno));
  }
  int err = ::open(options.stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (err < 0) {
    for (int fd : {in[0], in[1], out[0], out[1]}) ::close(fd);
    return Status::IoError("cannot open " + options.stderr_path +
                           " for a client's stderr: " + std::strerror(errno));
  }
  // Everything the child needs is built before fork.
  std::vector<std::string> args = {"/bin/sh", "-c", options.command};
  std::vector<std::string> env = Environment(options.env);
  std::vector<char*> argv = CStrings(args), envp = CStrings(env);
  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) ExecChild(parent, in[0], out[1], err, argv.data(), envp.data());
  const int fork_errno = errno;
  for (int fd : {in[0], out[1], err}) ::close(fd);
  if (pid < 0) {
    ::close(in[1]);
    ::close(out[0]);
    return Status::IoError(std::string("fork: ") + std::strerror(fork_errno));
  }
  ::setpgid(pid, pid);  // also here, so the group exists before anyone signals it
  AddLive(pid);
  ::fcntl(in[1], F_SETFL, O_NONBLOCK);
  ::fcntl(out[0], F_SETFL, O_NONBLOCK);
  return std::unique_ptr<ClientProcess>(new ClientProcess(pid, in[1], out[0]));
}

Status ClientProcess::Write(std::string_view data, Clock::time_point deadline) {
  if (in_ < 0) return Status::IoError("its stdin is closed");
  // A client that exited must not kill faultline with SIGPIPE: the signal is blocked on this
  // thread while writing (the write then fails with EPIPE) and a pending one consumed.
  sigset_t pipe_set, old_set;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set);
  Status st;
  while (!data.empty()) {
    const ssize_t n = ::write(in_, data.data(), data.size());
    if (n > 0) {
      data.remove_prefix(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EPIPE) {
      st = Status::IoError("it closed its stdin");
      break;
    }
    if (n < 0 && errno != EAGAIN) {
      st = Status::IoError(std::string("write to its stdin: ") + std::strerror(errno));
      break;
    }
    pollfd p{in_, POLLOUT, 0};
    if (::poll(&p, 1, PollMillis(deadline)) == 0) {
      st = Status::IoError("it did not read its stdin before the op timeout");
      break;
    }
  }
  timespec zero{0, 0};
  while (sigtimedwait(&pipe_set, nullptr, &zero) > 0) {
  }
  pthread_sigmask(SIG_SETMASK, &old_set, nullptr);
  return st;
}

Result<std::optional<std::string>> ClientProcess::PollLine(size_t max_bytes) {
  size_t scanned = 0;
  for (;;) {
    const size_t nl = buffer_.find('\n', scanned);
    if (nl != std::string::npos && nl <= max_bytes) {
      std::string line = buffer_.substr(0, nl);
      buffer_.erase(0, nl + 1);
      return std::optional<std::string>(std::move(line));
    }
    if (buffer_.size() > max_bytes) {
      return Status::IoError("it wrote a line longer than " + std::to_string(max_bytes) + " bytes");
    }
    scanned = buffer_.size();
    if (out_ < 0) return Status::IoError("its stdout is closed");
    char chunk[65536];
    const ssize_t n = ::read(out_, chunk, sizeof chunk);
    if (n > 0) {
      buffer_.append(chunk, static_cast<size_t>(n));
      continue;
    }
    if (n == 0) return Status::IoError("it closed its stdout (end of file)");
    if (errno == EINTR) continue;
    if (errno == EAGAIN) return std::optional<std::string>();
    return Status::IoError(std::string("read its stdout: ") + std::strerror(errno));
  }
}

Result<std::string> ClientProcess::ReadLine(Clock::time_point deadline, size_t max_bytes) {
  for (;;) {
    Result<std::optional<std::string>> line = PollLine(max_bytes);
    if (!line.ok()) return line.status();
    if (*line) return std::move(**line);
    pollfd p{out_, POLLIN, 0};
    if (::poll(&p, 1, PollMillis(deadline)) == 0) {
      return Status::IoError("no reply within the time allowed");
    }
  }
}

bool ClientProcess::WaitExited(std::chrono::milliseconds grace) {
  // WNOWAIT: an exited leader stays a zombie, so its PID (and the group's id) cannot be
  // reused before the group is signalled.
  auto exited = [this] {
    siginfo_t info{};
    return ::waitid(P_PID, static_cast<id_t>(pid_), &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
           info.si_pid == pid_;
  };
  if (const bool done = exited(); done || grace.count() <= 0) return done;
  const Clock::time_point until = Clock::now() + grace;
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  while (!exited() && Clock::now() < until) {
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

void ClientProcess::CloseStdin() { CloseFd(in_); }

bool ClientProcess::Finish(std::chrono::milliseconds grace) {
  CloseFd(in_);
  if (!reaped_) {
    exited_by_itself_ = WaitExited(grace);
    ::kill(-pid_, SIGKILL);  // the group: whatever the shell started goes too
    while (::waitpid(pid_, &wait_status_, 0) < 0 && errno == EINTR) {
    }
    reaped_ = true;
    RemoveLive(pid_);
  }
  CloseFd(out_);
  return exited_by_itself_;
}

std::optional<int> ClientProcess::ExitStatus() const {
  if (!reaped_ || !WIFEXITED(wait_status_)) return std::nullopt;
  return WEXITSTATUS(wait_status_);
}

std::string ClientProcess::Describe() const {
  return reaped_ ? DescribeWaitStatus(wait_status_) : "running";
}

void KillAllClientProcesses() {
  std::lock_guard<std::mutex> lock(g_live_mu);
  for (pid_t pid : g_live) ::kill(-pid, SIGKILL);
}

}  // namespace faultline
