// A sweep's plan: the grid of cells (one configuration each: a database, safety settings,
// faults, workload) and the seeds every cell runs with, built from `faultline sweep`'s axes
// and an optional sweep file (docs/sweep.md), each cell checked like a `faultline test`
// line and given the database's prediction before anything runs. Written to plan.json in the
// sweep folder, so that --resume and --collect need nothing but the folder. Plain values;
// main thread.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/status.h"
#include "harness/registry.h"

namespace faultline {

// One dimension of the grid. A value is a word as the command line would give it ("2",
// "write-back", "partition+kill" for a fault set, "none" for no faults). `when`: the axis
// applies only to cells whose earlier settings equal these ({"replication": "quorum"}).
struct Axis {
  std::string name;
  std::vector<std::string> values;
  nlohmann::json when = nlohmann::json::object();
};

struct Cell {
  std::string id;              // "c-" + 8 hex digits of the settings: stable across sweeps
  nlohmann::json settings;     // {"db": "builtin", "r": "2", "nemesis": "partition"}
  std::vector<std::string> args;  // the `faultline test` words (no --seed, --name, --results)
  std::string row, column;     // where the matrix draws it
  std::string label;           // the database's label for these settings
  std::string expect;          // safe | unsafe | no-promise | undeclared
  std::string why;
};

struct SweepPlan {
  std::string name;            // results/<name>-sweep/
  std::string command;         // the sweep's command line, for the record
  std::vector<Axis> axes;      // every axis of every database, for the record
  std::string columns;         // the axis drawn as columns ("nemesis", "workload", or "")
  int seeds = 3;
  uint64_t seed = 0;           // the seeds of runs derive from it
  std::vector<uint64_t> run_seeds;  // run k of every cell uses run_seeds[k]
  nlohmann::json sample;       // null, or {"of": N, "kept": M, "seed": S} (--max-cells)
  std::vector<Cell> cells;

  nlohmann::json ToJson() const;
  static Result<SweepPlan> FromJson(const nlohmann::json& j);
};

// What the command line and a sweep file say (app/sweep_command.cc fills it).
struct SweepRequest {
  std::string command;                 // as typed, for the record
  std::vector<std::string> test_args;  // every `faultline test` word given to the sweep
  std::vector<Axis> axes;              // --axis
  std::string file;                    // --sweep-file
  std::string name;                    // --name ("": the workload's name)
  int seeds = 3;
  bool seed_given = false;
  uint64_t seed = 0;
  std::vector<std::string> only;       // --only cell ids
  int max_cells = 0;                   // 0: every cell
};

// Builds and checks the plan: every axis known and a safety setting (or a common option),
// every cell a valid `faultline test` line, a non-empty grid. InvalidArgument (exit 3)
// names what is wrong and where.
Result<SweepPlan> MakePlan(const SweepRequest& request, const Registry& registry);

// The `faultline test` words of run k (0-based) of `cell`, writing under `runs_root`.
std::vector<std::string> RunArgs(const SweepPlan& plan, const Cell& cell, int k,
                                 const std::string& runs_root);
// The folder name of run k of `cell` under the runs root: "<id>-s<k+1>".
std::string RunName(const Cell& cell, int k);

}  // namespace faultline
