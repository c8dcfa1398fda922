// The anomalies the checkers reported, as the report explains them: per invalid (or unknown)
// key of the linearizability checker, its explanation, the longest linearizable prefix with
// the model state after each op, and the ops that could not be placed after it, with why
// (checkers/linearizability/result_json.cc). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace faultline {

struct ExplainedStep {
  int64_t op_index = 0;  // the op's invoke line in the history
  int64_t process = 0;
  std::string op;    // "cas 1→4"
  std::string note;  // prefix: the state after it; unplaced: why it could not go next
};

struct Problem {
  std::string checker;             // "linearizability"
  std::optional<std::string> key;  // nullopt: the history has no keys
  std::string verdict, method, explanation;
  int64_t prefix_length = 0;            // the whole prefix; `prefix` holds its tail
  std::vector<ExplainedStep> prefix;    // in linearization order
  std::vector<ExplainedStep> unplaced;  // duplicates removed
};

// Problems of every checker in results["checkers"] that reports them in the linearizability
// shape (a "problems" array); malformed entries are skipped.
std::vector<Problem> CollectProblems(const nlohmann::json& results);

// The problems as report.js draws them: [{"key", "verdict", "prefix_length", "prefix":
// [[op_index, process, op, state]...], "unplaced": [[op_index, process, op, why]...]}].
// Prefixes are embedded while they fit in `budget` bytes; later ones are dropped
// ("prefix_omitted": true) — the unplaced ops are always kept.
nlohmann::json ProblemsForScript(const std::vector<Problem>& problems, size_t budget);

// Invoke lines of every op that could not be placed, sorted, without duplicates: the ops the
// timeline always draws, however far it is zoomed out.
std::vector<int64_t> AnomalyOps(const std::vector<Problem>& problems);

// The "Counterexamples" section: the first `detailed` problems with their diagrams and tables,
// the rest as one table.
std::string ProblemsHtml(const std::vector<Problem>& problems, size_t detailed);

}  // namespace faultline
