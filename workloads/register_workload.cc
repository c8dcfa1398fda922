#include "workloads/register_workload.h"

#include <algorithm>

#include "checkers/causal/causal_checker.h"
#include "checkers/compose.h"
#include "checkers/linearizability/linearizability_checker.h"

namespace faultline {

static std::string KeyName(int64_t k) { return std::to_string(k); }

OpRequest RegisterWorkload::Next(int worker, Random& rng) {
  const uint64_t dice = rng.Uniform(4);  // read 1/2, write 1/4, cas 1/4 (no_cas: write 1/2)
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t seq = issued_++;
  const int64_t key = seq / options_.ops_per_key;
  if (seq % options_.ops_per_key == 0) last_value_ = 0;  // a fresh key starts empty
  OpRequest req;
  req.key = KeyName(key);
  if (dice < 2) {
    req.f = "read";
  } else if (dice == 2 || last_value_ == 0 || options_.no_cas) {
    req.f = "write";
    last_value_ = next_value_++;
    req.value = Value::Int(last_value_);
  } else {
    req.f = "cas";
    const int64_t to = next_value_++;
    req.value = Value::MakeList({Value::Int(last_value_), Value::Int(to)});
    last_value_ = to;
  }
  return req;
}

std::vector<OpRequest> RegisterWorkload::FinalOps(const std::vector<std::string>& /*nodes*/) {
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t keys = (issued_ + options_.ops_per_key - 1) / options_.ops_per_key;
  std::vector<OpRequest> reads;
  for (int64_t k = std::max<int64_t>(0, keys - options_.final_reads); k < keys; ++k) {
    reads.push_back(OpRequest{"read", KeyName(k), Value(), std::nullopt});
  }
  return reads;
}

// Linearizability (cas-register, which also models a history of reads and writes alone) and
// causal consistency, run at once by Compose.
Result<CheckOutcome> RegisterWorkload::Check(const History& history,
                                             const std::string& source) const {
  LinearizabilityOptions lin;
  lin.model = "cas-register";
  std::vector<std::unique_ptr<Checker>> checkers;
  checkers.push_back(std::make_unique<LinearizabilityChecker>(std::move(lin)));
  checkers.push_back(std::make_unique<CausalChecker>());
  Result<Composition> c = Compose(checkers, history, source);
  if (!c.ok()) return c.status();
  return CheckOutcome{c->verdict, std::move(c->summary), std::move(c->detail),
                      c->WitnessesJson(history)};
}

}  // namespace faultline
