#include "db/external/client_pool.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>

#include "db/external/external_protocol.h"

namespace faultline {
namespace {

using std::chrono::milliseconds;

std::string Seconds(milliseconds ms) {
  return std::to_string(ms.count() / 1000) + "." + std::to_string(ms.count() % 1000 / 100) + " s";
}

}  // namespace

std::string NodesVariable(const std::vector<NodeAddress>& nodes) {
  std::string out;
  for (const NodeAddress& n : nodes) {
    if (!out.empty()) out += ",";
    out += n.name + "=" + n.host + ":" + std::to_string(n.port);
  }
  return out;
}

ClientPool::ClientPool(ExternalClientOptions options) : options_(std::move(options)) {
  for (const NodeAddress& n : options_.nodes) {
    wanted_[n.name] = std::max(options_.spares_per_node, 1);
    spares_[n.name];
  }
  spawner_ = std::thread([this] { SpareLoop(); });
}

ClientPool::~ClientPool() {
  std::map<std::string, std::deque<Spare>> spares;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    spares.swap(spares_);
  }
  wake_.notify_all();
  // Before the thread that started them ends (its end would SIGKILL them): all are asked to
  // exit at once by closing their stdin, then each gets the grace period.
  for (auto& [node, list] : spares) {
    for (Spare& s : list) s.process->CloseStdin();
  }
  const Clock::time_point until = Clock::now() + options_.exit_grace;
  for (auto& [node, list] : spares) {
    for (Spare& s : list) {
      s.process->Finish(std::max(milliseconds(0),
                                 std::chrono::duration_cast<milliseconds>(until - Clock::now())));
    }
  }
  spawner_.join();
}

Result<std::unique_ptr<ClientProcess>> ClientPool::Start(const std::string& node,
                                                         const std::string& stderr_name) const {
  ClientProcessOptions p;
  p.command = options_.command;
  p.env = options_.env;
  p.env.insert(p.env.end(),
               {{"FAULTLINE_NODE", node}, {"FAULTLINE_NODES", NodesVariable(options_.nodes)}});
  p.stderr_path = LogPath(stderr_name);
  return ClientProcess::Start(p);
}

void ClientPool::Refresh(const std::string& node,
                         std::vector<std::pair<Spare, std::string>>* dead) {
  std::deque<Spare>& list = spares_[node];
  for (auto it = list.begin(); it != list.end();) {
    std::string why;
    if (!it->ready) {
      Result<std::optional<std::string>> line = it->process->PollLine(kMaxExternalReplyBytes);
      if (!line.ok()) {
        why = line.status().message() + " before it said it was ready";
      } else if (*line) {
        Status s = ParseExternalReady(**line);
        it->ready = s.ok();
        if (!s.ok()) why = s.message();
      } else if (Clock::now() - it->started > options_.ready_timeout) {
        why = "it did not write {\"type\":\"ready\"} within " + Seconds(options_.ready_timeout);
      }
    } else if (it->process->HasExited()) {
      why = "it exited while waiting for requests";
    }
    if (why.empty()) {
      ++it;
      continue;
    }
    last_failure_[node] = why;
    dead->emplace_back(std::move(*it), why);
    it = list.erase(it);
  }
  TopUp(node);
}

void ClientPool::TopUp(const std::string& node) {
  const int have = static_cast<int>(spares_[node].size()) + wanted_[node] + (spawning_ == node);
  if (have >= std::max(options_.spares_per_node, 1)) return;
  wanted_[node] += std::max(options_.spares_per_node, 1) - have;
  wake_.notify_one();
}

std::string ClientPool::Bury(const std::string& node,
                             std::vector<std::pair<Spare, std::string>>& dead) {
  std::string last;
  for (auto& [spare, why] : dead) {
    spare.process->Finish(milliseconds(100));
    last = "external client on " + node + " (pid " + std::to_string(spare.process->pid()) + ", " +
           spare.process->Describe() + "): " + why;
    Note(node, last);
  }
  dead.clear();
  return last.empty() ? last : last + "; its stderr: " + LogPath(node);
}

void ClientPool::Note(const std::string& node, const std::string& what) const {
  if (options_.log) options_.log->Info(what + "; see " + LogPath(node));
  const int fd = ::open(LogPath(node).c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return;
  const std::string line = "faultline: " + what + "\n";
  (void)!::write(fd, line.data(), line.size());
  ::close(fd);
}

Result<std::unique_ptr<ClientProcess>> ClientPool::Take(const std::string& node,
                                                        Clock::time_point until) {
  for (;;) {
    std::vector<std::pair<Spare, std::string>> dead;
    std::unique_ptr<ClientProcess> taken;
    size_t starting = 0;
    std::string failure;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!wanted_.count(node)) return Status::InvalidArgument("no node " + node);
      Refresh(node, &dead);
      std::deque<Spare>& list = spares_[node];
      auto ready = std::find_if(list.begin(), list.end(), [](const Spare& s) { return s.ready; });
      if (ready != list.end()) {
        taken = std::move(ready->process);
        list.erase(ready);
        TopUp(node);  // its replacement
      }
      starting = list.size();
      failure = last_failure_[node];
    }
    Bury(node, dead);
    if (taken) return taken;
    if (Clock::now() >= until) {
      return Status::NotReady("no external client process for " + node + " was ready in time (" +
                              std::to_string(starting) + " starting)" +
                              (failure.empty() ? "" : "; the last one failed: " + failure));
    }
    std::this_thread::sleep_for(milliseconds(5));
  }
}

Status ClientPool::WaitReady(milliseconds timeout) {
  const Clock::time_point until = Clock::now() + timeout;
  size_t said = 0;  // nodes with a ready process, as last said
  for (;;) {
    std::vector<std::string> waiting;
    std::string failed;
    for (const NodeAddress& n : options_.nodes) {
      std::vector<std::pair<Spare, std::string>> dead;
      bool ready = false;
      {
        std::lock_guard<std::mutex> lock(mu_);
        Refresh(n.name, &dead);
        const std::deque<Spare>& list = spares_[n.name];
        ready = std::any_of(list.begin(), list.end(), [](const Spare& s) { return s.ready; });
      }
      if (!dead.empty()) failed = Bury(n.name, dead);
      if (!ready) waiting.push_back(n.name);
    }
    if (!failed.empty()) return Status::IoError(failed);
    if (const size_t ready = options_.nodes.size() - waiting.size(); ready > said && options_.log) {
      said = ready;
      options_.log->Step("external clients ready on " + std::to_string(ready) + "/" +
                         std::to_string(options_.nodes.size()) + " nodes");
    }
    if (waiting.empty()) return Status::Ok();
    if (Clock::now() >= until) {
      std::string names;
      for (const std::string& w : waiting) names += (names.empty() ? "" : ", ") + w;
      return Status::IoError("external clients for " + names +
                             " did not write {\"type\":\"ready\"} within " + Seconds(timeout) +
                             "; see their stderr in " + options_.log_dir);
    }
    std::this_thread::sleep_for(milliseconds(5));
  }
}

void ClientPool::SpareLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    auto wanted = wanted_.end();
    wake_.wait(lock, [&] {
      wanted =
          std::find_if(wanted_.begin(), wanted_.end(), [](const auto& w) { return w.second > 0; });
      return stopping_ || wanted != wanted_.end();
    });
    if (stopping_) return;
    const std::string node = wanted->first;
    --wanted->second;
    spawning_ = node;
    lock.unlock();
    auto p = Start(node, node);
    const Clock::time_point started = Clock::now();
    lock.lock();
    spawning_.clear();
    if (!p.ok()) {
      last_failure_[node] = p.status().message();
      if (options_.log)
        options_.log->Info("external client for " + node + ": " + p.status().message());
      continue;  // Take reports it; the next Take tops up again
    }
    if (stopping_) return;  // *p is killed and reaped as it goes
    spares_[node].push_back(Spare{std::move(p).value(), started, false});
  }
}

}  // namespace faultline
