// Jepsen EDN history reader (ARCHITECTURE §3): maps the op maps that EdnReader (core/edn.h)
// reads to Ops, including jepsen.independent [k v] tuples.
// ParseEdnOps keeps all state on its stack, so it is safe to call from many threads.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/edn.h"
#include "core/history_io.h"
#include "core/utf8.h"

namespace faultline {
namespace {

// A value shortened for messages.
std::string Show(const Value& v) {
  std::string s = v.ToJson();
  return s.size() <= 40 ? s : s.substr(0, 37) + "...";
}

Status SetProcess(const Value& v, const std::string& at, Op* op) {
  if (v.is_int() && v.as_int() >= 0) {
    op->process = v.as_int();
  } else if (v.is_string() && v.as_string() == "nemesis") {
    op->process = kNemesisProcess;
  } else {
    return Status::InvalidInput(at + "process " + Show(v) +
                                " is not valid; expected a non-negative integer or :nemesis");
  }
  return Status::Ok();
}

Status SetType(const Value& v, const std::string& at, Op* op) {
  std::optional<OpType> t;
  if (v.is_string()) t = ParseOpType(v.as_string());
  if (!t) {
    std::string shown = v.is_string() ? ":" + v.as_string() : Show(v);
    return Status::InvalidInput(at + "unknown type " + shown +
                                "; expected :invoke, :ok, :fail or :info");
  }
  op->type = *t;
  return Status::Ok();
}

// :key and :node: a keyword, string or integer; nil means absent.
Status SetText(const Value& v, const char* field, const std::string& at,
               MaybeSymbol* out) {
  if (v.is_null()) return Status::Ok();
  if (!v.is_string() && !v.is_int()) {
    return Status::InvalidInput(at + ":" + field + " " + Show(v) +
                                " is not valid; expected a string, keyword or integer");
  }
  *out = EdnKeyText(v);
  return Status::Ok();
}

// Sets the field named `k`; :value is moved out of `v`.
Status SetField(const std::string& k, Value&& v, const std::string& at, Op* op) {
  if (k == "process") return SetProcess(v, at, op);
  if (k == "type") return SetType(v, at, op);
  if (k == "f") {
    if (!v.is_string() || v.as_string().empty()) {
      return Status::InvalidInput(at + ":f " + Show(v) +
                                  " is not valid; expected a keyword or string such as :read");
    }
    op->f = v.as_string();
  } else if (k == "time") {
    if (!v.is_int()) {
      return Status::InvalidInput(at + ":time " + Show(v) +
                                  " is not valid; expected integer nanoseconds");
    }
    op->time = v.as_int();
  } else if (k == "key" || k == "node") {
    return SetText(v, k.c_str(), at, k == "key" ? &op->key : &op->node);
  } else if (k == "error") {
    if (!v.is_null()) op->error = v.is_string() ? v.as_string() : v.ToJson();
  } else if (k == "value") {
    op->value = std::move(v);
  }
  // :index is recomputed from the position; other keys (Jepsen adds many) are ignored.
  return Status::Ok();
}

Result<Op> OpFromForm(EdnForm form, const std::string& source) {
  const std::string at = source + ":" + std::to_string(form.line) + ": ";
  if (!form.value.is_map()) {
    return Status::InvalidInput(at + "top-level form " + Show(form.value) +
                                " is not a map; expected an op map such as "
                                "{:process 0, :type :invoke, :f :read, :value nil}");
  }
  static constexpr std::pair<const char*, const char*> kRequired[] = {
      {"process", "an integer or :nemesis"},
      {"type", ":invoke, :ok, :fail or :info"},
      {"f", "the operation name, e.g. :read"}};
  for (const auto& [field, expected] : kRequired) {
    if (!form.value.Find(field)) {
      return Status::InvalidInput(at + "missing :" + field + "; expected " + expected);
    }
  }
  Op op;
  op.line = form.line;
  for (auto& [k, v] : std::move(form.value).TakeMap()) {
    FAULTLINE_RETURN_IF_ERROR(SetField(k, std::move(v), at, &op));
  }
  return op;
}

// jepsen.independent wraps every client op's value in a [key value] tuple, reads included
// ([k nil]). Plain histories have 2-element values too (cas [from to], two-op txns), so a
// history counts as independent only if EVERY client (non-nemesis) op's value is a 2-element
// list whose first element is a scalar, no op has an explicit :key, and there is at least
// one client op. (A history made only of cas ops would be misread; Jepsen's register
// workloads always include reads and writes, whose values are not pairs.)
bool IsIndependent(const std::vector<Op>& ops) {
  bool any = false;
  for (const Op& op : ops) {
    if (op.is_nemesis()) continue;
    if (op.key || !op.value.is_list() || op.value.as_list().size() != 2) return false;
    const Value& k = op.value.as_list()[0];
    if (k.is_list() || k.is_map()) return false;
    any = true;
  }
  return any;
}

void SplitIndependent(std::vector<Op>* ops) {
  for (Op& op : *ops) {
    if (op.is_nemesis()) continue;
    Value::List pair = std::move(op.value).TakeList();
    op.key = EdnKeyText(pair[0]);
    op.value = std::move(pair[1]);
  }
}

// After the closing bracket of a top-level vector or list, only blanks may follow.
Status CheckNothingAfter(EdnReader& reader, const EdnOpening& opening) {
  Result<bool> end = reader.AtEnd();
  if (!end.ok()) return end.status();
  if (*end) return Status::Ok();
  return reader.Error(reader.line(), std::string("content after the top-level ") +
                                         (opening.bracket == '[' ? "vector" : "list") +
                                         " opened at line " + std::to_string(opening.line) +
                                         "; expected one vector of op maps, or op maps only");
}

}  // namespace

// The op maps are the elements of one top-level vector or list, or else every top-level form.
Result<std::vector<Op>> ParseEdnOps(std::string_view text, const std::string& source) {
  FAULTLINE_RETURN_IF_ERROR(CheckUtf8(text, source));
  EdnReader reader(text, source);
  Result<std::optional<EdnOpening>> opening = reader.EnterSequence();
  if (!opening.ok()) return opening.status();
  std::vector<Op> ops;
  for (;;) {
    EdnForm form;
    Result<bool> more = reader.Next(&form);
    if (!more.ok()) return more.status();
    if (!*more) break;
    Result<Op> op = OpFromForm(std::move(form), source);
    if (!op.ok()) return op.status();
    ops.push_back(std::move(op).value());
  }
  if (*opening) FAULTLINE_RETURN_IF_ERROR(CheckNothingAfter(reader, **opening));
  if (IsIndependent(ops)) SplitIndependent(&ops);
  return ops;
}

}  // namespace faultline
