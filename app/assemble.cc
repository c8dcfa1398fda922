#include "app/assemble.h"

#include <signal.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

#include "checkers/registry.h"
#include "control/netns_cluster.h"
#include "control/process_cluster.h"
#include "control/remote_cluster.h"
#include "db/external/external_client.h"
#include "db/parts.h"
#include "nemesis/make_nemesis.h"
#include "nemesis/node_network.h"
#include "nemesis/parts.h"
#include "workloads/parts.h"

namespace faultline {

namespace {

// A run's cluster is named run<PID>-<random> (test_command.cc). One whose faultline process
// is gone (SIGKILL, a crash) was never taken down: remove it before building a new one.
void RemoveLeftoverClusters(RunLog& log) {
  for (const std::string& name : NetnsCluster::List()) {
    const size_t dash = name.find('-');
    if (name.compare(0, 3, "run") != 0 || dash == std::string::npos || dash == 3 ||
        name.find_first_not_of("0123456789", 3) != dash) {
      continue;
    }
    const long pid = std::stol(name.substr(3, dash - 3));
    if (::kill(static_cast<pid_t>(pid), 0) == 0 || errno != ESRCH) continue;
    Status s = NetnsCluster::Down(name);
    log.Info("removed the leftovers of cluster " + name + " (its faultline process " +
             std::to_string(pid) + " is gone)" + (s.ok() ? "" : ": " + s.message()));
  }
}


Result<std::unique_ptr<Cluster>> MakeCluster(const ClusterSpec& spec, const std::string& run_id,
                                             const std::string& run_dir, RunLog& log) {
  if (spec.kind == "processes") {
    auto c = ProcessCluster::Make(spec.nodes, run_dir);
    if (!c.ok()) return c.status();
    return std::unique_ptr<Cluster>(std::move(c).value());
  }
  if (spec.kind == "local") {
    FAULTLINE_RETURN_IF_ERROR(NetnsCluster::CheckEnvironment());
    RemoveLeftoverClusters(log);
    NetnsClusterOptions o;
    o.name = run_id;
    o.node_count = spec.nodes;
    log.Info("building local cluster " + o.name + " (" + std::to_string(o.node_count) + " nodes)");
    auto c = NetnsCluster::Up(o);
    if (!c.ok()) return c.status();
    return std::unique_ptr<Cluster>(std::move(c).value());
  }
  RemoteClusterOptions o;
  o.hosts = spec.hosts;
  o.user = spec.ssh_user;
  o.private_key_file = spec.ssh_key;
  o.port = spec.ssh_port;
  if (!spec.known_hosts.empty()) o.known_hosts_file = spec.known_hosts;
  o.run_id = run_id;
  log.Info("connecting to " + std::to_string(o.hosts.size()) + " hosts as " + o.user);
  auto c = RemoteCluster::Connect(o);
  if (!c.ok()) return c.status();
  if (!(*c)->leftovers().empty()) {
    // A run killed with partitions in force left its rules on the hosts too.
    Status healed = NodeNetwork(**c).Teardown();
    for (const std::string& l : (*c)->leftovers()) {
      log.Info("removed the leftovers of run " + l + " (its faultline process is gone)");
    }
    if (!healed.ok()) return healed;
  }
  return std::unique_ptr<Cluster>(std::move(c).value());
}

// What every --client-cmd process is told of the run, and where its stderr goes.
ExternalClientOptions ClientOptions(const TestSpec& spec, const std::string& run_dir, RunLog& log) {
  ExternalClientOptions o;
  o.command = spec.client_cmd;
  o.log_dir = run_dir + "/clients";
  o.env = {{"FAULTLINE_WORKLOAD", spec.workload.name},
           {"FAULTLINE_TEST", std::filesystem::absolute(run_dir + "/test.json").string()}};
  o.log = &log;
  return o;
}

// --client-cmd's preflight, before anything is built: the nodes have their names but no
// address yet (0.0.0.0:0), and FAULTLINE_PREFLIGHT=1 says so.
Status PreflightClientCommand(const TestSpec& spec, const std::string& run_dir, RunLog& log) {
  ExternalClientOptions o = ClientOptions(spec, run_dir, log);
  if (!spec.cluster.hosts.empty()) {
    for (const std::string& h : spec.cluster.hosts) o.nodes.push_back({h, "0.0.0.0", 0});
  } else {
    for (int i = 1; i <= spec.cluster.nodes; ++i) o.nodes.push_back({"n" + std::to_string(i), "0.0.0.0", 0});
  }
  o.env.emplace_back("FAULTLINE_PREFLIGHT", "1");
  o.spares_per_node = 0;  // none started before the program proved it starts
  std::error_code ec;
  std::filesystem::create_directories(o.log_dir, ec);
  if (ec) return Status::IoError("cannot create " + o.log_dir + ": " + ec.message());
  const Clock::time_point start = Clock::now();
  FAULTLINE_RETURN_IF_ERROR(
      PreflightExternalClient(ClientPool(std::move(o)), std::chrono::milliseconds(10000)));
  log.Step("client program preflight passed in " + SecondsSince(start));
  return Status::Ok();
}

// --client-cmd: the database's own automation (or, for --db external, the user's commands)
// with external clients instead of its own (db/external/).
Result<std::unique_ptr<Db>> WithExternalClients(const TestSpec& spec, const std::string& run_dir,
                                                std::unique_ptr<Db> inner, RunLog& log) {
  ExternalClientOptions o = ClientOptions(spec, run_dir, log);
  // A waiting process for each of a node's workers and as many again (up to 8): a fault that
  // makes every worker's op info at once (a killed leader) still leaves ready ones after it.
  const int nodes = std::max(spec.cluster.nodes, 1);
  const int per_node = (spec.concurrency + nodes - 1) / nodes;
  o.spares_per_node = per_node + std::min(per_node, 8);
  o.take_wait = std::chrono::milliseconds(static_cast<int64_t>(spec.op_timeout * 1000));
  return ExternalClientDb::Wrap(std::move(inner), std::move(o));
}

NemesisOptions FaultOptions(const TestSpec& spec) {
  const nlohmann::json& v = spec.nemesis.options;
  NemesisOptions o;
  o.faults = spec.nemesis.faults;
  o.interval_s = spec.nemesis.interval;
  o.seed = spec.seed;
  o.loss_probability = v.value("loss_probability", o.loss_probability);
  o.delay_ms = v.value("delay_ms", o.delay_ms);
  o.clock_skew_ms = v.value("clock_skew_ms", o.clock_skew_ms);
  return o;
}

}  // namespace

void RegisterAllParts(Registry& registry) {
  RegisterDbs(registry);
  RegisterWorkloads(registry);
  RegisterFaults(registry);
  for (const CheckerInfo& c : RegisteredCheckers()) registry.Add(CheckerListing{c.name, c.description});
}

Result<RunParts> AssembleRun(const TestSpec& spec, const Registry& registry,
                             const std::string& run_id, const std::string& run_dir,
                             std::optional<std::vector<RecordedStep>> replay) {
  const DbPart* db = registry.FindDb(spec.db.name);
  const WorkloadPart* workload = registry.FindWorkload(spec.workload.name);
  if (db == nullptr || workload == nullptr) {
    return Status::InvalidArgument("unknown database or workload (faultline list)");
  }
  RunParts parts;
  parts.workload = workload->make(spec);
  if (!spec.client_cmd.empty()) {
    parts.preflight = [&spec, run_dir](RunLog& log) {
      return PreflightClientCommand(spec, run_dir, log);
    };
  }
  parts.cluster = [&spec, run_id, run_dir](RunLog& log) {
    return MakeCluster(spec.cluster, run_id, run_dir, log);
  };
  parts.db = [&spec, db, run_id, run_dir](Cluster& cluster, const NodeTools* tools,
                                         RunLog& log) -> Result<std::unique_ptr<Db>> {
    auto made = db->make(DbContext{spec, spec.db.options, cluster, tools, run_id, run_dir, log});
    if (!made.ok() || spec.client_cmd.empty()) return made;
    return WithExternalClients(spec, run_dir, std::move(made).value(), log);
  };
  parts.nemesis = [&spec, replay = std::move(replay)](
                      Db& db, Cluster& cluster,
                      const NodeTools* tools) -> Result<std::unique_ptr<Nemesis>> {
    if (spec.nemesis.faults.empty()) return std::unique_ptr<Nemesis>();
    NemesisOptions options = FaultOptions(spec);
    options.replay = replay;
    return MakeNemesis(options, db, &cluster, tools);
  };
  return parts;
}

}  // namespace faultline
