#include "db/etcd/etcd_db.h"

#include <thread>

namespace faultline {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

std::string Url(const std::string& address, int port) {
  return "http://" + address + ":" + std::to_string(port);
}

// etcd on the node, or installed from Debian's packages where the node is a Debian host. The
// package's own service must not start: policy-rc.d says so while apt runs.
constexpr char kInstall[] = R"(command -v etcd >/dev/null 2>&1 && exit 0
command -v apt-get >/dev/null 2>&1 || { echo "etcd is not installed and there is no apt-get to install it"; exit 1; }
p=/usr/sbin/policy-rc.d; made=
if [ ! -e $p ]; then printf '#!/bin/sh\nexit 101\n' > $p && chmod 755 $p && made=1; fi
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq etcd-server >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq etcd-server; }
rc=$?; [ -n "$made" ] && rm -f $p; exit $rc)";

}  // namespace

Result<std::unique_ptr<EtcdDb>> EtcdDb::Start(Cluster& cluster, const EtcdOptions& options,
                                              RunLog& log) {
  std::unique_ptr<EtcdDb> db(new EtcdDb(cluster, options));
  const auto& nodes = cluster.nodes();
  std::string members;
  for (const auto& n : nodes) {
    members += (members.empty() ? "" : ",") + n.name + "=" + Url(n.host, kPeerPort);
  }
  NodeServersOptions servers;
  servers.what = "etcd";
  servers.log_files = {"etcd/etcd.log"};
  servers.startup_timeout = options.startup_timeout;
  servers.failure_logs_dir = options.logs_dir;
  servers.stop_grace = milliseconds(1000);  // a member whose peers are gone stops slowly
  servers.ready = [d = db.get()](size_t i) { return d->Healthy(i); };
  for (size_t i = 0; i < nodes.size(); ++i) {
    Remote& remote = cluster.remote(i);
    if (cluster.local()) {
      auto found = remote.Exec("command -v etcd", std::chrono::seconds(10));
      if (!found.ok()) return found.status();
      if (found->exit_status != 0) {
        return Status::IoError(
            "etcd is not installed on this machine: apt-get install etcd-server "
            "(scripts/setup.sh installs it)");
      }
    } else {
      log.Info("etcd: checking for etcd on " + nodes[i].name + " (installing it if missing)");
      auto installed = remote.Exec(kInstall, std::chrono::seconds(300));
      if (!installed.ok()) return installed.status();
      if (installed->exit_status != 0) {
        return Status::IoError("installing etcd-server on " + nodes[i].name +
                                          " failed: " + installed->out.substr(0, 500) + installed->err.substr(0, 500));
      }
    }
    const std::string dir = cluster.node_dir(i) + "/etcd";
    auto wiped = ExecChecked(remote, "rm -rf " + ShellQuote(dir) + " && mkdir -p " + ShellQuote(dir),
                             std::chrono::seconds(10));
    if (!wiped.ok()) return wiped.status();
    const std::string& a = nodes[i].host;
    NodeDaemonSpec spec;
    spec.name = "etcd on " + nodes[i].name;
    spec.argv = {"etcd",
                 "--name", nodes[i].name,
                 "--data-dir", dir + "/data",
                 "--listen-client-urls", Url(a, kClientPort),
                 "--advertise-client-urls", Url(a, kClientPort),
                 "--listen-peer-urls", Url(a, kPeerPort),
                 "--initial-advertise-peer-urls", Url(a, kPeerPort),
                 "--initial-cluster", members,
                 "--initial-cluster-state", "new",
                 "--initial-cluster-token", options.cluster_token,
                 "--logger", "zap", "--log-outputs", "stderr"};
    if (options.pre_vote) spec.argv.push_back("--pre-vote");
    spec.argv.insert(spec.argv.end(), options.extra_args.begin(), options.extra_args.end());
    spec.dir = dir;
    spec.log_path = dir + "/etcd.log";
    servers.servers.push_back(std::move(spec));
  }
  db->servers_ = std::make_unique<NodeServers>(cluster, std::move(servers));
  log.Info("etcd: starting " + std::to_string(nodes.size()) + " members");
  FAULTLINE_RETURN_IF_ERROR(db->servers_->StartAll());
  return db;
}

Status EtcdDb::Healthy(size_t i) const {
  EtcdHttp http(cluster_.nodes()[i].host, kClientPort);
  HttpReply r = http.Get("/health", steady_clock::now() + milliseconds(500));
  if (r.kind != HttpReply::Kind::kOk) return Status::IoError(r.error);
  if (r.body.value("health", std::string()) != "true") {
    return Status::IoError("/health says " + r.body.dump());
  }
  return Status::Ok();
}

std::string EtcdDb::Describe() const {
  return "etcd (" + std::to_string(cluster_.nodes().size()) + " members, " +
         (options_.reads == EtcdReads::kLinearizable ? "linearizable" : "serializable") +
         " reads" + (options_.pre_vote ? ", pre-vote" : "") + ")";
}

std::vector<std::string> EtcdDb::Nodes() const {
  std::vector<std::string> out;
  for (const auto& n : cluster_.nodes()) out.push_back(n.name);
  return out;
}

Result<std::vector<NodeAddress>> EtcdDb::ClientEndpoints() const {
  std::vector<NodeAddress> out;
  for (const auto& n : cluster_.nodes()) out.push_back({n.name, n.host, kClientPort});
  return out;
}

Result<std::unique_ptr<Client>> EtcdDb::OpenClient(const std::string& node) {
  auto i = servers_->Find(node);
  if (!i.ok()) return i.status();
  return NewEtcdClient(cluster_.nodes()[*i].host, kClientPort, options_.reads);
}

const char kEtcdNoClockFaults[] =
    "etcd is a Go program: it reads the wall clock through the vDSO, which faultline's clock "
    "library cannot reach, so a clock fault would change nothing (and faultline never sets a "
    "host's clock). Use the pause and kill faults to exercise its timing";

Status EtcdDb::ClockFaultsSupported() const { return Status::Unsupported(kEtcdNoClockFaults); }

std::optional<std::string> EtcdDb::Primary() {
  const auto& nodes = cluster_.nodes();
  std::optional<std::string> leader;
  int64_t best_term = -1;
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (!servers_->Serving(i)) continue;
    EtcdHttp http(nodes[i].host, kClientPort);
    HttpReply r = http.Post("/v3/maintenance/status", nlohmann::json::object(),
                            steady_clock::now() + milliseconds(300));
    if (r.kind != HttpReply::Kind::kOk) continue;
    try {
      // 64-bit ids and terms come as decimal strings.
      const std::string self = r.body.at("header").at("member_id").get<std::string>();
      const std::string says = r.body.value("leader", std::string());
      const int64_t term = std::stoll(r.body.value("raftTerm", std::string("0")));
      if (self == says && term > best_term) {
        best_term = term;
        leader = nodes[i].name;
      }
    } catch (const std::exception&) {
      continue;  // an answer without the fields: this member cannot tell
    }
  }
  return leader;
}

}  // namespace faultline
