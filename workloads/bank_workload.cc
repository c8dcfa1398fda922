#include "workloads/bank_workload.h"

#include <memory>

#include "checkers/bank/bank_checker.h"
#include "checkers/compose.h"

namespace faultline {

std::vector<int64_t> BankWorkload::OpeningBalances(int accounts, int64_t total) {
  std::vector<int64_t> balances(static_cast<size_t>(accounts), total / accounts);
  for (int64_t i = 0; i < total % accounts; ++i) ++balances[static_cast<size_t>(i)];
  return balances;
}

std::vector<OpRequest> BankWorkload::SetupOps() {
  Value::Map balances;
  std::vector<int64_t> opening = OpeningBalances(options_.accounts, options_.total);
  for (size_t i = 0; i < opening.size(); ++i) {
    balances.emplace_back(std::to_string(i), Value::Int(opening[i]));
  }
  return {OpRequest{"bank-init", std::nullopt, Value::MakeMap(std::move(balances)), {}}};
}

OpRequest BankWorkload::Next(int worker, Random& rng) {
  if (rng.Uniform(2) == 0) return OpRequest{"read", std::nullopt, Value(), {}};
  const auto n = static_cast<uint64_t>(options_.accounts);
  const int64_t from = static_cast<int64_t>(rng.Uniform(n));
  int64_t to = static_cast<int64_t>(rng.Uniform(n - 1));
  if (to >= from) ++to;  // distinct from `from`, uniform over the others
  const int64_t amount = 1 + static_cast<int64_t>(rng.Uniform(options_.max_amount));
  return OpRequest{
      "transfer",
      std::nullopt,
      Value::MakeMap(
          {{"from", Value::Int(from)}, {"to", Value::Int(to)}, {"amount", Value::Int(amount)}}),
      {}};
}

std::vector<OpRequest> BankWorkload::FinalOps(const std::vector<std::string>& nodes) {
  std::vector<OpRequest> reads;
  for (int round = 0; round < options_.final_reads_per_node; ++round) {
    for (const std::string& node : nodes)
      reads.push_back(OpRequest{"read", std::nullopt, Value(), node});
  }
  return reads;
}

Result<CheckOutcome> BankWorkload::Check(const History& history, const std::string& source) const {
  std::vector<std::unique_ptr<Checker>> checkers;
  checkers.push_back(
      std::make_unique<BankChecker>(BankOptions{.accounts = options_.accounts,
                                                .total = options_.total,
                                                .allow_negative = options_.allow_negative}));
  Result<Composition> c = Compose(checkers, history, source);
  if (!c.ok()) return c.status();
  return CheckOutcome{c->verdict, std::move(c->summary), std::move(c->detail),
                      c->WitnessesJson(history)};
}

}  // namespace faultline
