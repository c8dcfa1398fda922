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
  // Each problem shrunk and named (checkers/witness/): results.json's "witnesses".
  nlohmann::json witnesses = nlohmann::json::array();
};

class Workload {
 public:
  virtual ~Workload() = default;
  virtual std::string name() const = 0;
  // Ops that must succeed before the main phase (e.g. the bank's opening balances). The
  // runner retries each until it is ok, so each must be safe to repeat; they are logged in
  // faultline.log, not recorded in the history (the checker knows the opening state from
  // the options, as Jepsen's client set-up).
  virtual std::vector<OpRequest> SetupOps() { return {}; }
  virtual OpRequest Next(int worker, Random& rng) = 0;
  // Ops for the final phase, after faults are healed (e.g. a read of every key written, or a
  // read on each of `nodes`, the database's nodes, with OpRequest::node set). The runner
  // records them with final = true.
  virtual std::vector<OpRequest> FinalOps(const std::vector<std::string>& nodes) = 0;
  virtual Result<CheckOutcome> Check(const History& history, const std::string& source) const = 0;
};

}  // namespace faultline
