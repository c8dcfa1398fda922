// `faultline test`: run a workload against a database, record, check, and store the run.
#include <boost/program_options.hpp>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>
#include <random>
#include <sstream>

#include "app/assemble.h"
#include "app/commands.h"
#include "control/netns_cluster.h"
#include "db/external/client_process.h"
#include "db/external/external_db.h"
#include "harness/interrupt.h"
#include "harness/results_store.h"
#include "harness/runner.h"
#include "nemesis/make_nemesis.h"
#include "report/report.h"

namespace faultline {
namespace {

namespace po = boost::program_options;

std::vector<std::string> SplitCommas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string part; std::getline(in, part, ',');) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

// run<PID>-<random>: the PID lets the next run see that this one's process is gone (and
// remove what it left); the suffix keeps a reused PID from taking over a left cluster's name.
std::string RunClusterName() {
  char suffix[8];
  std::snprintf(suffix, sizeof suffix, "%05x", static_cast<unsigned>(std::random_device()() & 0xfffff));
  return "run" + std::to_string(::getpid()) + "-" + suffix;
}

std::string FaultHelp() {
  std::string h = "faults, comma-separated:";
  for (const auto& f : kFaultNames) h += std::string("\n  ") + f.word + ": " + f.help;
  return h;
}

// Parses the flags into spec; *help is set when --help was given.
Status ParseTestFlags(const std::vector<std::string>& args, TestSpec* spec, bool* help) {
  std::string nemesis;
  std::string nodes = std::to_string(spec->nodes);
  std::string db_commands;
  uint64_t seed = 0;
  po::options_description desc("faultline test [options]");
  desc.add_options()("help,h", "show this help")(
      "name", po::value(&spec->name)->default_value(spec->name),
      "test name: results/<name>/<time>/ (default: the workload's name)")(
      "db", po::value(&spec->db)->default_value(spec->db), "database: builtin, etcd, postgres, redis, or external (your own commands: --db-setup, --db-teardown or "
      "--db-commands, with --client-cmd)")(
      "workload", po::value(&spec->workload)->default_value(spec->workload),
      "workload: register, bank or counter")(
      "cluster", po::value(&spec->cluster)->default_value(spec->cluster),
      "local: a fresh cluster of network namespaces with sshd (root); processes: nodes are "
      "local processes on loopback (no network or clock faults)")(
      "nodes", po::value(&nodes)->default_value(nodes),
      "number of nodes, or HOST,HOST,… to run on those hosts over SSH")(
      "ssh-user", po::value(&spec->ssh_user)->default_value(spec->ssh_user), "hosts: SSH login")(
      "ssh-key", po::value(&spec->ssh_key), "hosts: private key file (ed25519 or ECDSA)")(
      "ssh-port", po::value(&spec->ssh_port)->default_value(spec->ssh_port), "hosts: SSH port")(
      "known-hosts", po::value(&spec->known_hosts),
      "hosts: known_hosts file to verify host keys against (default ~/.ssh/known_hosts)")(
      "keep-cluster", po::bool_switch(&spec->keep_cluster),
      "local: leave the cluster up after the run (faultline cluster down removes it)")(
      "concurrency", po::value(&spec->concurrency)->default_value(spec->concurrency),
      "client workers, bound to nodes round-robin")(
      "time-limit", po::value(&spec->time_limit)->default_value(spec->time_limit),
      "seconds of the main phase")(
      "rate", po::value(&spec->rate)->default_value(spec->rate), "ops/s over all workers (0: unlimited)")(
      "seed", po::value(&seed), "random seed (default: chosen and recorded in test.json)")(
      "op-timeout", po::value(&spec->op_timeout)->default_value(spec->op_timeout),
      "seconds before an op is recorded as info")(
      "ops-per-key", po::value(&spec->ops_per_key)->default_value(spec->ops_per_key),
      "independent keys: ops on a key before moving to a fresh one")(
      "nemesis", po::value(&nemesis), FaultHelp().c_str())(
      "nemesis-interval", po::value(&spec->nemesis_interval)->default_value(spec->nemesis_interval),
      "seconds between faults")(
      "loss-probability", po::value(&spec->loss_probability)->default_value(spec->loss_probability),
      "loss fault: share of packets dropped")(
      "delay-ms", po::value(&spec->delay_ms)->default_value(spec->delay_ms),
      "delay fault: ms each packet is held")(
      "clock-skew-ms", po::value(&spec->clock_skew_ms)->default_value(spec->clock_skew_ms),
      "clock fault: largest clock offset in ms")(
      "recovery", po::value(&spec->recovery)->default_value(spec->recovery),
      "seconds after healing before the final reads")(
      "results", po::value(&spec->results_root)->default_value(spec->results_root),
      "results root folder")(
      "replication", po::value(&spec->replication)->default_value(spec->replication),
      "builtin store: primary, async, quorum, or crdt (counter only)")(
      "read-from", po::value(&spec->read_from)->default_value(spec->read_from),
      "builtin primary/async: primary, or any (replicas answer reads from their own state and "
      "clients send each read to a random node: breaks causality on purpose); postgres: "
      "primary or replicas (reads on a replica: the worker's own node, or a random replica)")(
      "synchronous-commit", po::value(&spec->synchronous_commit)->default_value(spec->synchronous_commit),
      "postgres: on (a majority holds each commit: ANY n/2 standbys), remote_apply (and has "
      "applied it), or off (asynchronous, not even flushed locally)")(
      "isolation", po::value(&spec->isolation)->default_value(spec->isolation),
      "postgres: read-committed, repeatable-read or serializable")(
      "bank-read", po::value(&spec->bank_read)->default_value(spec->bank_read),
      "postgres bank: together (one SELECT of every balance) or split (one SELECT per account, "
      "in one transaction: read skew under read-committed)")(
      "redis-wait", po::value(&spec->redis_wait)->default_value(spec->redis_wait),
      "redis: after each write, WAIT for this many replicas to acknowledge it (fewer by the "
      "deadline: info)")(
      "failover", po::bool_switch(&spec->failover),
      "postgres: promote the most advanced replica when the primary stops answering")(
      "accounts", po::value(&spec->accounts)->default_value(spec->accounts), "bank: accounts")(
      "total", po::value(&spec->total)->default_value(spec->total),
      "bank: the sum of all balances, split evenly at set-up")(
      "allow-negative", po::bool_switch(&spec->allow_negative),
      "bank: transfers may overdraw an account")(
      "consistency", po::value(&spec->consistency)->default_value(spec->consistency),
      "counter: what the checker demands, linearizable or eventual")(
      "r", po::value(&spec->r)->default_value(spec->r), "builtin quorum: read quorum (0: majority)")(
      "w", po::value(&spec->w)->default_value(spec->w), "builtin quorum: write quorum (0: majority)")(
      "read-consistency", po::value(&spec->read_consistency)->default_value(spec->read_consistency),
      "etcd: linearizable reads (through the leader) or serializable (any member's own state)")(
      "etcd-pre-vote", po::bool_switch(&spec->etcd_pre_vote),
      "etcd: --pre-vote (an isolated member does not disturb the leader when it returns)")(
      "db-arg", po::value(&spec->db_args)->composing(),
      "an extra argument for every database server, repeatable (e.g. --db-arg=--snapshot-count=100)")(
      "client-cmd", po::value(&spec->client_cmd),
      "run this program (via /bin/sh -c, on this host) as each client, speaking JSON Lines on "
      "its stdin/stdout (docs/external-client.md)")(
      "db-setup", po::value(&spec->external.setup),
      "--db external: shell command run on every node over SSH to install and start the "
      "database; {node} {address} {port} {dir} {nodes} are substituted, shell-quoted")(
      "db-teardown", po::value(&spec->external.teardown),
      "--db external: shell command run on every node to stop and wipe it")(
      "db-commands", po::value(&db_commands),
      "--db external: a JSON file with setup, teardown and optional start, kill, pause, resume, "
      "logs, port, timeout")(
      "db-port", po::value(&spec->external.port),
      "--db external: the port clients reach the database at on each node ({port})");
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(desc).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << desc << "\nExit: 0 valid, 1 invalid, 2 unknown, 3 bad usage, 4 setup failed.\n";
      *help = true;
      return Status::Ok();
    }
    spec->seed = vm.count("seed") ? seed : std::random_device()();
    if (vm["name"].defaulted()) spec->name = spec->workload;
  } catch (const po::error& e) {
    return Status::InvalidArgument(std::string("faultline test: ") + e.what());
  }
  spec->nemesis = SplitCommas(nemesis);
  if (!db_commands.empty()) FAULTLINE_RETURN_IF_ERROR(LoadDbCommandsFile(db_commands, &spec->external));
  if (!nodes.empty() && nodes.find_first_not_of("0123456789") == std::string::npos) {
    spec->nodes = std::stoi(nodes.substr(0, 6));
  } else {
    spec->hosts = SplitCommas(nodes);
    spec->nodes = static_cast<int>(spec->hosts.size());
    if (spec->cluster == "local") spec->cluster = "hosts";
  }
  return ValidateSpec(*spec);
}

}  // namespace

int RunTest(const std::vector<std::string>& args) {
  TestSpec spec;
  bool help = false;
  if (Status s = ParseTestFlags(args, &spec, &help); !s.ok()) {
    std::cerr << s.message() << "\n(see faultline test --help)\n";
    return kExitBadInput;
  }
  if (help) return kExitValid;
  InstallInterruptHandler();
  auto run_dir = CreateRunDir(spec.results_root, spec.name);
  if (!run_dir.ok()) {
    std::cerr << run_dir.status().message() << "\n";
    return kExitSetupFailed;
  }
  RunLog log;
  (void)log.Open(*run_dir + "/faultline.log");
  (void)WriteJsonFile(*run_dir + "/test.json", spec.ToJson());
  (void)PointLatest(spec.results_root, *run_dir);
  std::cout << "faultline test " << spec.name << " (seed " << spec.seed << ") → " << *run_dir << "\n";
  auto workload = MakeWorkload(spec);
  if (!workload.ok()) {
    std::cerr << workload.status().message() << "\n";
    return kExitBadInput;
  }
  // Torn down in reverse order on every path out: faults healed and their rules removed,
  // the database stopped, then the cluster (unless kept).
  const std::string run_id = RunClusterName();
  auto cluster = MakeCluster(spec, run_id, log);
  if (!cluster.ok()) {
    std::cerr << "setup failed: " << cluster.status().message() << "\n";
    log.Info("setup failed: " + cluster.status().message());
    return kExitSetupFailed;
  }
  std::optional<NodeTools> tools;
  if (*cluster) {
    log.Info("cluster: " + (*cluster)->Describe());
    auto installed = NodeTools::Install(**cluster);
    if (!installed.ok()) {
      std::cerr << "setup failed: " << installed.status().message() << "\n";
      return kExitSetupFailed;
    }
    tools = std::move(installed).value();
  }
  const NodeTools* tools_ptr = tools ? &*tools : nullptr;
  auto db = MakeDb(spec, run_id, *run_dir, cluster->get(), tools_ptr, log);
  if (!db.ok()) {
    std::cerr << "setup failed: " << db.status().message() << "\n";
    log.Info("setup failed: " + db.status().message());
    return kExitSetupFailed;
  }
  log.Info("db: " + (*db)->Describe());
  auto nemesis = MakeRunNemesis(spec, **db, cluster->get(), tools_ptr);
  if (!nemesis.ok()) {
    std::cerr << "setup failed: " << nemesis.status().message() << "\n";
    log.Info("setup failed: " + nemesis.status().message());
    return kExitSetupFailed;
  }
  // A second Ctrl-C heals what it can and takes a local cluster down before exiting.
  SetForcedExitCleanup([n = nemesis->get(), c = cluster->get(), keep = spec.keep_cluster] {
    KillAllClientProcesses();
    if (n) n->HealAll([](Op) {});
    if (auto* local = dynamic_cast<NetnsCluster*>(c); local && !keep) (void)local->TearDown();
  });
  RunReport report = Runner(spec, **db, **workload, nemesis->get(), log).Run(*run_dir);
  SetForcedExitCleanup({});
  nemesis->reset();  // removes the nodes' fault rules
  if (Status s = (*db)->CollectLogs(*run_dir + "/nodes"); !s.ok()) log.Info(s.message());
  db->reset();  // stops every node before we report
  if (auto* local = dynamic_cast<NetnsCluster*>(cluster->get())) {
    if (spec.keep_cluster) {
      std::cout << "cluster kept: faultline cluster down --name " << local->state().name << "\n";
    } else if (Status s = local->TearDown(); !s.ok()) {
      std::cerr << "warning: " << s.message() << "\n";
      log.Info("cluster teardown: " + s.message());
    }
  }
  cluster->reset();
  if (!report.status.ok()) {
    std::cerr << (report.setup_failed ? "setup failed: " : "faultline: ")
              << report.status.message() << "\n";
    log.Info("error: " + report.status.message());
    return report.setup_failed ? kExitSetupFailed : kExitUnknown;
  }
  // The report is a view of the results; failing to draw it never changes the verdict.
  if (auto r = WriteReport(*run_dir); !r.ok()) {
    std::cerr << "warning: no report: " << r.status().message() << "\n";
  }
  if (auto i = WriteResultsIndex(spec.results_root); !i.ok()) {
    std::cerr << "warning: no results index: " << i.status().message() << "\n";
  }
  std::cout << report.summary << "\n"
            << (report.interrupted ? "interrupted; " : "") << "verdict: "
            << VerdictName(report.verdict) << "\nreport: " << *run_dir << "/report.html\n";
  return ExitCodeFor(report.verdict);
}

}  // namespace faultline
