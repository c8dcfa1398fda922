#include "checkers/bank/bank_checker.h"

#include <nlohmann/json.hpp>

#include "checkers/checker_params.h"

namespace faultline {

Result<CheckerResult> BankChecker::Check(const History& history, const std::string& source) const {
  Result<BankResult> r = CheckBank(history, source, options_);
  if (!r.ok()) return r.status();
  CheckerResult out;
  out.verdict = r->verdict;
  out.summary = "bank: " + std::string(VerdictName(r->verdict)) + " (" + std::to_string(r->reads) +
                " reads of " + std::to_string(r->accounts) + " accounts totalling " +
                std::to_string(r->total) + "; transfers " + std::to_string(r->transfers_ok) +
                " ok, " + std::to_string(r->transfers_fail) + " fail, " +
                std::to_string(r->transfers_info) + " info; " +
                std::to_string(r->bad_reads.size()) + " bad reads)";
  if (r->verdict != Verdict::kValid) out.why = r->explanation;
  out.detail = ToJson(*r);
  for (const BankBadRead& b : r->bad_reads) {
    // wrong-total says which way: money created or destroyed.
    const std::string kind = b.kind != "wrong-total" ? b.kind
                             : b.total > r->total    ? "money-created"
                                                     : "money-destroyed";
    out.problems.push_back(CheckerProblem{Verdict::kInvalid, std::nullopt, {b.op_index},
                                          b.explanation, b.explanation, kind, b.op_index});
  }
  return out;
}

Result<std::unique_ptr<Checker>> MakeBankChecker(const nlohmann::json& params) {
  auto total = IntParam(params, "bank", "total", std::nullopt);
  if (!total.ok()) return total.status();
  auto accounts = IntParam(params, "bank", "accounts", 0, 0, 1 << 30);
  if (!accounts.ok()) return accounts.status();
  auto allow_negative = BoolParam(params, "bank", "allow_negative", false);
  if (!allow_negative.ok()) return allow_negative.status();
  return std::unique_ptr<Checker>(
      new BankChecker(BankOptions{.accounts = static_cast<int>(*accounts),
                                  .total = *total,
                                  .allow_negative = *allow_negative}));
}

}  // namespace faultline
