#include "db/builtin/local_cluster.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <random>
#include <system_error>
#include <thread>

#include "db/builtin/server/net.h"
#include "db/builtin/store_client.h"

namespace faultline {

namespace {

using SteadyClock = std::chrono::steady_clock;
constexpr char kHost[] = "127.0.0.1";

// Binds 127.0.0.1:port (no SO_REUSEADDR) to see whether it is free; the socket stays open
// in `held` so the same port is not handed out twice.
bool TryHoldPort(uint16_t port, std::vector<TcpSocket>* held) {
  TcpSocket sock(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (!sock.valid() || ::bind(sock.fd(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    return false;
  }
  held->push_back(std::move(sock));
  return true;
}

}  // namespace

Result<std::vector<uint16_t>> PickFreeLoopbackPorts(int count) {
  // Deliberately not from the run's seed: two runs with one seed must not collide.
  std::mt19937 rng(std::random_device{}() ^ static_cast<unsigned>(::getpid()));
  std::uniform_int_distribution<int> pick(20000, 32000);  // below ip_local_port_range
  std::vector<uint16_t> ports;
  std::vector<TcpSocket> held;
  for (int attempt = 0; attempt < 1000 && static_cast<int>(ports.size()) < count; ++attempt) {
    uint16_t port = static_cast<uint16_t>(pick(rng));
    if (TryHoldPort(port, &held)) ports.push_back(port);
  }
  if (static_cast<int>(ports.size()) < count) {
    return Status::IoError("could not find " + std::to_string(count) + " free loopback ports");
  }
  return ports;
}

Result<std::unique_ptr<LocalCluster>> LocalCluster::Start(LocalClusterOptions options) {
  if (options.node_count < 1) return Status::InvalidArgument("node_count must be at least 1");
  std::unique_ptr<LocalCluster> cluster(new LocalCluster(std::move(options)));
  const LocalClusterOptions& o = cluster->options_;
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return Status::IoError(std::string("pipe: ") + strerror(errno));
  cluster->lifeline_read_ = fds[0];
  cluster->lifeline_write_ = fds[1];
  Result<std::vector<uint16_t>> ports = PickFreeLoopbackPorts(o.node_count);
  if (!ports.ok()) return ports.status();
  std::lock_guard<std::mutex> lock(cluster->mu_);
  for (int i = 0; i < o.node_count; ++i) {
    Node node;
    node.name = "n" + std::to_string(i + 1);
    node.port = (*ports)[static_cast<size_t>(i)];
    node.dir = o.run_dir / "nodes" / node.name;
    std::error_code ec;
    std::filesystem::create_directories(node.dir, ec);
    if (ec) return Status::IoError("create " + node.dir.string() + ": " + ec.message());
    cluster->nodes_.push_back(std::move(node));
  }
  // Start all, then wait for all: the nodes boot in parallel. On any error the cluster's
  // destructor stops whatever did start.
  for (Node& node : cluster->nodes_) FAULTLINE_RETURN_IF_ERROR(cluster->StartLocked(node));
  for (Node& node : cluster->nodes_) FAULTLINE_RETURN_IF_ERROR(cluster->WaitReadyLocked(node));
  return cluster;
}

LocalCluster::~LocalCluster() {
  std::lock_guard<std::mutex> lock(mu_);
  StopLocked();
  if (lifeline_write_ >= 0) ::close(lifeline_write_);
  if (lifeline_read_ >= 0) ::close(lifeline_read_);
}

std::vector<std::string> LocalCluster::ArgsLocked(const Node& node) const {
  std::string peers;
  for (const Node& n : nodes_) {
    if (!peers.empty()) peers += ",";
    peers += n.name + "=" + kHost + ":" + std::to_string(n.port);
  }
  std::vector<std::string> args = {options_.store_binary.string(),
                                   "--name",
                                   node.name,
                                   "--listen",
                                   std::string(kHost) + ":" + std::to_string(node.port),
                                   "--peers",
                                   peers,
                                   "--replication",
                                   ReplicationModeName(options_.replication),
                                   "--data-dir",
                                   (node.dir / "data").string(),
                                   "--log",
                                   (node.dir / "store.log").string(),
                                   "--lifeline-fd",
                                   "3"};
  if (options_.r > 0) args.insert(args.end(), {"--r", std::to_string(options_.r)});
  if (options_.w > 0) args.insert(args.end(), {"--w", std::to_string(options_.w)});
  if (!options_.quorum_versions.empty()) {
    args.insert(args.end(), {"--quorum-versions", options_.quorum_versions});
  }
  if (!options_.quorum_reads.empty()) {
    args.insert(args.end(), {"--quorum-reads", options_.quorum_reads});
  }
  args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());
  return args;
}

Status LocalCluster::StartLocked(Node& node) {
  ChildOptions o;
  o.argv = ArgsLocked(node);
  o.output_path = (node.dir / "stdout.log").string();
  o.lifeline_fd = lifeline_read_;
  Result<std::unique_ptr<ChildProcess>> child = ChildProcess::Spawn(o);
  if (!child.ok()) return Status::IoError(node.name + ": " + child.status().message());
  node.process = std::move(*child);
  node.paused = false;
  return Status::Ok();
}

Status LocalCluster::WaitReadyLocked(Node& node) {
  const SteadyClock::time_point deadline = SteadyClock::now() + options_.startup_timeout;
  const std::string where =
      "; see " + (node.dir / "store.log").string() + " and " + (node.dir / "stdout.log").string();
  while (true) {
    if (!node.process->Running()) {
      Status st = Status::IoError(node.name + ": faultline-store " + node.process->Describe() +
                                  " during startup" + where);
      node.process.reset();
      return st;
    }
    Result<std::unique_ptr<StoreClient>> client =
        StoreClient::Connect(kHost, node.port, std::chrono::milliseconds(100));
    if (client.ok() &&
        (*client)->GetStatus(SteadyClock::now() + std::chrono::milliseconds(300)).ok()) {
      return Status::Ok();
    }
    if (SteadyClock::now() >= deadline) {
      return Status::IoError(node.name + " did not answer on " + kHost + ":" +
                             std::to_string(node.port) + " within " +
                             std::to_string(options_.startup_timeout.count()) + " ms" + where);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

Result<LocalCluster::Node*> LocalCluster::FindLocked(const std::string& name) {
  for (Node& n : nodes_) {
    if (n.name == name) return &n;
  }
  return Status::InvalidArgument("no node named '" + name + "'");
}

const LocalCluster::Node* LocalCluster::FindLocked(const std::string& name) const {
  for (const Node& n : nodes_) {
    if (n.name == name) return &n;
  }
  return nullptr;
}

Status LocalCluster::Kill(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  Result<Node*> node = FindLocked(name);
  if (!node.ok()) return node.status();
  if ((*node)->process == nullptr) return Status::InvalidArgument(name + " is not running");
  (*node)->process->Kill();
  (*node)->process.reset();
  (*node)->paused = false;
  return Status::Ok();
}

Status LocalCluster::Restart(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  Result<Node*> node = FindLocked(name);
  if (!node.ok()) return node.status();
  (*node)->process.reset();  // kills and reaps it if it still runs
  FAULTLINE_RETURN_IF_ERROR(StartLocked(**node));
  return WaitReadyLocked(**node);
}

Status LocalCluster::Pause(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  Result<Node*> node = FindLocked(name);
  if (!node.ok()) return node.status();
  if ((*node)->process == nullptr) return Status::InvalidArgument(name + " is not running");
  FAULTLINE_RETURN_IF_ERROR((*node)->process->Signal(SIGSTOP));
  (*node)->paused = true;
  return Status::Ok();
}

Status LocalCluster::Resume(const std::string& name) {
  std::lock_guard<std::mutex> lock(mu_);
  Result<Node*> node = FindLocked(name);
  if (!node.ok()) return node.status();
  if ((*node)->process == nullptr) return Status::InvalidArgument(name + " is not running");
  FAULTLINE_RETURN_IF_ERROR((*node)->process->Signal(SIGCONT));
  (*node)->paused = false;
  return WaitReadyLocked(**node);  // back once it answers again, as after Restart
}

std::vector<NodeAddress> LocalCluster::Endpoints() const {
  std::lock_guard<std::mutex> lock(mu_);
  std::vector<NodeAddress> out;
  for (const Node& n : nodes_) out.push_back(NodeAddress{n.name, kHost, n.port});
  return out;
}

Result<std::string> LocalCluster::Primary() {
  std::vector<NodeAddress> live;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const Node& n : nodes_) {
      if (n.process != nullptr && !n.paused) live.push_back(NodeAddress{n.name, kHost, n.port});
    }
  }
  return FindPrimary(options_.replication, live);
}

Status LocalCluster::CollectLogs(const std::string& dir) {
  for (const auto& e : Endpoints()) {
    if (!std::filesystem::exists(LogPath(e.name))) {
      return Status::IoError("no log for " + e.name + " at " + LogPath(e.name).string());
    }
  }
  (void)dir;  // run_dir/nodes is where they were written
  return Status::Ok();
}

Status LocalCluster::Stop() {
  std::lock_guard<std::mutex> lock(mu_);
  StopLocked();
  return Status::Ok();
}

void LocalCluster::StopLocked() {
  // Signal every node first so they shut down together, then reap each within the grace.
  for (Node& n : nodes_) {
    if (n.process != nullptr && n.process->Running()) {
      ::kill(n.process->pid(), SIGTERM);
      ::kill(n.process->pid(), SIGCONT);
    }
  }
  const SteadyClock::time_point deadline = SteadyClock::now() + options_.stop_grace;
  for (Node& n : nodes_) {
    if (n.process == nullptr) continue;
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - SteadyClock::now());
    n.process->Terminate(std::max(left, std::chrono::milliseconds(0)));
    n.process.reset();
    n.paused = false;
  }
}

pid_t LocalCluster::Pid(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  const Node* node = FindLocked(name);
  return node != nullptr && node->process != nullptr ? node->process->pid() : 0;
}

std::filesystem::path LocalCluster::LogPath(const std::string& name) const {
  std::lock_guard<std::mutex> lock(mu_);
  const Node* node = FindLocked(name);
  return node != nullptr ? node->dir / "store.log" : std::filesystem::path();
}

}  // namespace faultline
