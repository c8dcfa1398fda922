// TestSpec: every option of one `faultline test` run, typed, assembled in one place (app/)
// and recorded in test.json. A plain value.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace faultline {

struct TestSpec {
  std::string name = "register";       // results/<name>/<time>/
  std::string db = "builtin";          // the database under test
  std::string workload = "register";
  std::string cluster = "processes";   // where nodes run: local processes on loopback
  int nodes = 5;
  int concurrency = 10;                // client workers, bound to nodes round-robin
  double time_limit = 20;              // seconds of the main phase
  double rate = 0;                     // ops/s over all workers; 0: as fast as they go
  uint64_t seed = 0;                   // every random choice of the run derives from it
  double op_timeout = 1.0;             // seconds; a later op becomes info
  int ops_per_key = 100;               // independent keys: ops per key
  std::vector<std::string> nemesis;    // faults: kill, kill-primary
  double nemesis_interval = 5;         // seconds between faults
  double recovery = 2;                 // seconds after healing before the final reads
  std::string results_root = "results";
  // The built-in store.
  std::string replication = "primary";  // primary | async | quorum
  int r = 0, w = 0;                      // quorum sizes (0: majority)

  nlohmann::json ToJson() const {
    return {{"name", name},       {"db", db},
            {"workload", workload}, {"cluster", cluster},
            {"nodes", nodes},     {"concurrency", concurrency},
            {"time_limit", time_limit}, {"rate", rate},
            {"seed", seed},       {"op_timeout", op_timeout},
            {"ops_per_key", ops_per_key}, {"nemesis", nemesis},
            {"nemesis_interval", nemesis_interval}, {"recovery", recovery},
            {"results_root", results_root}, {"replication", replication},
            {"r", r},             {"w", w}};
  }
};

}  // namespace faultline
