#include "control/node_daemon.h"

#include <csignal>
#include <thread>

namespace faultline {
namespace {

using std::chrono::milliseconds;
constexpr milliseconds kCommandTimeout{10000};

}  // namespace

Status NodeDaemon::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (pid_ != 0) {
    auto alive = AliveLocked();
    if (!alive.ok()) return alive.status();
    if (*alive) return Status::InvalidArgument(spec_.name + " is already running (pid " +
                                               std::to_string(pid_) + ")");
  }
  // The daemon gets its own session (setsid) so it outlives the SSH channel; `$!` is its
  // PID because setsid execs in place when not a process-group leader (a background job).
  std::string cmd = "mkdir -p " + ShellQuote(spec_.dir) + " && cd " + ShellQuote(spec_.dir) +
                    " || exit 1\nenv";
  for (const auto& [k, v] : spec_.env) cmd += " " + ShellQuote(k + "=" + v);
  cmd += " setsid nohup " + ShellJoin(spec_.argv) + " >>" + ShellQuote(spec_.log_path) +
         " 2>&1 </dev/null &\necho $!";
  auto out = ExecChecked(remote_, cmd, kCommandTimeout);
  if (!out.ok()) return Status::IoError("starting " + spec_.name + ": " + out.status().message());
  try {
    pid_ = std::stoi(*out);
  } catch (const std::exception&) {
    return Status::Internal("starting " + spec_.name + ": no PID in the reply \"" +
                            out->substr(0, 80) + "\"");
  }
  return Status::Ok();
}

Result<bool> NodeDaemon::AliveLocked() {
  if (pid_ == 0) return false;
  // A zombie is dead for our purposes: its parent (nohup's shell is gone) is init, which
  // reaps it; until then /proc shows state Z.
  auto r = remote_.Exec("s=$(awk '{print $3}' /proc/" + std::to_string(pid_) +
                            "/stat 2>/dev/null); [ -n \"$s\" ] && [ \"$s\" != Z ]",
                        kCommandTimeout);
  if (!r.ok()) return r.status();
  return r->exit_status == 0;
}

Result<bool> NodeDaemon::Alive() {
  std::lock_guard<std::mutex> lock(mu_);
  return AliveLocked();
}

int NodeDaemon::pid() const {
  std::lock_guard<std::mutex> lock(mu_);
  return pid_;
}

Status NodeDaemon::Signal(int signal) {
  std::lock_guard<std::mutex> lock(mu_);
  if (pid_ == 0) return Status::InvalidArgument(spec_.name + " is not running");
  auto r = ExecChecked(remote_, "kill -" + std::to_string(signal) + " " + std::to_string(pid_),
                       kCommandTimeout);
  if (!r.ok()) return Status::IoError("signal " + std::to_string(signal) + " to " + spec_.name +
                                      ": " + r.status().message());
  return Status::Ok();
}

Status NodeDaemon::WaitGoneLocked(milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  for (;;) {
    auto alive = AliveLocked();
    if (!alive.ok()) return alive.status();
    if (!*alive) {
      pid_ = 0;
      return Status::Ok();
    }
    if (std::chrono::steady_clock::now() > end) {
      return Status::IoError(spec_.name + " (pid " + std::to_string(pid_) +
                             ") still alive after " + std::to_string(limit.count()) + " ms");
    }
    std::this_thread::sleep_for(milliseconds(20));
  }
}

Status NodeDaemon::Kill() {
  std::lock_guard<std::mutex> lock(mu_);
  if (pid_ == 0) return Status::InvalidArgument(spec_.name + " is not running");
  auto r = remote_.Exec("kill -KILL " + std::to_string(pid_), kCommandTimeout);
  if (!r.ok()) return r.status();
  return WaitGoneLocked(milliseconds(5000));
}

Status NodeDaemon::Stop(milliseconds grace) {
  std::lock_guard<std::mutex> lock(mu_);
  if (pid_ == 0) return Status::Ok();
  const std::string pid = std::to_string(pid_);
  auto r = remote_.Exec("kill -CONT " + pid + "; kill -TERM " + pid, kCommandTimeout);
  if (!r.ok()) return r.status();
  if (WaitGoneLocked(grace).ok()) return Status::Ok();
  r = remote_.Exec("kill -KILL " + pid, kCommandTimeout);
  if (!r.ok()) return r.status();
  return WaitGoneLocked(milliseconds(5000));
}

}  // namespace faultline
