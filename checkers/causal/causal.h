// The causal-consistency checker for the register workload: builds happens-before from session
// order and reads-from, gives every op a vector clock, and names each way a read breaks causal
// consistency (see checkers/causal/README.md for the model). CheckCausal is a pure function of
// the history and thread-safe (it shares nothing between calls).
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "checkers/verdict.h"
#include "core/history.h"
#include "core/status.h"

namespace faultline {

// The names a CausalViolation may carry, most specific first.
inline constexpr const char* kCausalViolationNames[] = {"cycle",
                                                        "read-your-writes",
                                                        "monotonic-reads",
                                                        "monotonic-writes",
                                                        "writes-follow-reads",
                                                        "causal-visibility",
                                                        "unwritten-value"};

// One way a read broke causality. `op_indices` are history indices of invokes, in history order.
struct CausalViolation {
  std::string name;  // one of kCausalViolationNames
  std::string key;   // the register's key ("" when the history has no keys)
  std::vector<int64_t> op_indices;
  std::string explanation;  // a sentence naming processes and values
  int64_t read = -1;        // the offending read's invoke index (-1 for a cycle)
};

struct CausalResult {
  Verdict verdict = Verdict::kValid;
  std::vector<CausalViolation> violations;  // ordered by the history index of the offending read
  size_t ops = 0;  // ops in happens-before (ok reads/writes/cas, observed info writes)
  size_t keys = 0;
  size_t sessions = 0;      // processes, a retired process's successor counted anew
  std::string explanation;  // unknown, or a cycle: why the per-read checks did not run
};

// Fails (InvalidInput, "SOURCE:LINE: …") on an op that is not register read/write/cas, or on a
// written value that is not unique within its key.
Result<CausalResult> CheckCausal(const History& history, const std::string& source);

nlohmann::json ToJson(const CausalResult& result);

}  // namespace faultline
