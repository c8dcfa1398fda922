// Reader for Porcupine's jepsen/etcd_NNN.log histories: jepsen.util log lines of one CAS
// register, "INFO  jepsen.util - <process>\t<type>\t<f>\t<value>" (tabs or runs of spaces).
// See shared/histories/porcupine/README.md. No shared state; safe to call from many threads.
#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/history_io.h"
#include "core/line_cursor.h"
#include "core/op_fill.h"
#include "core/utf8.h"

namespace faultline {
namespace {

// Texts shorter than twice this are parsed on one thread.
constexpr size_t kMinRangeBytes = size_t{4} << 20;

constexpr const char* kExpectedLine =
    "expected \"INFO  jepsen.util - <process> <type> <f> <value>\" separated by tabs or spaces, "
    "e.g. \"INFO  jepsen.util - 0 :invoke :read nil\"";

// The line being read, named in messages as "SOURCE:LINE: " (built only for an error: a
// string per line would cost more than the parse).
struct Where {
  const std::string& source;
  int64_t line;
  std::string at() const { return source + ":" + std::to_string(line) + ": "; }
};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// Removes and returns the first whitespace-separated token of *rest ("" if none).
std::string_view NextToken(std::string_view* rest) {
  *rest = Trim(*rest);
  size_t end = 0;
  while (end < rest->size() && !IsSpace((*rest)[end])) ++end;
  std::string_view tok = rest->substr(0, end);
  rest->remove_prefix(end);
  return tok;
}

std::optional<int64_t> ParseInt(std::string_view s) {
  int64_t v = 0;
  const char* e = s.data() + s.size();
  auto [p, ec] = std::from_chars(s.data(), e, v);
  if (s.empty() || ec != std::errc() || p != e) return std::nullopt;
  return v;
}

Status SetProcess(std::string_view tok, const Where& where, Op* op) {
  std::optional<int64_t> p = ParseInt(tok);
  if (!p || *p < 0) {
    return Status::InvalidInput(where.at() + "process \"" + std::string(tok) +
                                "\" is not valid; expected a non-negative integer");
  }
  op->process = *p;
  return Status::Ok();
}

Status SetType(std::string_view tok, const Where& where, Op* op) {
  std::optional<OpType> t;
  if (tok.starts_with(':')) t = ParseOpType(tok.substr(1));
  if (!t) {
    return Status::InvalidInput(where.at() + "unknown type \"" + std::string(tok) +
                                "\"; expected :invoke, :ok, :fail or :info");
  }
  op->type = *t;
  return Status::Ok();
}

Status SetF(std::string_view tok, const Where& where, Op* op) {
  if (tok != ":read" && tok != ":write" && tok != ":cas") {
    return Status::InvalidInput(where.at() + "unknown f \"" + std::string(tok) +
                                "\"; expected :read, :write or :cas");
  }
  op->f = tok.substr(1);
  return Status::Ok();
}

// nil or an integer.
std::optional<Value> ParseScalar(std::string_view s) {
  if (s == "nil") return Value();
  if (std::optional<int64_t> i = ParseInt(s)) return Value::Int(*i);
  return std::nullopt;
}

// nil, an integer, or a vector [a b …] of those.
std::optional<Value> ParseValue(std::string_view s) {
  if (!s.starts_with('[')) return ParseScalar(s);
  if (!s.ends_with(']')) return std::nullopt;
  std::string_view rest = s.substr(1, s.size() - 2);
  Value::List list;
  for (;;) {
    while (!rest.empty() && (IsSpace(rest.front()) || rest.front() == ',')) rest.remove_prefix(1);
    if (rest.empty()) break;
    size_t end = 0;
    while (end < rest.size() && !IsSpace(rest[end]) && rest[end] != ',') ++end;
    std::optional<Value> v = ParseScalar(rest.substr(0, end));
    if (!v) return std::nullopt;
    list.push_back(std::move(*v));
    rest.remove_prefix(end);
  }
  return Value::MakeList(std::move(list));
}

// Checks that `v` has the shape ARCHITECTURE §3 gives for op->f and op->type.
Status CheckShape(const Value& v, const Where& where, const Op& op) {
  const char* expected = nullptr;
  if (op.f == "read") {
    if (op.type == OpType::kInvoke && !v.is_null()) expected = "nil on a read invoke";
    if (op.type != OpType::kInvoke && !v.is_null() && !v.is_int()) {
      expected = "nil or an integer on a read completion";
    }
  } else if (op.f == "write") {
    if (!v.is_int()) expected = "an integer for a write";
  } else if (!v.is_list() || v.as_list().size() != 2 || !v.as_list()[0].is_int() ||
             !v.as_list()[1].is_int()) {
    expected = "[<from> <to>] (two integers) for a cas";
  }
  if (!expected) return Status::Ok();
  return Status::InvalidInput(where.at() + "value " + v.ToJson() + " is not valid; expected " +
                              expected);
}

Status SetValue(std::string_view tok, const Where& where, Op* op) {
  if (tok.starts_with(':')) {  // :timed-out and the like: the outcome is not known
    if (op->type == OpType::kInvoke || tok.size() == 1) {
      return Status::InvalidInput(where.at() + "value \"" + std::string(tok) +
                                  "\" is not valid here; a keyword value is only expected on a "
                                  "completion, e.g. \":info :cas :timed-out\"");
    }
    op->value = Value();
    op->error = tok.substr(1);
    return Status::Ok();
  }
  std::optional<Value> v = ParseValue(tok);
  if (!v) {
    return Status::InvalidInput(where.at() + "value \"" + std::string(tok) +
                                "\" is not valid; expected nil, an integer, [<from> <to>] or "
                                "a keyword such as :timed-out");
  }
  FAULTLINE_RETURN_IF_ERROR(CheckShape(*v, where, *op));
  op->value = std::move(*v);
  return Status::Ok();
}

// Reads line `s` into *op, a default Op.
Status ParseLine(std::string_view s, const Where& where, Op* op) {
  std::string_view rest = s;
  // Every line of Porcupine's files starts with exactly this; others are read token by token.
  constexpr std::string_view kPrefix = "INFO  jepsen.util - ";
  if (s.starts_with(kPrefix)) {
    rest.remove_prefix(kPrefix.size());
  } else if (NextToken(&rest) != "INFO" || NextToken(&rest) != "jepsen.util" ||
             NextToken(&rest) != "-") {
    return Status::InvalidInput(where.at() + "line does not start with \"INFO  jepsen.util - \"; " +
                                kExpectedLine);
  }
  std::string_view process = NextToken(&rest);
  std::string_view type = NextToken(&rest);
  std::string_view f = NextToken(&rest);
  std::string_view value = Trim(rest);
  if (value.empty()) {
    return Status::InvalidInput(where.at() + "fewer than 4 fields after \"jepsen.util - \"; " +
                                kExpectedLine);
  }
  FAULTLINE_RETURN_IF_ERROR(SetProcess(process, where, op));
  FAULTLINE_RETURN_IF_ERROR(SetType(type, where, op));
  FAULTLINE_RETURN_IF_ERROR(SetF(f, where, op));
  return SetValue(value, where, op);
}

}  // namespace

Result<std::vector<Op>> ParsePorcupineEtcdOps(std::string_view text, const std::string& source) {
  // One range per core, cut at line ends, each parsed on its own thread into its slots of the
  // one result vector (core/op_fill.h): one op per line at most, so a range's lines bound its
  // ops. A cut after a newline never splits a UTF-8 sequence, so the ranges are checked apart.
  const std::vector<std::string_view> ranges =
      SplitAtLines(text, RangeCount(text.size(), 0, kMinRangeBytes));
  const size_t n = ranges.size();
  std::vector<size_t> lines(n);
  std::vector<char> bad_utf8(n);
  RunRanges(n, [&](size_t i) {
    bad_utf8[i] = FindInvalidUtf8(ranges[i]) != std::string_view::npos;
    lines[i] = CountLines(ranges[i]);
  });
  if (std::find(bad_utf8.begin(), bad_utf8.end(), 1) != bad_utf8.end()) {
    return CheckUtf8(text, source);  // the message names the first bad byte's line
  }
  std::vector<Op> ops;
  std::vector<OpSlots> slots = MakeSlots(&ops, lines);
  std::vector<Status> status(n);
  RunRanges(n, [&](size_t i) {
    int64_t first_line = 0;  // lines before range i (only the last range can end unterminated)
    for (size_t j = 0; j < i; ++j) first_line += int64_t(lines[j]);
    OpSlots& out = slots[i];
    for (LineCursor cur(ranges[i]); cur.Next();) {
      const int64_t line = first_line + cur.number();
      std::string_view s = Trim(cur.line());
      if (s.empty()) continue;
      Op* op = out.Add();
      op->line = line;
      if (Status st = ParseLine(s, Where{source, line}, op); !st.ok()) {
        status[i] = std::move(st);
        return;
      }
    }
  });
  for (const Status& s : status) {
    if (!s.ok()) return s;
  }
  CloseGaps(&ops, slots);
  return ops;
}

}  // namespace faultline
