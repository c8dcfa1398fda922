// Workload: what the clients do and how the result is judged (Jepsen's workload = generator +
// checker). Next is called concurrently from every worker thread (each with its own Random);
// implementations keep their shared state thread-safe. Check is a pure function of the history.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "checkers/verdict.h"
#include "core/history.h"
#include "core/random.h"
#include "core/status.h"
#include "harness/client.h"

namespace faultline {

struct CheckOutcome {
  Verdict verdict = Verdict::kValid;
  std::string summary;   // one line for the terminal
  nlohmann::json detail; // checker name → its result, results.json's "checkers"
};

class Workload {
 public:
  virtual ~Workload() = default;
  virtual std::string name() const = 0;
  virtual OpRequest Next(int worker, Random& rng) = 0;
  // Ops for the final phase, after faults are healed (e.g. a read of every key written).
  virtual std::vector<OpRequest> FinalOps() = 0;
  virtual Result<CheckOutcome> Check(const History& history, const std::string& source) const = 0;
};

}  // namespace faultline
