#include "checkers/causal/causal_checker.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "checkers/causal/causal.h"

namespace faultline {

Result<CheckerResult> CausalChecker::Check(const History& history,
                                           const std::string& source) const {
  Result<CausalResult> r = CheckCausal(history, source);
  if (!r.ok()) return r.status();
  CheckerResult out;
  out.verdict = r->verdict;
  out.summary = std::string("causal: ") + VerdictName(r->verdict) + " (" +
                std::to_string(r->violations.size()) + " violations)";
  if (r->verdict == Verdict::kUnknown) out.why = r->explanation;
  out.detail = ToJson(*r);
  for (const CausalViolation& v : r->violations) {
    CheckerProblem p;
    p.key = v.key;
    p.op_indices = v.op_indices;
    std::sort(p.op_indices.begin(), p.op_indices.end());
    p.explanation = v.explanation;
    p.text = v.name + " on key " + v.key + ": " + v.explanation;
    p.kind = v.name;
    p.target = v.read;
    out.problems.push_back(std::move(p));
  }
  return out;
}

Result<std::unique_ptr<Checker>> MakeCausalChecker(const nlohmann::json& /*params*/) {
  return std::unique_ptr<Checker>(new CausalChecker());
}

}  // namespace faultline
