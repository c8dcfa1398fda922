#include "checkers/linearizability/register_model.h"

namespace faultline {

std::optional<int64_t> RegisterValue(const Value& v) {
  if (v.is_null()) return kNilValue;
  if (v.is_int() && v.as_int() != kNilValue) return v.as_int();
  return std::nullopt;
}

Result<RegisterModel> RegisterModel::Make(Flavor flavor, const ModelOptions& options) {
  std::optional<int64_t> init = RegisterValue(options.initial);
  if (!init) {
    return Status::InvalidArgument("--initial " + options.initial.ToJson() +
                                   ": a register's initial value must be an integer or null");
  }
  return RegisterModel(flavor, *init, options.nil_read_matches_any);
}

static std::string Show(int64_t v) { return v == kNilValue ? "nil" : std::to_string(v); }

std::string RegisterModel::DescribeState(State s) const { return Show(s); }

std::string RegisterModel::DescribeInput(const Input& in) const {
  std::string out;
  switch (in.kind) {
    case Input::Kind::kRead: out = "read " + Show(in.a); break;
    case Input::Kind::kWrite: out = "write " + Show(in.a); break;
    case Input::Kind::kCas: out = "cas " + Show(in.a) + "→" + Show(in.b); break;
    case Input::Kind::kFailedCas: out = "cas " + Show(in.a) + "→" + Show(in.b) + " (failed)"; break;
  }
  if (!in.known) out += " (outcome unknown)";
  return out;
}

static Status BadValue(const std::string& source, const Op& op, const std::string& what) {
  return Status::InvalidInput(OpLocation(source, op) + op.f + " value " + op.value.ToJson() +
                              " does not fit the register model; expected " + what);
}

Result<std::optional<RegisterInput>> RegisterModel::Decode(const Op& invoke, const Op* completion,
                                                           const std::string& source) const {
  const OpType outcome = completion ? completion->type : OpType::kInfo;
  Input in;
  in.known = outcome == OpType::kOk;
  if (invoke.f == "read") {
    if (outcome != OpType::kOk) return std::optional<Input>();  // result unknown: no constraint
    std::optional<int64_t> v = RegisterValue(completion->value);
    if (!v) return BadValue(source, *completion, "an integer or null");
    if (*v == kNilValue && nil_read_matches_any_) return std::optional<Input>();
    in.kind = Input::Kind::kRead;
    in.a = *v;
    return std::optional<Input>(in);
  }
  if (invoke.f == "write") {
    if (outcome == OpType::kFail) return std::optional<Input>();  // did not happen
    std::optional<int64_t> v = RegisterValue(invoke.value);
    if (!v) return BadValue(source, invoke, "an integer or null");
    in.kind = Input::Kind::kWrite;
    in.a = *v;
    return std::optional<Input>(in);
  }
  if (invoke.f == "cas" && flavor_ != Flavor::kRegister) {
    const Value& val = invoke.value;
    std::optional<int64_t> from, to;
    if (val.is_list() && val.as_list().size() == 2) {
      from = RegisterValue(val.as_list()[0]);
      to = RegisterValue(val.as_list()[1]);
    }
    if (!from || !to) return BadValue(source, invoke, "[expected, new] with integers or null");
    in.kind = Input::Kind::kCas;
    in.a = *from;
    in.b = *to;
    if (outcome == OpType::kFail) {
      if (flavor_ != Flavor::kEtcd) return std::optional<Input>();  // Knossos: did not happen
      in.kind = Input::Kind::kFailedCas;
      in.known = true;
    }
    return std::optional<Input>(in);
  }
  return Status::InvalidInput(
      OpLocation(source, invoke) + "unknown f \"" + invoke.f + "\" for the " +
      (flavor_ == Flavor::kRegister ? "register model; expected read or write"
                                    : "cas-register model; expected read, write or cas"));
}

}  // namespace faultline
