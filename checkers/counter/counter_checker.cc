#include "checkers/counter/counter_checker.h"

#include <nlohmann/json.hpp>

#include "checkers/checker_params.h"

namespace faultline {
namespace {

std::string Summary(const CounterResult& r) {
  return std::string("counter (") + CounterConsistencyName(r.consistency) +
         "): " + VerdictName(r.verdict) + " (" + std::to_string(r.reads) + " reads, " +
         std::to_string(r.final_reads) + " of them final; adds " + std::to_string(r.adds_ok) +
         " ok, " + std::to_string(r.adds_fail) + " fail, " + std::to_string(r.adds_info) +
         " info; " + std::to_string(r.errors) + " errors, " + std::to_string(r.notes) + " notes)";
}

}  // namespace

Result<CheckerResult> CounterChecker::Check(const History& history,
                                            const std::string& source) const {
  Result<CounterResult> r = CheckCounter(history, source, options_);
  if (!r.ok()) return r.status();
  CheckerResult out;
  out.verdict = r->verdict;
  out.summary = Summary(*r);
  if (r->verdict != Verdict::kValid || r->notes > 0) out.why = r->explanation;
  out.detail = ToJson(*r);
  for (const CounterProblem& p : r->problems) {
    if (!p.error) continue;
    // out-of-bounds says which way; the offending read is the last op named (a non-monotonic
    // read comes after the one it went below; a final-reads problem has no one read).
    std::string kind = p.name;
    if (p.name == "out-of-bounds") kind = p.value < p.lower ? "below-acknowledged" : "above-attempted";
    if (p.name == "final-impossible" && p.value < p.lower) kind = "final-below-acknowledged";
    const bool one_read = p.name == "out-of-bounds" || p.name == "non-monotonic";
    out.problems.push_back(CheckerProblem{Verdict::kInvalid, std::nullopt, p.op_indices,
                                          p.explanation, p.name + ": " + p.explanation, kind,
                                          one_read ? p.op_indices.back() : -1});
  }
  return out;
}

Result<std::unique_ptr<Checker>> MakeCounterChecker(const nlohmann::json& params) {
  auto text = StringParam(params, "counter", "consistency", "linearizable");
  if (!text.ok()) return text.status();
  for (CounterConsistency c : {CounterConsistency::kLinearizable, CounterConsistency::kEventual}) {
    if (*text == CounterConsistencyName(c)) {
      return std::unique_ptr<Checker>(new CounterChecker(CounterOptions{c}));
    }
  }
  return Status::InvalidArgument(
      "checker counter: parameter \"consistency\": expected "
      "linearizable or eventual, got \"" +
      *text + "\"");
}

}  // namespace faultline
