#include "db/builtin/cluster_store.h"

#include <csignal>
#include <filesystem>
#include <thread>

#include "db/builtin/store_client.h"

namespace faultline {
namespace {

using std::chrono::milliseconds;

}  // namespace

Result<std::unique_ptr<ClusterStore>> ClusterStore::Start(Cluster& cluster, const NodeTools& tools,
                                                          ClusterStoreOptions options) {
  std::unique_ptr<ClusterStore> store(new ClusterStore(cluster, std::move(options)));
  const ClusterStoreOptions& o = store->options_;
  const auto& nodes = cluster.nodes();
  std::string peers;
  for (const auto& n : nodes) {
    peers += (peers.empty() ? "" : ",") + n.name + "=" + n.address + ":" + std::to_string(o.port);
  }
  for (size_t i = 0; i < nodes.size(); ++i) {
    const std::string dir = store->StoreDir(i);
    // A fresh store: nothing of an earlier run on this node may leak into this one.
    auto wiped = ExecChecked(cluster.remote(i), "rm -rf " + ShellQuote(dir) + " && mkdir -p " +
                                                    ShellQuote(dir + "/data"),
                             std::chrono::seconds(10));
    if (!wiped.ok()) return wiped.status();
    NodeDaemonSpec spec;
    spec.name = "faultline-store on " + nodes[i].name;
    spec.argv = {tools.path(i, NodeTool::kStore),
                 "--name", nodes[i].name,
                 "--listen", nodes[i].address + ":" + std::to_string(o.port),
                 "--peers", peers,
                 "--replication", ReplicationModeName(o.replication),
                 "--data-dir", dir + "/data",
                 "--log", dir + "/store.log"};
    if (o.r > 0) spec.argv.insert(spec.argv.end(), {"--r", std::to_string(o.r)});
    if (o.w > 0) spec.argv.insert(spec.argv.end(), {"--w", std::to_string(o.w)});
    spec.argv.insert(spec.argv.end(), o.extra_args.begin(), o.extra_args.end());
    spec.env = {{"LD_PRELOAD", tools.path(i, NodeTool::kClockLib)},
                {"FAULTLINE_CLOCK_FILE", NodeTools::ClockFile(cluster, i)}};
    spec.dir = dir;
    spec.log_path = dir + "/stdout.log";
    store->servers_.push_back(std::make_unique<NodeDaemon>(cluster.remote(i), std::move(spec)));
  }
  store->paused_.assign(nodes.size(), false);
  // Start all, then wait for all; on error the destructor stops what did start.
  for (auto& s : store->servers_) FAULTLINE_RETURN_IF_ERROR(s->Start());
  for (size_t i = 0; i < nodes.size(); ++i) FAULTLINE_RETURN_IF_ERROR(store->WaitReady(i));
  return store;
}

ClusterStore::~ClusterStore() {
  // Stop them together: signal all, then wait for each.
  std::vector<std::thread> stops;
  for (auto& s : servers_) {
    stops.emplace_back([&s] { (void)s->Stop(milliseconds(2000)); });
  }
  for (auto& t : stops) t.join();
}

Result<size_t> ClusterStore::Find(const std::string& node) const {
  const auto& nodes = cluster_.nodes();
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].name == node) return i;
  }
  return Status::InvalidArgument("no node named '" + node + "'");
}

Status ClusterStore::WaitReady(size_t i) {
  const ClusterNode& node = cluster_.nodes()[i];
  const auto deadline = std::chrono::steady_clock::now() + options_.startup_timeout;
  const std::string where = "; see " + StoreDir(i) + "/store.log and " + StoreDir(i) +
                            "/stdout.log on " + node.name;
  for (;;) {
    auto client = StoreClient::Connect(node.address, options_.port, milliseconds(200));
    if (client.ok() &&
        (*client)->GetStatus(std::chrono::steady_clock::now() + milliseconds(300)).ok()) {
      return Status::Ok();
    }
    auto alive = servers_[i]->Alive();
    if (alive.ok() && !*alive) {
      return Status::IoError(node.name + ": faultline-store exited during startup" + where);
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return Status::IoError(node.name + " did not answer on " + node.address + ":" +
                             std::to_string(options_.port) + " within " +
                             std::to_string(options_.startup_timeout.count()) + " ms" + where);
    }
    std::this_thread::sleep_for(milliseconds(20));
  }
}

std::vector<NodeEndpoint> ClusterStore::Endpoints() const {
  std::vector<NodeEndpoint> out;
  for (const auto& n : cluster_.nodes()) out.push_back({n.name, n.address, options_.port});
  return out;
}

Status ClusterStore::Kill(const std::string& node) {
  auto i = Find(node);
  if (!i.ok()) return i.status();
  FAULTLINE_RETURN_IF_ERROR(servers_[*i]->Kill());
  std::lock_guard<std::mutex> lock(mu_);
  paused_[*i] = false;
  return Status::Ok();
}

Status ClusterStore::Restart(const std::string& node) {
  auto i = Find(node);
  if (!i.ok()) return i.status();
  if (auto alive = servers_[*i]->Alive(); alive.ok() && *alive) {
    FAULTLINE_RETURN_IF_ERROR(servers_[*i]->Kill());
  }
  FAULTLINE_RETURN_IF_ERROR(servers_[*i]->Start());
  {
    std::lock_guard<std::mutex> lock(mu_);
    paused_[*i] = false;
  }
  return WaitReady(*i);
}

Status ClusterStore::Pause(const std::string& node) {
  auto i = Find(node);
  if (!i.ok()) return i.status();
  FAULTLINE_RETURN_IF_ERROR(servers_[*i]->Signal(SIGSTOP));
  std::lock_guard<std::mutex> lock(mu_);
  paused_[*i] = true;
  return Status::Ok();
}

Status ClusterStore::Resume(const std::string& node) {
  auto i = Find(node);
  if (!i.ok()) return i.status();
  FAULTLINE_RETURN_IF_ERROR(servers_[*i]->Signal(SIGCONT));
  std::lock_guard<std::mutex> lock(mu_);
  paused_[*i] = false;
  return Status::Ok();
}

Result<std::string> ClusterStore::Primary() {
  std::vector<NodeEndpoint> live;
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<NodeEndpoint> all = Endpoints();
    for (size_t i = 0; i < all.size(); ++i) {
      if (!paused_[i] && servers_[i]->pid() != 0) live.push_back(all[i]);
    }
  }
  return FindPrimary(options_.replication, live);
}

Status ClusterStore::CollectLogs(const std::string& dir) {
  Status first;
  const auto& nodes = cluster_.nodes();
  for (size_t i = 0; i < nodes.size(); ++i) {
    const std::string local = dir + "/" + nodes[i].name;
    std::error_code ec;
    std::filesystem::create_directories(local, ec);
    if (ec) return Status::IoError("create " + local + ": " + ec.message());
    for (const char* file : {"store.log", "stdout.log"}) {
      Status s = cluster_.remote(i).Download(StoreDir(i) + "/" + file, local + "/" + file);
      if (!s.ok() && first.ok()) first = s;
    }
  }
  return first;
}

}  // namespace faultline
