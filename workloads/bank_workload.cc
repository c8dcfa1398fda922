#include "workloads/bank_workload.h"

#include <exception>

#include "checkers/bank/bank.h"

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
  BankOptions o;
  o.accounts = options_.accounts;
  o.total = options_.total;
  o.allow_negative = options_.allow_negative;
  Result<BankResult> bank = Status::Internal("not run");
  try {
    bank = CheckBank(history, source, o);
  } catch (const std::exception& e) {  // a checker bug must not cost the run its history
    CheckOutcome out;
    out.verdict = Verdict::kUnknown;
    out.summary = std::string("bank: unknown (the checker failed: ") + e.what() + ")";
    out.detail = {{"bank", {{"verdict", "unknown"}, {"explanation", out.summary}}}};
    return out;
  }
  if (!bank.ok()) return bank.status();
  CheckOutcome out;
  out.verdict = bank->verdict;
  out.detail = {{"bank", ToJson(*bank)}};
  out.summary =
      "bank: " + std::string(VerdictName(bank->verdict)) + " (" + std::to_string(bank->reads) +
      " reads of " + std::to_string(bank->accounts) + " accounts totalling " +
      std::to_string(bank->total) + "; transfers " + std::to_string(bank->transfers_ok) + " ok, " +
      std::to_string(bank->transfers_fail) + " fail, " + std::to_string(bank->transfers_info) +
      " info; " + std::to_string(bank->bad_reads.size()) + " bad reads)";
  if (!bank->bad_reads.empty()) {
    out.summary += "\n  " + bank->bad_reads.front().explanation;
  } else if (bank->verdict != Verdict::kValid) {
    out.summary += "\n  " + bank->explanation;
  }
  return out;
}

}  // namespace faultline
