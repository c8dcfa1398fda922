#include "db/postgres/postgres_db.h"

#include <algorithm>
#include <cstdlib>

#include "db/postgres/pg_conn.h"

namespace faultline {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kLog[] = "postgres/postgres.log";
const std::string kAsPostgres = "setpriv --reuid=postgres --regid=postgres --init-groups -- ";

Result<PgReply> Query(const std::string& host, uint16_t port, const std::string& sql,
                      milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  PgTarget t;
  t.host = host;
  t.port = port;
  t.application_name = "faultline-control";
  auto conn = PgConn::Connect(t, deadline);
  if (!conn.ok()) return conn.status();
  PgReply r = (*conn)->Exec(sql, {}, deadline);
  if (r.kind != PgReply::Kind::kOk) {
    return Status::IoError("postgres at " + host + ": " + sql.substr(0, 40) + ": " +
                           (r.sqlstate.empty() ? "" : r.sqlstate + " ") + r.message);
  }
  return r;
}

}  // namespace

std::string PgStandbyNames(const std::vector<std::string>& names, const std::string& sync_commit) {
  if (names.size() < 2 || sync_commit == "off" || sync_commit == "local") return "";
  std::string list;
  for (const auto& n : names) list += (list.empty() ? "" : ",") + n;
  return "ANY " + std::to_string(names.size() / 2) + " (" + list + ")";
}

PostgresDb::PostgresDb(PostgresDbOptions options, RunLog& log)
    : options_(std::move(options)), log_(log), cluster_(*options_.cluster) {
  std::vector<PgTopology::Node> nodes;
  for (const auto& n : cluster_.nodes()) nodes.push_back({n.name, n.host});
  topology_ = std::make_shared<PgTopology>(std::move(nodes), options_.port);
  deposed_.assign(cluster_.nodes().size(), false);
  down_.assign(cluster_.nodes().size(), false);
}

std::string PostgresDb::Dir(size_t i) const { return cluster_.node_dir(i) + "/postgres"; }

Status PostgresDb::AsPostgres(size_t i, const std::string& command, const std::string& what) {
  const std::string log = Dir(i) + "/postgres.log";
  auto r = cluster_.remote(i).Exec(
      "cd " + ShellQuote(Dir(i)) + " && { echo '== faultline: " + what + "'; " + kAsPostgres +
          command + "; } >>" +
          ShellQuote(log) + " 2>&1",
      seconds(60));
  if (!r.ok()) return Status::IoError(what + " on " + cluster_.nodes()[i].name + ": " +
                                      r.status().message());
  if (r->exit_status != 0) {
    return Status::IoError(what + " on " + cluster_.nodes()[i].name + " failed (exit " +
                           std::to_string(r->exit_status) + "); see " + log + " on " +
                           cluster_.nodes()[i].name);
  }
  return Status::Ok();
}

Status PostgresDb::Ready(size_t i) const {
  auto r = Query(cluster_.nodes()[i].host, options_.port, "SELECT 1", milliseconds(500));
  return r.ok() ? Status::Ok() : r.status();
}

Result<std::unique_ptr<PostgresDb>> PostgresDb::Start(const PostgresDbOptions& options,
                                                      RunLog& log) {
  if (options.cluster == nullptr || options.tools == nullptr) {
    return Status::InvalidArgument("--db postgres runs on --cluster local or hosts");
  }
  PostgresDbOptions o = options;
  if (const char* bin = std::getenv("FAULTLINE_POSTGRES_BINDIR"); bin && *bin) o.bin_dir = bin;
  std::unique_ptr<PostgresDb> db(new PostgresDb(std::move(o), log));
  log.Info("starting PostgreSQL from " + db->options_.bin_dir + " on " +
           db->cluster_.Describe() + ": " + db->Describe());
  // On error the destructor stops whatever did start.
  FAULTLINE_RETURN_IF_ERROR(db->SetUp());
  if (db->options_.failover) db->monitor_ = std::thread([d = db.get()] { d->Monitor(); });
  return db;
}

Status PostgresDb::SetUp() {
  const auto& nodes = cluster_.nodes();
  std::vector<std::string> names;
  for (const auto& n : nodes) names.push_back(n.name);
  const std::string standby_names = PgStandbyNames(names, options_.synchronous_commit);
  NodeServersOptions servers;
  servers.what = "postgres";
  servers.failure_logs_dir = options_.logs_dir;
  servers.log_files = {kLog};
  servers.startup_timeout = options_.startup_timeout;
  servers.stop_grace = milliseconds(3000);
  servers.ready = [this](size_t i) { return Ready(i); };
  for (size_t i = 0; i < nodes.size(); ++i) {
    const std::string dir = Dir(i);
    // A fresh directory owned by postgres (which refuses to run as root).
    auto wiped = ExecChecked(cluster_.remote(i),
                             "rm -rf " + ShellQuote(dir) + " && mkdir -p " +
                                 ShellQuote(dir + "/sock") + " && touch " +
                                 ShellQuote(dir + "/postgres.log") + " && chown -R postgres: " +
                                 ShellQuote(dir),
                             seconds(10));
    if (!wiped.ok()) return wiped.status();
    NodeDaemonSpec spec;
    spec.name = "postgres on " + nodes[i].name;
    spec.argv = {"setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", "--",
                 options_.bin_dir + "/postgres", "-D", dir + "/data",
                 "-c", "listen_addresses=" + nodes[i].host,
                 "-c", "port=" + std::to_string(options_.port),
                 "-c", "unix_socket_directories=" + dir + "/sock",
                 "-c", "wal_level=replica",
                 "-c", "wal_log_hints=on",
                 "-c", "wal_keep_size=256MB",
                 "-c", "max_wal_senders=20",
                 "-c", "hot_standby=on",
                 "-c", "wal_retrieve_retry_interval=500ms",
                 "-c", "synchronous_commit=" + options_.synchronous_commit,
                 "-c", "synchronous_standby_names=" + standby_names,
                 "-c", "shared_buffers=16MB",
                 "-c", "max_connections=200",
                 "-c", "deadlock_timeout=100ms",
                 "-c", "logging_collector=off",
                 "-c", "log_line_prefix=%m [%p] %a "};
    spec.env = {{"LD_PRELOAD", options_.tools->path(i, NodeTool::kClockLib)},
                {"FAULTLINE_CLOCK_FILE", NodeTools::ClockFile(cluster_, i)}};
    spec.dir = dir;
    spec.log_path = dir + "/postgres.log";
    servers.servers.push_back(std::move(spec));
  }
  servers_ = std::make_unique<NodeServers>(cluster_, std::move(servers));

  // The primary: a new database cluster, trusting the nodes and the control host.
  const std::string data = Dir(0) + "/data";
  FAULTLINE_RETURN_IF_ERROR(AsPostgres(0,
                                       ShellQuote(options_.bin_dir + "/initdb") + " -D " +
                                           ShellQuote(data) +
                                           " -U postgres --auth=trust -E UTF8 --no-sync",
                                       "initdb"));
  std::string hba;
  std::vector<std::string> addresses = {cluster_.control_address()};
  for (const auto& n : nodes) addresses.push_back(n.host);
  for (const auto& a : addresses) {
    hba += "host all all " + a + "/32 trust\nhost replication all " + a + "/32 trust\n";
  }
  // wal_log_hints in the file, not only on the command line: pg_rewind's crash recovery of a
  // killed primary runs postgres without our flags and must keep it on.
  auto wrote = ExecChecked(cluster_.remote(0),
                           "printf %s " + ShellQuote(hba) + " >>" + ShellQuote(data + "/pg_hba.conf") +
                               " && echo 'wal_log_hints = on' >>" +
                               ShellQuote(data + "/postgresql.conf"),
                           seconds(10));
  if (!wrote.ok()) return wrote.status();
  FAULTLINE_RETURN_IF_ERROR(servers_->Restart(nodes[0].name));
  // The replicas: a base backup of the primary each, then streaming from it.
  for (size_t i = 1; i < nodes.size(); ++i) {
    FAULTLINE_RETURN_IF_ERROR(AsPostgres(
        i,
        ShellQuote(options_.bin_dir + "/pg_basebackup") + " -h " + nodes[0].host + " -p " +
            std::to_string(options_.port) + " -U postgres -D " + ShellQuote(Dir(i) + "/data") +
            " -X stream -R --no-sync",
        "pg_basebackup from " + nodes[0].name));
    FAULTLINE_RETURN_IF_ERROR(BecomeReplica(i));
  }
  FAULTLINE_RETURN_IF_ERROR(WaitStreaming());
  for (const char* sql : {"CREATE TABLE registers (id text PRIMARY KEY, val bigint)",
                          "CREATE TABLE counters (id text PRIMARY KEY, val bigint NOT NULL)",
                          "CREATE TABLE accounts (id int PRIMARY KEY, balance bigint NOT NULL)"}) {
    auto r = Query(nodes[0].host, options_.port, sql, seconds(10));
    if (!r.ok()) return Status::IoError("creating the tables on " + nodes[0].name + ": " +
                                        r.status().message() + servers_->SeeLogs(0));
  }
  return Status::Ok();
}

Status PostgresDb::WaitStreaming() {
  const size_t want = cluster_.nodes().size() - 1;
  if (want == 0) return Status::Ok();
  const auto end = Clock::now() + options_.startup_timeout;
  std::string last;
  for (;;) {
    auto r = Query(cluster_.nodes()[0].host, options_.port,
                   "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'",
                   seconds(2));
    if (r.ok() && !r->rows.empty() && r->rows[0][0] &&
        std::stoul(*r->rows[0][0]) >= want) {
      return Status::Ok();
    }
    last = r.ok() ? (r->rows.empty() || !r->rows[0][0] ? "?" : *r->rows[0][0]) + " of " +
                        std::to_string(want) + " replicas streaming"
                  : r.status().message();
    if (Clock::now() > end) {
      return Status::IoError("the replicas did not all stream from " + cluster_.nodes()[0].name +
                             " (" + last + ")" + servers_->SeeLogs(0));
    }
    std::this_thread::sleep_for(milliseconds(100));
  }
}

Status PostgresDb::BecomeReplica(size_t i) {
  const auto& nodes = cluster_.nodes();
  const size_t p = topology_->primary();
  const std::string data = Dir(i) + "/data";
  const std::string conninfo = "host=" + nodes[p].host + " port=" +
                               std::to_string(options_.port) +
                               " user=postgres application_name=" + nodes[i].name;
  if (deposed_[i]) {
    // A former primary may hold commits the new one never got: rewind it to the new
    // primary's history first (wal_log_hints=on makes that possible), or, when its own WAL
    // no longer reaches back to where they diverged, copy the new primary afresh.
    Status rewound = AsPostgres(i,
                                ShellQuote(options_.bin_dir + "/pg_rewind") + " -D " +
                                    ShellQuote(data) + " --source-server=" +
                                    ShellQuote(conninfo + " dbname=postgres"),
                                "pg_rewind to " + nodes[p].name);
    if (!rewound.ok()) {
      FAULTLINE_RETURN_IF_ERROR(AsPostgres(
          i,
          "sh -c " + ShellQuote("rm -rf " + ShellQuote(data) + " && " +
                                ShellQuote(options_.bin_dir + "/pg_basebackup") + " -h " +
                                nodes[p].host + " -p " + std::to_string(options_.port) +
                                " -U postgres -D " + ShellQuote(data) + " -X stream -R --no-sync"),
          "pg_basebackup from " + nodes[p].name + " (pg_rewind failed)"));
    }
    deposed_[i] = false;
  }
  // The last primary_conninfo in postgresql.auto.conf wins.
  FAULTLINE_RETURN_IF_ERROR(AsPostgres(
      i,
      "sh -c " + ShellQuote("touch " + ShellQuote(data + "/standby.signal") + " && echo " +
                            ShellQuote("primary_conninfo = '" + conninfo + "'") + " >>" +
                            ShellQuote(data + "/postgresql.auto.conf")),
      "follow " + nodes[p].name));
  return servers_->Restart(nodes[i].name);
}

Status PostgresDb::SignalGroup(size_t i, const char* signal) {
  // The postmaster and its children, by PID (each child is its own session: no group kill).
  const std::string pidfile = ShellQuote(Dir(i) + "/data/postmaster.pid");
  auto r = cluster_.remote(i).Exec(
      "p=$(head -1 " + pidfile + " 2>/dev/null); [ -n \"$p\" ] && kill -" + signal +
          " $p $(pgrep -P $p) 2>/dev/null; true",
      seconds(10));
  return r.ok() ? Status::Ok() : r.status();
}

Status PostgresDb::KillLocked(size_t i) {
  // The whole server at once, like a crash: frozen first (SIGSTOP), then SIGKILL, the
  // postmaster and its children together (by PID; each child is its own session). Killing the
  // postmaster alone would let backends waiting for synchronous replication see it die, stop
  // waiting and make their commits visible before any standby has them, and orphaned backends
  // would keep the next postmaster from starting.
  const std::string pidfile = ShellQuote(Dir(i) + "/data/postmaster.pid");
  auto r = cluster_.remote(i).Exec(
      "p=$(head -1 " + pidfile + " 2>/dev/null); [ -n \"$p\" ] || exit 0; "
      "all=\"$p $(pgrep -P $p | tr '\\n' ' ')\"; kill -STOP $all 2>/dev/null; "
      "kill -KILL $all 2>/dev/null; for t in $(seq 100); do alive=; for c in $all; do "
      "s=$(awk '{print $3}' /proc/$c/stat 2>/dev/null); [ -n \"$s\" ] && [ \"$s\" != Z ] && "
      "alive=1; done; [ -z \"$alive\" ] && exit 0; sleep 0.05; done; exit 1",
      seconds(15));
  if (r.ok() && r->exit_status != 0) {
    return Status::IoError("postgres processes of " + cluster_.nodes()[i].name +
                           " survived SIGKILL");
  }
  return servers_->Kill(cluster_.nodes()[i].name);  // already dead: forgets its PID
}

PostgresDb::~PostgresDb() {
  {
    std::lock_guard<std::mutex> lock(stop_mu_);
    stop_ = true;
  }
  stop_cv_.notify_all();
  if (monitor_.joinable()) monitor_.join();
  if (!servers_) return;
  // Fast shutdown (SIGINT) of every node at once, then SIGKILL for what remains.
  for (size_t i = 0; i < cluster_.nodes().size(); ++i) {
    (void)SignalGroup(i, "CONT");
    const std::string pidfile = ShellQuote(Dir(i) + "/data/postmaster.pid");
    (void)cluster_.remote(i).Exec(
        "p=$(head -1 " + pidfile + " 2>/dev/null); [ -n \"$p\" ] && kill -INT $p 2>/dev/null; true",
        seconds(10));
  }
  for (size_t i = 0; i < cluster_.nodes().size(); ++i) {
    const std::string pidfile = ShellQuote(Dir(i) + "/data/postmaster.pid");
    (void)cluster_.remote(i).Exec(
        "p=$(head -1 " + pidfile + " 2>/dev/null); [ -n \"$p\" ] || exit 0; "
        "k=$(pgrep -P $p); for t in $(seq 60); do [ -e /proc/$p ] || exit 0; sleep 0.05; done; "
        "kill -KILL $p $k 2>/dev/null; true",
        seconds(10));
  }
  servers_.reset();
}

std::string PostgresDb::Describe() const {
  std::string d = "postgres (" + std::to_string(cluster_.nodes().size()) +
                  " nodes, synchronous_commit " + options_.synchronous_commit + ", " +
                  options_.client.isolation;
  if (options_.client.bank_read_split) d += ", split bank reads";
  if (options_.client.read_from_replicas) d += ", reads from replicas";
  if (options_.failover) d += ", failover";
  return d + ")";
}

std::vector<std::string> PostgresDb::Nodes() const {
  std::vector<std::string> out;
  for (const auto& n : cluster_.nodes()) out.push_back(n.name);
  return out;
}

Result<std::unique_ptr<Client>> PostgresDb::OpenClient(const std::string& node) {
  if (topology_->Find(node) == topology_->nodes().size()) {
    return Status::InvalidArgument("no node " + node);
  }
  return NewPostgresClient(options_.client, topology_, node, clients_opened_++);
}

Result<std::vector<NodeAddress>> PostgresDb::ClientEndpoints() const {
  std::vector<NodeAddress> out;
  for (const auto& n : cluster_.nodes()) out.push_back({n.name, n.host, options_.port});
  return out;
}

std::optional<std::string> PostgresDb::Primary() {
  return topology_->nodes()[topology_->primary()].name;
}

Status PostgresDb::Kill(const std::string& node) {
  auto i = servers_->Find(node);
  if (!i.ok()) return i.status();
  std::lock_guard<std::mutex> lock(mu_);
  down_[*i] = true;
  return KillLocked(*i);
}

Status PostgresDb::Restart(const std::string& node) {
  auto i = servers_->Find(node);
  if (!i.ok()) return i.status();
  std::lock_guard<std::mutex> lock(mu_);
  (void)KillLocked(*i);  // whatever runs of it: a live or paused server, stray backends
  Status s = *i == topology_->primary() ? servers_->Restart(node) : BecomeReplica(*i);
  if (s.ok()) down_[*i] = false;
  return s;
}

Status PostgresDb::Pause(const std::string& node) {
  auto i = servers_->Find(node);
  if (!i.ok()) return i.status();
  std::lock_guard<std::mutex> lock(mu_);
  FAULTLINE_RETURN_IF_ERROR(servers_->Pause(node));
  down_[*i] = true;
  return SignalGroup(*i, "STOP");
}

Status PostgresDb::Resume(const std::string& node) {
  auto i = servers_->Find(node);
  if (!i.ok()) return i.status();
  std::lock_guard<std::mutex> lock(mu_);
  if (deposed_[*i]) {
    // Replaced while paused: it still believes it is the primary, and if it ran again it
    // would commit what waited in its sockets (a standby not yet repointed could even
    // acknowledge it). It never runs again as a primary: killed while still stopped, then
    // rewound into a replica.
    log_.Info("postgres: " + node + " replaced by failover while paused; killing it and "
              "rewinding it into a replica");
    FAULTLINE_RETURN_IF_ERROR(KillLocked(*i));
    Status s = BecomeReplica(*i);
    if (s.ok()) down_[*i] = false;
    return s;
  }
  FAULTLINE_RETURN_IF_ERROR(SignalGroup(*i, "CONT"));
  FAULTLINE_RETURN_IF_ERROR(servers_->Resume(node));
  down_[*i] = false;
  return Status::Ok();
}

void PostgresDb::Monitor() {
  int misses = 0;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(stop_mu_);
      if (stop_cv_.wait_for(lock, milliseconds(300), [this] { return stop_; })) return;
    }
    const size_t p = topology_->primary();
    auto r = Query(cluster_.nodes()[p].host, options_.port, "SELECT 1", milliseconds(500));
    misses = r.ok() ? 0 : misses + 1;
    if (misses >= 4) {
      Failover(p);
      misses = 0;
    }
  }
}

void PostgresDb::Failover(size_t old) {
  std::lock_guard<std::mutex> lock(mu_);
  if (topology_->primary() != old) return;
  const auto& all = cluster_.nodes();
  // A fault may have restarted or resumed it while we waited for the lock: then it serves
  // again, and promoting another node now would make two primaries.
  if (Query(all[old].host, options_.port, "SELECT 1", milliseconds(500)).ok()) return;
  // The most advanced replica that answers — by WAL received and flushed, which is what a
  // synchronous standby acknowledges (promotion replays all of it): with ANY k standbys of a
  // majority, it holds every acknowledged commit.
  const auto& nodes = cluster_.nodes();
  size_t best = nodes.size();
  double best_lsn = -1;
  size_t answered = 0;
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (i == old || down_[i]) continue;
    auto r = Query(nodes[i].host, options_.port,
                   "SELECT GREATEST(COALESCE(pg_last_wal_receive_lsn(), '0/0'), "
                   "COALESCE(pg_last_wal_replay_lsn(), '0/0')) - '0/0'::pg_lsn",
                   milliseconds(1000));
    if (!r.ok() || r->rows.empty() || !r->rows[0][0]) continue;
    ++answered;
    const double lsn = std::stod(*r->rows[0][0]);
    if (lsn > best_lsn) {
      best_lsn = lsn;
      best = i;
    }
  }
  // An acknowledged commit is on k of the R replicas: only when R-k+1 of them answered is
  // one of them sure to have it. Fewer: no failover this time (asked again next round).
  const size_t replicas = nodes.size() - 1;
  const size_t k = nodes.size() / 2;  // ANY k, as PgStandbyNames
  const size_t needed =
      options_.synchronous_commit == "off" ? 1 : replicas - std::min(k, replicas) + 1;
  if (best == nodes.size() || answered < needed) {
    log_.Info("postgres: " + nodes[old].name + " is unreachable but only " +
              std::to_string(answered) + " of " + std::to_string(replicas) +
              " replicas answer (" + std::to_string(needed) +
              " needed to be sure of every acknowledged commit); no failover yet");
    return;
  }
  auto promoted = Query(nodes[best].host, options_.port, "SELECT pg_promote(true, 10)",
                        seconds(12));
  if (!promoted.ok()) {
    log_.Info("postgres: promoting " + nodes[best].name + " failed: " + promoted.status().message());
    return;
  }
  topology_->set_primary(best);
  deposed_[old] = true;
  log_.Info("postgres: failover: " + nodes[old].name + " unreachable; promoted " +
            nodes[best].name + " (most advanced replica, LSN " +
            std::to_string(static_cast<uint64_t>(best_lsn)) + ")");
  // The other replicas follow the new primary (primary_conninfo reloads without restart).
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (i == old || i == best || down_[i]) continue;
    const std::string conninfo = "host=" + nodes[best].host + " port=" +
                                 std::to_string(options_.port) +
                                 " user=postgres application_name=" + nodes[i].name;
    auto a = Query(nodes[i].host, options_.port,
                   "ALTER SYSTEM SET primary_conninfo = '" + conninfo + "'", seconds(2));
    auto b = a.ok() ? Query(nodes[i].host, options_.port, "SELECT pg_reload_conf()", seconds(2))
                    : a;
    if (!b.ok()) log_.Info("postgres: repointing " + nodes[i].name + ": " + b.status().message());
  }
}

}  // namespace faultline
