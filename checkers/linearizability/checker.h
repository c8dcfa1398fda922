// The linearizability checker: decodes a history for a model, splits it by key
// (P-compositionality), checks the keys in parallel on oneTBB, and explains every invalid
// key. CheckLinearizability is thread-safe (it shares nothing between calls).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "checkers/linearizability/model.h"
#include "checkers/verdict.h"
#include "core/history.h"
#include "core/status.h"

namespace faultline {

// The models --model accepts.
inline constexpr const char* kModelNames[] = {"register", "cas-register", "etcd", "kv", "mutex"};

struct LinearizabilityOptions {
  std::string model = "cas-register";  // one of kModelNames
  ModelOptions model_options;
  // Check each key on its own (sound for every model here: they are per-key objects).
  bool partition_by_key = true;
  double timeout_seconds = 0;  // 0: no limit; otherwise unknown keys once it passes
  int64_t memory_budget_bytes = int64_t{4} << 30;  // all memo tables together
  bool fail_fast = false;       // stop the remaining keys once one is invalid
  // Register models: the polynomial paths before any search: unique values (when every
  // written value differs) and impossible ops (impossible_ops.h). Off: every key is searched.
  bool unique_values = true;
};

// One op of an explanation. `op_index` is the history index of its invoke.
struct ExplainedOp {
  int64_t op_index = 0;
  int64_t process = 0;
  std::string op;    // e.g. "cas 1→4"
  std::string note;  // prefix: the state after it; unplaced: why it could not go next
};

struct KeyResult {
  std::optional<std::string> key;  // nullopt: the history has no keys
  Verdict verdict = Verdict::kValid;
  size_t ops = 0;                  // ops that constrain the model
  std::string method;              // "search", "unique-values" or "impossible-op"
  std::string explanation;         // invalid/unknown: what went wrong, in a sentence or two
  size_t prefix_length = 0;        // length of the longest linearizable prefix found
  std::vector<ExplainedOp> prefix; // its last kShownPrefix ops, with the state after each
  std::vector<ExplainedOp> unplaced;  // the ops that could not be placed after it
  uint64_t states = 0;             // configurations the search explored
  double seconds = 0;
};

inline constexpr size_t kShownPrefix = 200;

struct LinearizabilityResult {
  Verdict verdict = Verdict::kValid;
  std::string model;
  size_t ops = 0;
  size_t keys = 0;
  size_t invalid_keys = 0;
  size_t unknown_keys = 0;
  size_t unique_value_keys = 0;     // keys settled by the polynomial path
  size_t impossible_op_keys = 0;    // keys found invalid by an impossible op (impossible_ops.h)
  size_t skipped_keys = 0;          // not checked: --fail-fast stopped early
  uint64_t states = 0;              // search configurations explored, all keys
  std::vector<KeyResult> problems;  // every invalid or unknown key, in order of first appearance
};

// Fails (InvalidInput, "SOURCE:LINE: …") when an op does not fit the model, or
// (InvalidArgument) for an unknown model name or a bad initial value.
Result<LinearizabilityResult> CheckLinearizability(const History& history,
                                                   const std::string& source,
                                                   const LinearizabilityOptions& options);

// The model a history most likely wants when none is given: by the ops' f names
// (get/put/append → kv, acquire/release → mutex, otherwise cas-register).
std::string GuessModel(const History& history);

}  // namespace faultline
