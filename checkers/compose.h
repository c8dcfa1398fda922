// Compose: a workload's checkers run on one history at once (oneTBB), the worst verdict wins
// (invalid > unknown > valid, verdict.h). A checker that throws counts as unknown with what it
// threw, never a crashed run. Thread-safe: it shares nothing between calls.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "checkers/checker.h"
#include "checkers/witness/witness.h"

namespace faultline {

struct Composition {
  Verdict verdict = Verdict::kValid;
  // Per checker, in the order given: its summary line, then "\n  " and its first problem (or,
  // with none, its `why`, when it has one). What `faultline test` prints.
  std::string summary;
  nlohmann::json detail = nlohmann::json::object();  // name → detail: results.json's "checkers"
  std::vector<std::pair<std::string, CheckerResult>> results;  // name → result, in order
  // Every problem shrunk to its witness and named (checkers/witness/), checker by checker:
  // results.json's "witnesses".
  std::vector<Witness> witnesses;
  nlohmann::json WitnessesJson(const History& history) const;
};

// Runs every checker on `history`. A checker that throws gives an unknown result whose summary
// and detail ("explanation") say what it threw. Fails with the first (in the order given)
// checker's error when a checker finds the history does not fit it (InvalidInput), and
// InvalidArgument when `checkers` is empty.
// With `witnesses`, every problem is then shrunk and named (the summary gets each checker's
// first witness line after its summary).
Result<Composition> Compose(const std::vector<std::unique_ptr<Checker>>& checkers,
                            const History& history, const std::string& source,
                            bool witnesses = true);

}  // namespace faultline
