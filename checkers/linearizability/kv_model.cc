#include "checkers/linearizability/kv_model.h"

namespace faultline {

Result<KvModel> KvModel::Make(const ModelOptions& options) {
  if (options.initial.is_null()) return KvModel("");
  if (options.initial.is_string()) return KvModel(std::string(options.initial.as_string()));
  return Status::InvalidArgument("--initial " + options.initial.ToJson() +
                                 ": the kv model's initial value must be a string");
}

static std::string Quote(std::string_view s) {
  std::string out;
  AppendJsonString(s, &out);
  return out;
}

std::string KvModel::DescribeState(const State& s) const { return Quote(s); }

std::string KvModel::DescribeInput(const Input& in) const {
  static const char* kNames[] = {"get", "put", "append"};
  std::string out = std::string(kNames[static_cast<int>(in.kind)]) + " " + Quote(in.value);
  if (!in.known) out += " (outcome unknown)";
  return out;
}

Result<std::optional<KvInput>> KvModel::Decode(const Op& invoke, const Op* completion,
                                               const std::string& source) const {
  static const Symbol kGet = "get", kPut = "put", kAppend = "append";  // compared as ids
  const OpType outcome = completion ? completion->type : OpType::kInfo;
  Input in;
  in.known = outcome == OpType::kOk;
  const bool get = invoke.f == kGet;
  if (get) {
    if (outcome != OpType::kOk) return std::optional<Input>();
    in.kind = Input::Kind::kGet;
  } else if (invoke.f == kPut || invoke.f == kAppend) {
    if (outcome == OpType::kFail) return std::optional<Input>();
    in.kind = invoke.f == kPut ? Input::Kind::kPut : Input::Kind::kAppend;
  } else {
    return Status::InvalidInput(OpLocation(source, invoke) + "unknown f \"" + invoke.f +
                                "\" for the kv model; expected get, put or append");
  }
  // A get's value is its result, so it comes from the completion, which exists here (its
  // outcome is ok). Bound only now: *completion of a pending get was UB (found by UBSan).
  const Op& carrier = get ? *completion : invoke;
  if (carrier.value.is_string()) {
    in.value = carrier.value.as_string();
  } else if (!carrier.value.is_null()) {
    return Status::InvalidInput(OpLocation(source, carrier) + invoke.f + " value " +
                                carrier.value.ToJson() +
                                " does not fit the kv model; expected a string or null");
  }
  return std::optional<Input>(std::move(in));
}

std::string MutexModel::DescribeInput(const Input& in) const {
  return std::string(in.acquire ? "acquire" : "release") + (in.known ? "" : " (outcome unknown)");
}

Result<std::optional<MutexInput>> MutexModel::Decode(const Op& invoke, const Op* completion,
                                                     const std::string& source) const {
  const OpType outcome = completion ? completion->type : OpType::kInfo;
  if (invoke.f != "acquire" && invoke.f != "release") {
    return Status::InvalidInput(OpLocation(source, invoke) + "unknown f \"" + invoke.f +
                                "\" for the mutex model; expected acquire or release");
  }
  if (outcome == OpType::kFail) return std::optional<Input>();
  return std::optional<Input>(Input{invoke.f == "acquire", outcome == OpType::kOk});
}

}  // namespace faultline
