#include "workloads/counter_workload.h"

#include <memory>

#include "checkers/compose.h"
#include "checkers/counter/counter_checker.h"

namespace faultline {

Result<CounterConsistency> ParseCounterConsistency(const std::string& text) {
  if (text == "linearizable") return CounterConsistency::kLinearizable;
  if (text == "eventual") return CounterConsistency::kEventual;
  return Status::InvalidArgument("--consistency " + text + ": expected linearizable or eventual");
}

OpRequest CounterWorkload::Next(int worker, Random& rng) {
  if (rng.Uniform(2) == 0) return OpRequest{"read", std::nullopt, Value(), {}};
  const int64_t delta = 1 + static_cast<int64_t>(rng.Uniform(options_.max_delta));
  return OpRequest{"add", std::nullopt, Value::Int(delta), {}};
}

std::vector<OpRequest> CounterWorkload::FinalOps(const std::vector<std::string>& nodes) {
  std::vector<OpRequest> reads;
  for (int round = 0; round < options_.final_reads_per_node; ++round) {
    for (const std::string& node : nodes)
      reads.push_back(OpRequest{"read", std::nullopt, Value(), node});
  }
  return reads;
}

Result<CheckOutcome> CounterWorkload::Check(const History& history,
                                            const std::string& source) const {
  std::vector<std::unique_ptr<Checker>> checkers;
  checkers.push_back(std::make_unique<CounterChecker>(CounterOptions{options_.consistency}));
  Result<Composition> c = Compose(checkers, history, source);
  if (!c.ok()) return c.status();
  return CheckOutcome{c->verdict, std::move(c->summary), std::move(c->detail),
                      c->WitnessesJson(history)};
}

}  // namespace faultline
