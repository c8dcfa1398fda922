#include "checkers/linearizability/linearizability_checker.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "checkers/checker_params.h"
#include "checkers/linearizability/result_json.h"
#include "core/history_io.h"

namespace faultline {
namespace {

constexpr const char* kName = "linearizability";

std::string Summary(const LinearizabilityResult& r) {
  std::string s = std::string(kName) + ": " + VerdictName(r.verdict) + " (" +
                  std::to_string(r.keys) + " keys, " + std::to_string(r.ops) + " ops";
  if (r.invalid_keys) s += ", " + std::to_string(r.invalid_keys) + " invalid";
  if (r.unknown_keys) s += ", " + std::to_string(r.unknown_keys) + " unknown";
  return s + ")";
}

CheckerProblem ProblemOf(const KeyResult& k) {
  CheckerProblem p;
  p.verdict = k.verdict;
  p.key = k.key;
  for (const ExplainedOp& op : k.unplaced) p.op_indices.push_back(op.op_index);
  std::sort(p.op_indices.begin(), p.op_indices.end());
  p.explanation = k.explanation;
  p.text = "key " + k.key.value_or("-") + ": " + k.explanation;
  p.kind = k.verdict == Verdict::kInvalid ? "not-linearizable" : "unknown";
  return p;
}

// A JSON value as a history Value, read the way the JSONL reader reads an op's value.
Result<Value> ValueOf(const nlohmann::json& j) {
  auto ops = ParseJsonlOps("{\"type\":\"ok\",\"f\":\"x\",\"process\":0,\"value\":" + j.dump() + "}",
                           "initial");
  if (!ops.ok() || ops->size() != 1) {
    return Status::InvalidArgument(std::string("checker ") + kName +
                                   ": parameter \"initial\": expected a JSON value, got " +
                                   j.dump());
  }
  return (*ops)[0].value;
}

Status ReadFlags(const nlohmann::json& params, LinearizabilityOptions* o) {
  auto fail_fast = BoolParam(params, kName, "fail_fast", o->fail_fast);
  auto partition = BoolParam(params, kName, "partition_by_key", o->partition_by_key);
  auto unique = BoolParam(params, kName, "unique_values", o->unique_values);
  auto nil = BoolParam(params, kName, "nil_read_matches_any", false);
  for (const Result<bool>* r : {&fail_fast, &partition, &unique, &nil}) {
    if (!r->ok()) return r->status();
  }
  o->fail_fast = *fail_fast;
  o->partition_by_key = *partition;
  o->unique_values = *unique;
  o->model_options.nil_read_matches_any = *nil;
  return Status::Ok();
}

}  // namespace

Result<CheckerResult> LinearizabilityChecker::Check(const History& history,
                                                    const std::string& source) const {
  Result<LinearizabilityResult> r = CheckLinearizability(history, source, options_);
  if (!r.ok()) return r.status();
  CheckerResult out;
  out.verdict = r->verdict;
  out.summary = Summary(*r);
  out.detail = ToJson(*r);
  for (const KeyResult& k : r->problems) out.problems.push_back(ProblemOf(k));
  return out;
}

std::unique_ptr<Checker> LinearizabilityChecker::Bounded(double seconds) const {
  LinearizabilityOptions o = options_;
  if (o.timeout_seconds <= 0 || o.timeout_seconds > seconds) o.timeout_seconds = seconds;
  return std::make_unique<LinearizabilityChecker>(std::move(o));
}

Result<std::unique_ptr<Checker>> MakeLinearizabilityChecker(const nlohmann::json& params) {
  LinearizabilityOptions o;
  auto model = StringParam(params, kName, "model", o.model);
  if (!model.ok()) return model.status();
  if (std::find(std::begin(kModelNames), std::end(kModelNames), *model) == std::end(kModelNames)) {
    return Status::InvalidArgument(std::string("checker ") + kName + ": parameter \"model\": " +
                                   *model + ": expected register, cas-register, etcd, kv or mutex");
  }
  o.model = *model;
  if (params.is_object() && params.contains("initial")) {
    auto initial = ValueOf(params["initial"]);
    if (!initial.ok()) return initial.status();
    o.model_options.initial = *initial;
  }
  auto memory_mb =
      IntParam(params, kName, "memory_mb", o.memory_budget_bytes >> 20, 1, int64_t{1} << 40);
  if (!memory_mb.ok()) return memory_mb.status();
  o.memory_budget_bytes = *memory_mb << 20;
  if (params.is_object() && params.contains("timeout_seconds")) {
    const nlohmann::json& t = params["timeout_seconds"];
    if (!t.is_number() || t.get<double>() < 0) {
      return Status::InvalidArgument(std::string("checker ") + kName +
                                     ": parameter \"timeout_seconds\": expected a number >= 0, "
                                     "got " +
                                     t.dump());
    }
    o.timeout_seconds = t.get<double>();
  }
  if (Status s = ReadFlags(params, &o); !s.ok()) return s;
  return std::unique_ptr<Checker>(new LinearizabilityChecker(std::move(o)));
}

}  // namespace faultline
