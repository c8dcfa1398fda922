#include "db/builtin/cluster_store.h"


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
    peers += (peers.empty() ? "" : ",") + n.name + "=" + n.host + ":" + std::to_string(o.port);
  }
  NodeServersOptions servers;
  servers.what = "faultline-store";
  servers.log_files = {"store/store.log", "store/stdout.log"};
  servers.startup_timeout = o.startup_timeout;
  servers.failure_logs_dir = o.logs_dir;
  servers.ready = [s = store.get()](size_t i) { return s->Answers(i); };
  for (size_t i = 0; i < nodes.size(); ++i) {
    const std::string dir = cluster.node_dir(i) + "/store";
    // A fresh store: nothing of an earlier run on this node may leak into this one.
    auto wiped = ExecChecked(cluster.remote(i), "rm -rf " + ShellQuote(dir) + " && mkdir -p " +
                                                    ShellQuote(dir + "/data"),
                             std::chrono::seconds(10));
    if (!wiped.ok()) return wiped.status();
    NodeDaemonSpec spec;
    spec.name = "faultline-store on " + nodes[i].name;
    spec.argv = {tools.path(i, NodeTool::kStore),
                 "--name", nodes[i].name,
                 "--listen", nodes[i].host + ":" + std::to_string(o.port),
                 "--peers", peers,
                 "--replication", ReplicationModeName(o.replication),
                 "--data-dir", dir + "/data",
                 "--log", dir + "/store.log"};
    if (o.r > 0) spec.argv.insert(spec.argv.end(), {"--r", std::to_string(o.r)});
    if (o.w > 0) spec.argv.insert(spec.argv.end(), {"--w", std::to_string(o.w)});
    if (!o.quorum_versions.empty()) {
      spec.argv.insert(spec.argv.end(), {"--quorum-versions", o.quorum_versions});
    }
    if (!o.quorum_reads.empty()) {
      spec.argv.insert(spec.argv.end(), {"--quorum-reads", o.quorum_reads});
    }
    spec.argv.insert(spec.argv.end(), o.extra_args.begin(), o.extra_args.end());
    spec.env = {{"LD_PRELOAD", tools.path(i, NodeTool::kClockLib)},
                {"FAULTLINE_CLOCK_FILE", NodeTools::ClockFile(cluster, i)}};
    spec.dir = dir;
    spec.log_path = dir + "/stdout.log";
    servers.servers.push_back(std::move(spec));
  }
  store->servers_ = std::make_unique<NodeServers>(cluster, std::move(servers));
  // On error the NodeServers destructor stops what did start.
  FAULTLINE_RETURN_IF_ERROR(store->servers_->StartAll());
  return store;
}

Status ClusterStore::Answers(size_t i) const {
  const NodeAddress& node = cluster_.nodes()[i];
  auto client = StoreClient::Connect(node.host, options_.port, milliseconds(200));
  if (!client.ok()) return client.status();
  auto status = (*client)->GetStatus(std::chrono::steady_clock::now() + milliseconds(300));
  return status.ok() ? Status::Ok() : status.status();
}

std::vector<NodeAddress> ClusterStore::Endpoints() const {
  std::vector<NodeAddress> out;
  for (const auto& n : cluster_.nodes()) out.push_back({n.name, n.host, options_.port});
  return out;
}

Result<std::string> ClusterStore::Primary() {
  std::vector<NodeAddress> live;
  std::vector<NodeAddress> all = Endpoints();
  for (size_t i = 0; i < all.size(); ++i) {
    if (servers_->Serving(i)) live.push_back(all[i]);
  }
  return FindPrimary(options_.replication, live);
}

}  // namespace faultline
