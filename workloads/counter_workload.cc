#include "workloads/counter_workload.h"

#include <exception>

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
  const std::string label =
      std::string("counter (") + CounterConsistencyName(options_.consistency) + ")";
  Result<CounterResult> counter = Status::Internal("not run");
  try {
    counter = CheckCounter(history, source, CounterOptions{options_.consistency});
  } catch (const std::exception& e) {  // a checker bug must not cost the run its history
    CheckOutcome out;
    out.verdict = Verdict::kUnknown;
    out.summary = label + ": unknown (the checker failed: " + e.what() + ")";
    out.detail = {{"counter", {{"verdict", "unknown"}, {"explanation", out.summary}}}};
    return out;
  }
  if (!counter.ok()) return counter.status();
  const CounterResult& r = *counter;
  CheckOutcome out;
  out.verdict = r.verdict;
  out.detail = {{"counter", ToJson(r)}};
  out.summary = label + ": " + VerdictName(r.verdict) + " (" + std::to_string(r.reads) +
                " reads, " + std::to_string(r.final_reads) + " of them final; adds " +
                std::to_string(r.adds_ok) + " ok, " + std::to_string(r.adds_fail) + " fail, " +
                std::to_string(r.adds_info) + " info; " + std::to_string(r.errors) + " errors, " +
                std::to_string(r.notes) + " notes)";
  const CounterProblem* first_error = nullptr;
  for (const CounterProblem& p : r.problems) {
    if (p.error) {
      first_error = &p;
      break;
    }
  }
  if (first_error != nullptr) {
    out.summary += "\n  " + first_error->name + ": " + first_error->explanation;
  } else if (r.verdict != Verdict::kValid || r.notes > 0) {
    out.summary += "\n  " + r.explanation;
  }
  return out;
}

}  // namespace faultline
