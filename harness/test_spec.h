// TestSpec: every option of one `faultline test` run, typed, assembled in one place (app/)
// and recorded in test.json. A plain value.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace faultline {

// --db external: the user's own automation, shell commands run on every node over SSH with
// placeholders substituted (db/external/, docs/external-client.md).
struct ExternalDbSpec {
  std::string setup, teardown;             // required: install/start, stop/wipe
  std::string start, kill, pause, resume;  // optional: what the kill and pause faults run
  std::vector<std::string> logs;           // files downloaded from each node into nodes/<n>/
  int port = 0;                            // where clients reach the database on each node
  double timeout = 120;                    // seconds one command may take on one node
  std::string commands_file;               // --db-commands FILE.json they came from, if any

  nlohmann::json ToJson() const {
    return {{"setup", setup}, {"teardown", teardown}, {"start", start},
            {"kill", kill},   {"pause", pause},       {"resume", resume},
            {"logs", logs},   {"port", port},         {"timeout", timeout},
            {"commands_file", commands_file}};
  }
};

struct TestSpec {
  std::string name = "register";       // results/<name>/<time>/ (default: the workload's name)
  std::string db = "builtin";          // the database under test
  std::string workload = "register";
  // Where nodes run: "local" (network namespaces built for the run; root), "processes"
  // (local processes on loopback; no network or clock faults), "hosts" (`hosts` over SSH).
  std::string cluster = "local";
  int nodes = 5;
  std::vector<std::string> hosts;      // cluster "hosts": the nodes' host names
  std::string ssh_user = "root";       // hosts: SSH login
  std::string ssh_key;                 // hosts: private key file (a path; never its content)
  int ssh_port = 22;
  std::string known_hosts;             // hosts: known_hosts file ("": ~/.ssh/known_hosts)
  bool keep_cluster = false;           // local: leave the cluster up after the run
  int concurrency = 10;                // client workers, bound to nodes round-robin
  double time_limit = 20;              // seconds of the main phase
  double rate = 0;                     // ops/s over all workers; 0: as fast as they go
  uint64_t seed = 0;                   // every random choice of the run derives from it
  double op_timeout = 1.0;             // seconds; a later op becomes info
  int ops_per_key = 100;               // independent keys: ops per key
  std::vector<std::string> nemesis;    // faults (nemesis/make_nemesis.h kFaultNames)
  double nemesis_interval = 5;         // seconds between faults
  double loss_probability = 0.2;       // loss fault: share of packets dropped
  int delay_ms = 100;                  // delay fault: per packet
  int clock_skew_ms = 1000;            // clock fault: largest offset
  double recovery = 2;                 // seconds after healing before the final reads
  std::string results_root = "results";
  // The built-in store.
  std::string replication = "primary";  // primary | async | quorum
  int r = 0, w = 0;                      // quorum sizes (0: majority)
  std::string read_from = "primary";     // primary | any: replicas serve reads, spread at random
  // The bank workload.
  int accounts = 5;              // accounts 0..accounts-1
  int64_t total = 100;           // their sum, split evenly at set-up
  bool allow_negative = false;   // transfers may overdraw an account
  // The counter workload: what its checker demands, linearizable | eventual.
  std::string consistency = "linearizable";
  // etcd: how reads are served (linearizable | serializable), and --pre-vote.
  std::string read_consistency = "linearizable";
  bool etcd_pre_vote = false;
  // PostgreSQL and Redis (db/postgres/, db/redis/); read_from "replicas" sends their reads to
  // replicas.
  std::string synchronous_commit = "on";   // postgres: on | remote_apply | off
  std::string isolation = "serializable";  // postgres: read-committed | repeatable-read | serializable
  std::string bank_read = "together";      // postgres bank reads: together | split (per account)
  bool failover = false;                   // postgres: promote a replica when the primary is lost
  int redis_wait = 0;                      // redis: WAIT for this many replicas after each write
  // Extra arguments for every database server (--db-arg, repeatable).
  std::vector<std::string> db_args;
  // External clients and databases (db/external/): the client program run per client
  // ("": the database's own client), and --db external's commands.
  std::string client_cmd;
  ExternalDbSpec external;

  nlohmann::json ToJson() const {
    return {{"name", name},       {"db", db},
            {"workload", workload}, {"cluster", cluster},
            {"nodes", nodes},     {"concurrency", concurrency},
            {"time_limit", time_limit}, {"rate", rate},
            {"seed", seed},       {"op_timeout", op_timeout},
            {"ops_per_key", ops_per_key}, {"nemesis", nemesis},
            {"nemesis_interval", nemesis_interval}, {"recovery", recovery},
            {"hosts", hosts},     {"ssh_user", ssh_user},
            {"ssh_key", ssh_key}, {"ssh_port", ssh_port},
            {"known_hosts", known_hosts}, {"keep_cluster", keep_cluster},
            {"loss_probability", loss_probability}, {"delay_ms", delay_ms},
            {"clock_skew_ms", clock_skew_ms},
            {"results_root", results_root}, {"replication", replication},
            {"r", r},             {"w", w},
            {"read_from", read_from}, {"accounts", accounts},
            {"total", total},     {"allow_negative", allow_negative},
            {"consistency", consistency}, {"client_cmd", client_cmd},
            {"read_consistency", read_consistency}, {"etcd_pre_vote", etcd_pre_vote},
            {"synchronous_commit", synchronous_commit}, {"isolation", isolation},
            {"bank_read", bank_read}, {"failover", failover}, {"redis_wait", redis_wait},
            {"db_args", db_args},
            {"external", external.ToJson()}};
  }
};

}  // namespace faultline
