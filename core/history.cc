#include "core/history.h"

#include <unordered_map>

namespace faultline {

const char* OpTypeName(OpType t) {
  switch (t) {
    case OpType::kInvoke: return "invoke";
    case OpType::kOk: return "ok";
    case OpType::kFail: return "fail";
    case OpType::kInfo: return "info";
  }
  return "?";
}

std::optional<OpType> ParseOpType(std::string_view s) {
  if (s == "invoke") return OpType::kInvoke;
  if (s == "ok") return OpType::kOk;
  if (s == "fail") return OpType::kFail;
  if (s == "info") return OpType::kInfo;
  return std::nullopt;
}

std::string Op::ToJson() const {
  std::string out = "{\"index\":" + std::to_string(index) + ",\"time\":" + std::to_string(time);
  out += ",\"process\":";
  if (is_nemesis()) {
    out += "\"nemesis\"";
  } else {
    out += std::to_string(process);
  }
  out += ",\"type\":\"";
  out += OpTypeName(type);
  out += "\",\"f\":";
  AppendJsonString(f, &out);
  if (final) out += ",\"final\":true";
  if (key) {
    out += ",\"key\":";
    AppendJsonString(*key, &out);
  }
  out += ",\"value\":";
  value.AppendJson(&out);
  if (node) {
    out += ",\"node\":";
    AppendJsonString(*node, &out);
  }
  if (error) {
    out += ",\"error\":";
    AppendJsonString(*error, &out);
  }
  out += '}';
  return out;
}

std::string OpLocation(const std::string& source, const Op& op) {
  return source + ":" + std::to_string(op.SourceLine()) + ": ";
}

Result<History> History::Make(std::vector<Op> ops, const std::string& source) {
  History h;
  h.partner_.assign(ops.size(), -1);
  std::unordered_map<int64_t, int64_t> open;  // process -> index of its open invoke
  for (size_t i = 0; i < ops.size(); ++i) {
    Op& op = ops[i];
    op.index = static_cast<int64_t>(i);
    if (op.is_nemesis()) continue;
    if (op.type == OpType::kInvoke) {
      auto [it, fresh] = open.try_emplace(op.process, op.index);
      if (!fresh) {
        return Status::InvalidInput(
            OpLocation(source, op) + "process " + std::to_string(op.process) +
            " invokes again while its op at line " +
            std::to_string(ops[it->second].SourceLine()) +
            " is still open; expected an ok/fail/info completion first");
      }
      continue;
    }
    auto it = open.find(op.process);
    if (it == open.end()) {
      return Status::InvalidInput(OpLocation(source, op) + "a " + OpTypeName(op.type) +
                                  " completion for process " + std::to_string(op.process) +
                                  " with no open invoke; expected an invoke first");
    }
    const Op& inv = ops[it->second];
    if (inv.f != op.f) {
      return Status::InvalidInput(OpLocation(source, op) + "completion has f \"" + op.f +
                                  "\" but its invoke has f \"" + inv.f + "\"");
    }
    if (op.key && inv.key && *op.key != *inv.key) {
      return Status::InvalidInput(OpLocation(source, op) + "completion has key \"" + *op.key +
                                  "\" but its invoke has key \"" + *inv.key + "\"");
    }
    if (!op.key && inv.key) op.key = inv.key;
    h.partner_[i] = it->second;
    h.partner_[it->second] = op.index;
    open.erase(it);
  }
  h.ops_ = std::move(ops);
  return h;
}

}  // namespace faultline
