// Checker: the one shape every checker has (Jepsen's Checker protocol): a history in; a
// verdict, a one-line summary, the JSON detail results.json keeps under "checkers"/<name> (and
// the report reads), and the problems found, out. A checker is a pure function of the history:
// Check is const and thread-safe, so Compose (compose.h) runs several at once.
#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "checkers/verdict.h"
#include "core/history.h"
#include "core/status.h"

namespace faultline {

// One thing a checker found wrong (or could not decide): an invalid or unknown key, a causal
// violation, a bad bank read, a counter read out of bounds. The detail holds the full form the
// report draws; this is what a terminal shows.
struct CheckerProblem {
  Verdict verdict = Verdict::kInvalid;
  std::optional<std::string> key;   // the key it concerns, if the history has keys
  std::vector<int64_t> op_indices;  // history indices of the invokes involved, sorted
  std::string explanation;          // a sentence naming the ops, values and processes
  std::string text;  // one line for a terminal: "monotonic-reads on key 3: " + explanation
  // What kind of problem, in the checker's words ("monotonic-reads", "wrong-total",
  // "below-acknowledged", "not-linearizable"), and the invoke index of the op that shows it (the
  // offending read; -1 when no one op does, as for a cycle or a whole key): a witness
  // (checkers/witness/) must show the same kind on the same op.
  std::string kind;
  int64_t target = -1;
};

struct CheckerResult {
  Verdict verdict = Verdict::kUnknown;
  std::string summary;  // one line: "causal: invalid (2 violations)"
  // When no problem says it: why the verdict is what it is (an unknown's reason, a counter's
  // notes). Empty for a plain valid.
  std::string why;
  nlohmann::json detail;                 // results.json's "checkers"/<name>
  std::vector<CheckerProblem> problems;  // in history order
};

class Checker {
 public:
  Checker() = default;
  Checker(const Checker&) = delete;
  Checker& operator=(const Checker&) = delete;
  virtual ~Checker() = default;

  // Its registered name ("linearizability", "causal", "bank", "counter"): the key of its
  // detail in results.json.
  virtual std::string name() const = 0;
  // Fails (InvalidInput, "SOURCE:LINE: …; expected …") when the history does not fit the
  // checker (ops it does not know, malformed values). `source` names the history in messages.
  virtual Result<CheckerResult> Check(const History& history, const std::string& source) const = 0;
  // The same checker, giving up (unknown) after `seconds`, for a checker whose search can run
  // long (linearizability); nullptr for one whose check is bounded anyway. The witness search
  // re-checks with it, so that a shrink cannot outlast its time budget.
  virtual std::unique_ptr<Checker> Bounded(double /*seconds*/) const { return nullptr; }
};

}  // namespace faultline
