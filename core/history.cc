#include "core/history.h"

#include <algorithm>
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
  if (role) {
    out += ",\"role\":";
    AppendJsonString(*role, &out);
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

namespace {

// Each process's open invoke while History::Make walks the ops. Process ids are small
// integers in every history we know (Jepsen's, Porcupine's, ours): a flat table then, a hash
// map for the rare history with huge ids (a million-op history spent 40% of pairing hashing).
class OpenInvokes {
 public:
  explicit OpenInvokes(const std::vector<Op>& ops) {
    int64_t max = -1;
    bool negative = false;  // a client process below 0: only the map can hold it
    for (const Op& op : ops) {
      max = std::max(max, op.process);
      negative |= op.process < 0 && !op.is_nemesis();
    }
    use_map_ = negative || max >= int64_t{1} << 24 || max > 4 * int64_t(ops.size()) + 1024;
    if (!use_map_) flat_.assign(max + 1, -1);
  }
  // The index of `process`'s open invoke, or -1.
  int64_t Get(int64_t process) const {
    if (!use_map_) return flat_[process];
    auto it = map_.find(process);
    return it == map_.end() ? -1 : it->second;
  }
  void Set(int64_t process, int64_t index) {
    if (use_map_) map_[process] = index;
    else flat_[process] = index;
  }
  void Clear(int64_t process) {
    if (use_map_) map_.erase(process);
    else flat_[process] = -1;
  }

 private:
  bool use_map_ = false;
  std::vector<int64_t> flat_;
  std::unordered_map<int64_t, int64_t> map_;
};

// Pairs nemesis op `i` loosely: a completion closes the open nemesis invoke of the same f
// (faultline and Jepsen record a fault as invoke + info); one with none stands alone (faultline
// recorded one info per fault before it stamped the invoke); an invoke never completed stays
// pending. Never an error: faults are not checked, only shown.
void PairNemesis(const std::vector<Op>& ops, size_t i, int64_t* open,
                 std::vector<int64_t>* partner) {
  if (ops[i].type == OpType::kInvoke) {
    *open = static_cast<int64_t>(i);
    return;
  }
  if (*open >= 0 && ops[*open].f == ops[i].f) {
    (*partner)[i] = *open;
    (*partner)[*open] = static_cast<int64_t>(i);
  }
  *open = -1;
}

}  // namespace

Result<History> History::Make(std::vector<Op> ops, const std::string& source) {
  History h;
  h.partner_.assign(ops.size(), -1);
  OpenInvokes open(ops);  // process -> index of its open invoke
  int64_t nemesis_open = -1;
  for (size_t i = 0; i < ops.size(); ++i) {
    Op& op = ops[i];
    op.index = static_cast<int64_t>(i);
    if (op.is_nemesis()) {
      PairNemesis(ops, i, &nemesis_open, &h.partner_);
      continue;
    }
    const int64_t open_at = open.Get(op.process);
    if (op.type == OpType::kInvoke) {
      if (open_at >= 0) {
        return Status::InvalidInput(
            OpLocation(source, op) + "process " + std::to_string(op.process) +
            " invokes again while its op at line " + std::to_string(ops[open_at].SourceLine()) +
            " is still open; expected an ok/fail/info completion first");
      }
      open.Set(op.process, op.index);
      continue;
    }
    if (open_at < 0) {
      return Status::InvalidInput(OpLocation(source, op) + "a " + OpTypeName(op.type) +
                                  " completion for process " + std::to_string(op.process) +
                                  " with no open invoke; expected an invoke first");
    }
    const Op& inv = ops[open_at];
    if (inv.f != op.f) {
      return Status::InvalidInput(OpLocation(source, op) + "completion has f \"" + op.f +
                                  "\" but its invoke has f \"" + inv.f + "\"");
    }
    if (op.key && inv.key && op.key != inv.key) {
      return Status::InvalidInput(OpLocation(source, op) + "completion has key \"" + *op.key +
                                  "\" but its invoke has key \"" + *inv.key + "\"");
    }
    if (!op.key && inv.key) op.key = inv.key;
    h.partner_[i] = open_at;
    h.partner_[open_at] = op.index;
    open.Clear(op.process);
  }
  h.ops_ = std::move(ops);
  return h;
}

}  // namespace faultline
