// TestSpec: the options every `faultline test` run has, typed, plus the selected parts —
// database, workload, faults — each with its own option values (declared by the part in the
// registry, harness/registry.h). Recorded in test.json with each part's options under it.
// A plain value.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace faultline {

// A part chosen for a run and its option values (every option the part declares).
struct PartChoice {
  std::string name;
  nlohmann::json options = nlohmann::json::object();
};

// Where nodes run: "local" (network namespaces built for the run; root), "processes" (local
// processes on loopback; no network or clock faults), "hosts" (`hosts` over SSH).
struct ClusterSpec {
  std::string kind = "local";
  int nodes = 5;
  std::vector<std::string> hosts;  // hosts: the nodes' host names
  std::string ssh_user = "root";
  std::string ssh_key;             // a private key file (a path; never its content)
  int ssh_port = 22;
  std::string known_hosts;         // "": ~/.ssh/known_hosts
  bool keep = false;               // local: leave the cluster up after the run
};

// The fault schedule: --nemesis words (fault parts), their spacing, and the selected faults'
// option values merged in one object (e.g. {"loss_probability": 0.2}).
struct NemesisSpec {
  std::vector<std::string> faults;
  double interval = 5;  // seconds between faults
  nlohmann::json options = nlohmann::json::object();
};

struct TestSpec {
  std::string name = "register";  // results/<name>/<time>/ (default: the workload's name)
  PartChoice db{"builtin"};
  PartChoice workload{"register"};
  ClusterSpec cluster;
  int concurrency = 10;      // client workers, bound to nodes round-robin
  double time_limit = 20;    // seconds of the main phase
  double rate = 0;           // ops/s over all workers; 0: as fast as they go
  uint64_t seed = 0;         // every random choice of the run derives from it
  double op_timeout = 1.0;   // seconds; a later op becomes info
  NemesisSpec nemesis;
  double recovery = 2;       // seconds after healing before the final reads
  std::string results_root = "results";
  // The client program run per client instead of the database's own client ("": its own;
  // db/external/, docs/external-client.md).
  std::string client_cmd;
  // The run folder whose recorded faults this run replays (`faultline replay`, docs/replay.md);
  // "" for a run of its own. Recorded so that its report and `analyze` say what it is.
  std::string replay_of;

  // test.json: the common options flat, each part's options under its name.
  nlohmann::json ToJson() const;
};

}  // namespace faultline
