#include "control/node_servers.h"

#include <csignal>
#include <filesystem>
#include <thread>

namespace faultline {

using std::chrono::milliseconds;

NodeServers::NodeServers(Cluster& cluster, NodeServersOptions options)
    : cluster_(cluster), options_(std::move(options)) {
  for (size_t i = 0; i < options_.servers.size(); ++i) {
    daemons_.push_back(std::make_unique<NodeDaemon>(cluster_.remote(i), options_.servers[i]));
  }
  paused_.assign(daemons_.size(), false);
}

NodeServers::~NodeServers() {
  std::vector<std::thread> stops;
  for (auto& d : daemons_) {
    stops.emplace_back([&d, grace = options_.stop_grace] { (void)d->Stop(grace); });
  }
  for (auto& t : stops) t.join();
}

Status NodeServers::StartAll() {
  // Start all, then wait for all: the members of a cluster find each other while starting.
  Status s;
  for (size_t i = 0; i < daemons_.size() && s.ok(); ++i) s = daemons_[i]->Start();
  for (size_t i = 0; i < daemons_.size() && s.ok(); ++i) {
    s = WaitReady(i);
    if (!s.ok() && !options_.failure_logs_dir.empty()) {
      const std::string copy = options_.failure_logs_dir + "/" + cluster_.nodes()[i].name + "/";
      Status copied = CollectLogs(options_.failure_logs_dir);
      s = Status::IoError(s.message() + (copied.ok() ? " (copied to " + copy + ")"
                                                      : " (copying the logs failed: " +
                                                            copied.message() + ")"));
    }
  }
  return s;
}

std::string NodeServers::SeeLogs(size_t i) const {
  std::string files;
  for (const std::string& f : options_.log_files) {
    files += (files.empty() ? "" : " and ") + cluster_.node_dir(i) + "/" + f;
  }
  return files.empty() ? "" : "; see " + files + " on " + cluster_.nodes()[i].name;
}

Status NodeServers::WaitReady(size_t i) {
  const std::string& node = cluster_.nodes()[i].name;
  const auto deadline = std::chrono::steady_clock::now() + options_.startup_timeout;
  for (;;) {
    Status ready = options_.ready(i);
    if (ready.ok()) return ready;
    auto alive = daemons_[i]->Alive();
    if (alive.ok() && !*alive) {
      return Status::IoError(node + ": " + options_.what + " exited during startup" + SeeLogs(i));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status::IoError(node + ": " + options_.what + " was not ready within " +
                             std::to_string(options_.startup_timeout.count()) + " ms (" +
                             ready.message() + ")" + SeeLogs(i));
    }
    std::this_thread::sleep_for(milliseconds(20));
  }
}

Result<size_t> NodeServers::Find(const std::string& node) const {
  const auto& nodes = cluster_.nodes();
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].name == node) return i;
  }
  return Status::InvalidArgument("no node named '" + node + "'");
}

bool NodeServers::Serving(size_t i) const {
  std::lock_guard<std::mutex> lock(mu_);
  return !paused_[i] && daemons_[i]->pid() != 0;
}

Status NodeServers::Kill(const std::string& node) {
  auto found = Find(node);
  if (!found.ok()) return found.status();
  const size_t i = *found;
  FAULTLINE_RETURN_IF_ERROR(daemons_[i]->Kill());
  std::lock_guard<std::mutex> lock(mu_);
  paused_[i] = false;
  return Status::Ok();
}

Status NodeServers::Restart(const std::string& node) {
  auto found = Find(node);
  if (!found.ok()) return found.status();
  const size_t i = *found;
  if (auto alive = daemons_[i]->Alive(); alive.ok() && *alive) {
    FAULTLINE_RETURN_IF_ERROR(daemons_[i]->Kill());
  }
  FAULTLINE_RETURN_IF_ERROR(daemons_[i]->Start());
  {
    std::lock_guard<std::mutex> lock(mu_);
    paused_[i] = false;
  }
  return WaitReady(i);
}

Status NodeServers::Pause(const std::string& node) {
  auto found = Find(node);
  if (!found.ok()) return found.status();
  const size_t i = *found;
  FAULTLINE_RETURN_IF_ERROR(daemons_[i]->Signal(SIGSTOP));
  std::lock_guard<std::mutex> lock(mu_);
  paused_[i] = true;
  return Status::Ok();
}

Status NodeServers::Resume(const std::string& node) {
  auto found = Find(node);
  if (!found.ok()) return found.status();
  const size_t i = *found;
  FAULTLINE_RETURN_IF_ERROR(daemons_[i]->Signal(SIGCONT));
  {
    std::lock_guard<std::mutex> lock(mu_);
    paused_[i] = false;
  }
  // Back once it serves again, as after Restart: the next fault must not land on a node still
  // waking (a fault's band in the report ends here).
  return WaitReady(i);
}

Status NodeServers::CollectLogs(const std::string& dir) {
  Status first;
  const auto& nodes = cluster_.nodes();
  for (size_t i = 0; i < nodes.size(); ++i) {
    const std::string local = dir + "/" + nodes[i].name;
    std::error_code ec;
    std::filesystem::create_directories(local, ec);
    if (ec) return Status::IoError("create " + local + ": " + ec.message());
    for (const std::string& file : options_.log_files) {
      const std::string remote = cluster_.node_dir(i) + "/" + file;
      Status s = cluster_.remote(i).Download(remote, local + "/" +
                                                         std::filesystem::path(file).filename().string());
      if (!s.ok() && first.ok()) first = s;
    }
  }
  return first;
}

}  // namespace faultline
