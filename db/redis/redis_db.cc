#include "db/redis/redis_db.h"

#include <cstdlib>
#include <thread>

#include "db/redis/redis_conn.h"

namespace faultline {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

Result<RedisReply> Ask(const std::string& host, int port, const std::vector<std::string>& argv,
                       milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  auto c = RedisConn::Connect(host, port, deadline);
  if (!c.ok()) return c.status();
  RedisReply r = (*c)->Command(argv, deadline);
  if (r.kind != RedisReply::Kind::kOk) {
    return Status::IoError(host + ":" + std::to_string(port) + " " + argv[0] + ": " + r.str);
  }
  return r;
}

}  // namespace

Result<std::unique_ptr<RedisDb>> RedisDb::Start(const RedisDbOptions& options, RunLog& log) {
  if (options.cluster == nullptr || options.tools == nullptr) {
    return Status::InvalidArgument("--db redis runs on --cluster local or hosts");
  }
  RedisDbOptions o = options;
  if (const char* b = std::getenv("FAULTLINE_REDIS_SERVER"); b && *b) o.server_bin = b;
  if (const char* b = std::getenv("FAULTLINE_REDIS_SENTINEL"); b && *b) o.sentinel_bin = b;
  std::unique_ptr<RedisDb> db(new RedisDb(std::move(o), *options.cluster));
  log.Info("starting Redis (" + db->options_.server_bin + ") and Sentinel on " +
           db->cluster_.Describe() + ": " + db->Describe());
  FAULTLINE_RETURN_IF_ERROR(db->SetUp(log));  // on error the destructor stops what started
  return db;
}

Status RedisDb::SetUp(RunLog& log) {
  const auto& nodes = cluster_.nodes();
  topology_ = std::make_shared<RedisTopology>();
  for (const auto& n : nodes) topology_->nodes.push_back({n.name, n.host});
  const RedisTopology& t = *topology_;
  NodeServersOptions servers, sentinels;
  servers.what = "redis-server";
  servers.failure_logs_dir = options_.logs_dir;
  servers.log_files = {"redis/redis.log", "redis/redis.conf"};
  servers.startup_timeout = options_.startup_timeout;
  servers.ready = [this](size_t i) {
    auto r = Ask(cluster_.nodes()[i].host, topology_->port, {"PING"}, milliseconds(300));
    return r.ok() ? Status::Ok() : r.status();
  };
  sentinels.what = "redis-sentinel";
  sentinels.failure_logs_dir = options_.logs_dir;
  sentinels.log_files = {"redis/sentinel.log", "redis/sentinel.conf"};
  sentinels.startup_timeout = options_.startup_timeout;
  sentinels.ready = [this](size_t i) {
    auto r = Ask(cluster_.nodes()[i].host, topology_->sentinel_port, {"PING"}, milliseconds(300));
    return r.ok() ? Status::Ok() : r.status();
  };
  const int quorum = static_cast<int>(nodes.size()) / 2 + 1;
  for (size_t i = 0; i < nodes.size(); ++i) {
    const std::string dir = Dir(i);
    // Sentinel rewrites its configuration file: it must be writable, one per node.
    const std::string conf =
        "port " + std::to_string(t.sentinel_port) + "\nbind " + nodes[i].host +
        "\nprotected-mode no\ndir " + dir + "\nsentinel monitor " + t.master_name + " " +
        nodes[0].host + " " + std::to_string(t.port) + " " + std::to_string(quorum) +
        "\nsentinel down-after-milliseconds " + t.master_name + " " +
        std::to_string(options_.down_after_ms) + "\nsentinel failover-timeout " + t.master_name +
        " " + std::to_string(options_.failover_timeout_ms) + "\nsentinel parallel-syncs " +
        t.master_name + " 1\n";
    // The server's settings live in a file too: Sentinel makes every node it reconfigures
    // (promoted, or pointed at a new primary) rewrite it (CONFIG REWRITE), so a node restarted
    // after a kill comes back in the role Sentinel last gave it, as in a real deployment —
    // not in its original one (a promoted replica would come back following the old primary).
    std::string server_conf = "port " + std::to_string(t.port) + "\nbind " + nodes[i].host +
                              "\nprotected-mode no\ndir " + dir +
                              "\ndaemonize no\nsave \"\"\nappendonly no\n"
                              "repl-diskless-sync yes\nrepl-diskless-sync-delay 0\nlogfile \"\"\n";
    if (options_.min_replicas > 0) {
      server_conf += "min-replicas-to-write " + std::to_string(options_.min_replicas) +
                     "\nmin-replicas-max-lag 10\n";
    }
    if (i > 0) server_conf += "replicaof " + nodes[0].host + " " + std::to_string(t.port) + "\n";
    auto wiped = ExecChecked(cluster_.remote(i),
                             "rm -rf " + ShellQuote(dir) + " && mkdir -p " + ShellQuote(dir) +
                                 " && printf %s " + ShellQuote(conf) + " >" +
                                 ShellQuote(dir + "/sentinel.conf") + " && printf %s " +
                                 ShellQuote(server_conf) + " >" + ShellQuote(dir + "/redis.conf"),
                             seconds(10));
    if (!wiped.ok()) return wiped.status();
    const std::vector<std::pair<std::string, std::string>> env = {
        {"LD_PRELOAD", options_.tools->path(i, NodeTool::kClockLib)},
        {"FAULTLINE_CLOCK_FILE", NodeTools::ClockFile(cluster_, i)}};
    NodeDaemonSpec server;
    server.name = "redis-server on " + nodes[i].name;
    server.argv = {options_.server_bin, dir + "/redis.conf"};
    server.env = env;
    server.dir = dir;
    server.log_path = dir + "/redis.log";
    servers.servers.push_back(std::move(server));
    NodeDaemonSpec sentinel;
    sentinel.name = "redis-sentinel on " + nodes[i].name;
    sentinel.argv = {options_.sentinel_bin, dir + "/sentinel.conf"};
    sentinel.env = env;
    sentinel.dir = dir;
    sentinel.log_path = dir + "/sentinel.log";
    sentinels.servers.push_back(std::move(sentinel));
  }
  servers_ = std::make_unique<NodeServers>(cluster_, std::move(servers));
  FAULTLINE_RETURN_IF_ERROR(servers_->StartAll());
  // Every replica in sync before the Sentinels start and the clients write.
  const auto end = Clock::now() + options_.startup_timeout;
  for (;;) {
    auto r = Ask(nodes[0].host, t.port, {"INFO", "replication"}, seconds(1));
    std::string info = r.ok() ? r->str : r.status().message();
    const std::string want = "connected_slaves:" + std::to_string(nodes.size() - 1);
    if (r.ok() && info.find(want) != std::string::npos) break;
    if (Clock::now() > end) {
      return Status::IoError("the replicas did not all connect to " + nodes[0].name + " (" +
                             want + " expected)" + servers_->SeeLogs(0));
    }
    std::this_thread::sleep_for(milliseconds(50));
  }
  sentinels_ = std::make_unique<NodeServers>(cluster_, std::move(sentinels));
  FAULTLINE_RETURN_IF_ERROR(sentinels_->StartAll());
  log.Info("redis: primary " + nodes[0].name + ", " + std::to_string(nodes.size() - 1) +
           " replicas, Sentinel quorum " + std::to_string(quorum));
  return Status::Ok();
}

std::string RedisDb::Describe() const {
  std::string d = "redis (" + std::to_string(cluster_.nodes().size()) +
                  " nodes, async replicas, Sentinel failover";
  if (options_.client.wait_replicas > 0) d += ", WAIT " + std::to_string(options_.client.wait_replicas);
  return d + ")";
}

std::vector<std::string> RedisDb::Nodes() const {
  std::vector<std::string> out;
  for (const auto& n : cluster_.nodes()) out.push_back(n.name);
  return out;
}

Result<std::unique_ptr<Client>> RedisDb::OpenClient(const std::string& node) {
  for (const auto& n : cluster_.nodes()) {
    if (n.name == node) return NewRedisClient(options_.client, topology_, node);
  }
  return Status::InvalidArgument("no node " + node);
}

std::optional<std::string> RedisDb::Primary() {
  const std::string host = AskSentinelsNewest(*topology_, Clock::now() + milliseconds(600));
  for (const auto& n : cluster_.nodes()) {
    if (!host.empty() && n.host == host) return n.name;
  }
  return cluster_.nodes()[0].name;  // before Sentinel answers: the one it was started as
}

Status RedisDb::CollectLogs(const std::string& dir) {
  Status a = servers_->CollectLogs(dir);
  Status b = sentinels_ ? sentinels_->CollectLogs(dir) : Status::Ok();
  return a.ok() ? b : a;
}

Result<std::vector<NodeAddress>> RedisDb::ClientEndpoints() const {
  std::vector<NodeAddress> out;
  for (const auto& n : cluster_.nodes()) {
    out.push_back({n.name, n.host, static_cast<uint16_t>(topology_->port)});
  }
  return out;
}

}  // namespace faultline
