#include "workloads/register_workload.h"

#include <algorithm>

#include <tbb/parallel_invoke.h>

#include "checkers/causal/causal.h"
#include "checkers/linearizability/checker.h"
#include "checkers/linearizability/result_json.h"

namespace faultline {

static std::string KeyName(int64_t k) { return std::to_string(k); }

OpRequest RegisterWorkload::Next(int worker, Random& rng) {
  const uint64_t dice = rng.Uniform(4);  // read 1/2, write 1/4, cas 1/4
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t seq = issued_++;
  const int64_t key = seq / options_.ops_per_key;
  if (seq % options_.ops_per_key == 0) last_value_ = 0;  // a fresh key starts empty
  OpRequest req;
  req.key = KeyName(key);
  if (dice < 2) {
    req.f = "read";
  } else if (dice == 2 || last_value_ == 0) {
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

// Both checkers run at once on oneTBB; the verdict is the worse of the two.
Result<CheckOutcome> RegisterWorkload::Check(const History& history,
                                             const std::string& source) const {
  LinearizabilityOptions opts;
  opts.model = "cas-register";
  Result<LinearizabilityResult> lin = Status::Internal("not run");
  Result<CausalResult> causal = Status::Internal("not run");
  tbb::parallel_invoke([&] { lin = CheckLinearizability(history, source, opts); },
                       [&] { causal = CheckCausal(history, source); });
  if (!lin.ok()) return lin.status();
  if (!causal.ok()) return causal.status();
  CheckOutcome out;
  out.verdict = Worst(lin->verdict, causal->verdict);
  out.detail = {{"linearizability", ToJson(*lin)}, {"causal", ToJson(*causal)}};
  out.summary = "linearizability: " + std::string(VerdictName(lin->verdict)) + " (" +
                std::to_string(lin->keys) + " keys, " + std::to_string(lin->ops) + " ops";
  if (lin->invalid_keys) out.summary += ", " + std::to_string(lin->invalid_keys) + " invalid";
  if (lin->unknown_keys) out.summary += ", " + std::to_string(lin->unknown_keys) + " unknown";
  out.summary += ")";
  if (!lin->problems.empty()) {
    const KeyResult& k = lin->problems.front();
    out.summary += "\n  key " + k.key.value_or("-") + ": " + k.explanation;
  }
  out.summary += "\ncausal: " + std::string(VerdictName(causal->verdict)) + " (" +
                 std::to_string(causal->violations.size()) + " violations)";
  if (!causal->violations.empty()) {
    const CausalViolation& v = causal->violations.front();
    out.summary += "\n  " + v.name + " on key " + v.key + ": " + v.explanation;
  } else if (causal->verdict == Verdict::kUnknown) {
    out.summary += "\n  " + causal->explanation;
  }
  return out;
}

}  // namespace faultline
