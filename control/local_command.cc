#include "control/local_command.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace faultline {
namespace {

// Feeds `input` to the child's stdin and drains its stdout and stderr until both reach EOF.
void Pump(ChildProcess& child, const std::string& input, LocalResult* r) {
  using S = ChildProcess::Stream;
  size_t written = 0;
  if (input.empty()) child.Close(S::kStdin);
  char buf[65536];
  while (child.fd(S::kStdout) >= 0 || child.fd(S::kStderr) >= 0) {
    pollfd fds[3] = {{child.fd(S::kStdout), POLLIN, 0},
                     {child.fd(S::kStderr), POLLIN, 0},
                     {child.fd(S::kStdin), POLLOUT, 0}};
    if (::poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[2].revents & (POLLOUT | POLLERR | POLLHUP)) {
      const ssize_t n =
          ::write(child.fd(S::kStdin), input.data() + written, input.size() - written);
      if (n > 0) written += size_t(n);
      if ((n < 0 && errno != EAGAIN && errno != EINTR) || written == input.size()) {
        child.Close(S::kStdin);
      }
    }
    const S streams[2] = {S::kStdout, S::kStderr};
    std::string* sinks[2] = {&r->out, &r->err};
    for (int i = 0; i < 2; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t n = ::read(child.fd(streams[i]), buf, sizeof buf);
      if (n > 0) {
        sinks[i]->append(buf, size_t(n));
      } else if (n == 0 || errno != EINTR) {
        child.Close(streams[i]);
      }
    }
  }
}

int DecodeWaitStatus(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

std::string DescribeArgv(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) s += (s.empty() ? "" : " ") + a;
  return s;
}

Result<LocalResult> RunLocal(const std::vector<std::string>& argv, const std::string& input) {
  if (!argv.empty() && argv[0].find('/') == std::string::npos && FindInPath(argv[0]).empty()) {
    return Status::IoError("cannot run `" + DescribeArgv(argv) + "`: " + std::strerror(ENOENT) +
                           " (is " + argv[0] + " installed and in PATH?)");
  }
  ChildOptions o;
  o.argv = argv;
  o.pipe_stdin = o.pipe_stdout = o.pipe_stderr = true;
  o.group = ChildGroup::kInherit;
  Result<std::unique_ptr<ChildProcess>> child = ChildProcess::Spawn(o);
  if (!child.ok()) {
    return Status::IoError("cannot run `" + DescribeArgv(argv) + "`: " + child.status().message());
  }
  // never block on stdin while the child's output waits
  ::fcntl((*child)->fd(ChildProcess::kStdin), F_SETFL, O_NONBLOCK);
  LocalResult r;
  {
    // A child that exits without reading its stdin must not kill us with SIGPIPE.
    SigpipeBlocked blocked;
    Pump(**child, input, &r);
  }
  r.exit_status = DecodeWaitStatus((*child)->Wait());
  return r;
}

Result<std::string> RunLocalChecked(const std::vector<std::string>& argv,
                                    const std::string& input) {
  Result<LocalResult> r = RunLocal(argv, input);
  if (!r.ok()) return r.status();
  if (r->exit_status != 0) {
    std::string err = r->err.substr(0, 400);
    while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) err.pop_back();
    return Status::IoError("`" + DescribeArgv(argv) + "` exited " + std::to_string(r->exit_status) +
                           (err.empty() ? "" : ": " + err));
  }
  return std::move(r->out);
}

Result<pid_t> SpawnDetached(const std::vector<std::string>& argv, const std::string& log_path) {
  ChildOptions o;
  o.argv = argv;
  o.output_path = log_path;
  o.file_mode = 0600;
  o.group = ChildGroup::kNewSession;
  Result<std::unique_ptr<ChildProcess>> child = ChildProcess::Spawn(o);
  if (!child.ok()) {
    return Status::IoError("cannot start `" + DescribeArgv(argv) +
                           "`: " + child.status().message());
  }
  return (*child)->Release();
}

std::string ReadFirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

}  // namespace faultline
