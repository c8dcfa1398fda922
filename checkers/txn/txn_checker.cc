#include "checkers/txn/txn_checker.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "checkers/txn/list_append.h"

namespace faultline {

Result<CheckerResult> TxnChecker::Check(const History& history, const std::string& source) const {
  Result<TxnResult> r = CheckListAppend(history, source);
  if (!r.ok()) return r.status();
  CheckerResult out;
  out.verdict = r->verdict;
  std::vector<std::string> order;  // names in the order first listed
  for (const TxnAnomaly& a : r->anomalies) {
    if (std::find(order.begin(), order.end(), a.name) == order.end()) order.push_back(a.name);
  }
  std::string found;
  for (const std::string& name : order) {
    found += (found.empty() ? "; " : ", ") + name + " ×" + std::to_string(r->counts.at(name));
  }
  out.summary = "txn (list-append): " + std::string(VerdictName(r->verdict)) + " (" +
                std::to_string(r->txns) + " txns, " + std::to_string(r->keys) + " keys" + found +
                "): " + r->explanation;
  if (r->verdict != Verdict::kValid) out.why = r->explanation;
  out.detail = ToJson(*r);
  for (const TxnAnomaly& a : r->anomalies) {
    std::vector<int64_t> ops = a.op_indices;
    std::sort(ops.begin(), ops.end());
    ops.erase(std::unique(ops.begin(), ops.end()), ops.end());
    out.problems.push_back(CheckerProblem{Verdict::kInvalid, std::nullopt, std::move(ops),
                                          a.explanation, a.name + ": " + a.explanation, a.name});
  }
  return out;
}

Result<std::unique_ptr<Checker>> MakeTxnChecker(const nlohmann::json& /*params*/) {
  return std::unique_ptr<Checker>(new TxnChecker());
}

}  // namespace faultline
