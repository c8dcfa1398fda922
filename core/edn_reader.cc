// Jepsen EDN history reader (ARCHITECTURE §3): maps the op maps that EdnReader (core/edn.h)
// reads to Ops, including jepsen.independent [k v] tuples. Op maps of the usual shapes are
// taken entry by entry (OpVisitor: no Value built for the map, scalars read in place, ~10x
// faster); any other form is read as a Value and converted by OpFromForm, whose checks and
// messages are the reference the fast path defers to.
// ParseEdnOps keeps all state on its stack, so it is safe to call from many threads.
#include "core/edn_reader.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "core/edn.h"
#include "core/history_io.h"
#include "core/huge_pages.h"
#include "core/op_fill.h"
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
    std::string shown = v.is_string() ? ":" + std::string(v.as_string()) : Show(v);
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
    if (!v.is_null()) op->error = v.is_string() ? std::string(v.as_string()) : v.ToJson();
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

// The fields OpVisitor handles; kOther (:index, and the many keys Jepsen adds) are ignored.
enum class Field : uint8_t { kProcess, kType, kF, kTime, kKey, kNode, kError, kValue, kOther };

Field FieldNamed(std::string_view name) {
  static constexpr std::pair<std::string_view, Field> kFields[] = {
      {"process", Field::kProcess}, {"type", Field::kType},  {"f", Field::kF},
      {"time", Field::kTime},       {"key", Field::kKey},    {"node", Field::kNode},
      {"error", Field::kError},     {"value", Field::kValue}};
  for (const auto& [n, field] : kFields) {
    if (name == n) return field;
  }
  return Field::kOther;
}

// The Value that EdnReader would have built for `s`.
Value ScalarValue(const EdnScalar& s) {
  switch (s.kind) {
    case EdnScalar::Kind::kNil:
      return Value();
    case EdnScalar::Kind::kBool:
      return Value::Bool(s.b);
    case EdnScalar::Kind::kInt:
      return Value::Int(s.i);
    case EdnScalar::Kind::kText:
      return Value::String(std::string(s.text));
  }
  return Value();
}

// How an op's :value was read: as it is, or as a jepsen.independent [key value] tuple taken
// apart on the way (the key in op.key, the value in op.value; Resolve puts it back together
// if the history turns out not to be independent).
enum class Split : uint8_t { kNone, kIntKey, kTextKey };

// A split tuple put back together as the general reader would have read it: [key second],
// the key an integer or a string as `split` says.
Value Tuple(std::string_view key, Split split, Value second) {
  Value first;
  if (split == Split::kTextKey) {
    first = Value::String(key);
  } else {
    int64_t i = 0;
    std::from_chars(key.data(), key.data() + key.size(), i);
    first = Value::Int(i);
  }
  return Value::MakeList(Value::List{std::move(first), std::move(second)});
}

// Builds an Op from an op map's entries as EdnReader reads them (ParseEdnOps's fast path).
// The common scalar shapes are set in place; any other value goes through SetField as a
// Value, exactly as OpFromForm would set it. Whatever OpFromForm would refuse (a missing
// field, a bad value) makes it give up, so that OpFromForm reads the map and says why.
class OpVisitor final : public EdnMapVisitor {
 public:
  explicit OpVisitor(const std::string& source) : source_(source) {}

  // The op the next map fills, in place (moving 200 bytes and four strings per op cost a
  // tenth of the parse). REQUIRES: a default Op, given anew before each map.
  void FillInto(Op* op) { op_ = op; }

  void Begin(int64_t line) override {
    op_->line = line;
    required_ = 0;
    split_ = Split::kNone;
  }
  bool Entry(std::string_view name, EdnValueSource& value) override {
    const Field field = FieldNamed(name);
    if (field == Field::kOther) return true;  // the reader reads and drops the value
    if (field <= Field::kF) required_ |= 1u << static_cast<int>(field);
    EdnScalar s;
    Value v;
    if (value.Scalar(&s)) {
      if (SetScalar(field, s)) return true;
      v = ScalarValue(s);
    } else if (field == Field::kValue && value.Pair(&s, &op_->value)) {
      SetPairKey(s);
      return true;
    } else if (!value.Read(&v)) {
      return false;
    }
    const std::string at = source_ + ":" + std::to_string(op_->line) + ": ";
    return SetField(std::string(name), std::move(v), at, op_).ok();
  }
  bool End() override {
    if (required_ != 7) return false;  // :process, :type and :f must all be present
    if (split_ != Split::kNone) {
      if (op_->key) {  // an explicit :key: not jepsen.independent, the tuple stays whole
        op_->value = Tuple(*pair_key_, split_, std::move(op_->value));
        split_ = Split::kNone;
      } else {
        op_->key = pair_key_;
      }
    }
    return true;
  }
  // How the last op map's :value was read.
  Split split() const { return split_; }

 private:
  void SetPairKey(const EdnScalar& key) {
    if (key.kind == EdnScalar::Kind::kInt) {
      char buf[24];
      const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, key.i);
      pair_key_ = std::string_view(buf, size_t(end - buf));
      split_ = Split::kIntKey;
    } else {
      pair_key_ = key.text;
      split_ = Split::kTextKey;
    }
  }

  // The shapes SetField accepts, set without a Value; false: leave `s` to SetField.
  bool SetScalar(Field field, const EdnScalar& s) {
    using K = EdnScalar::Kind;
    switch (field) {
      case Field::kProcess:
        if (s.kind != K::kInt || s.i < 0) return false;
        op_->process = s.i;
        return true;
      case Field::kType: {
        std::optional<OpType> t;
        if (s.kind == K::kText) t = ParseOpType(s.text);
        if (t) op_->type = *t;
        return t.has_value();
      }
      case Field::kF:
        if (s.kind != K::kText || s.text.empty()) return false;
        op_->f = s.text;
        return true;
      case Field::kTime:
        if (s.kind == K::kInt) op_->time = s.i;
        return s.kind == K::kInt;
      case Field::kKey:
      case Field::kNode:
        if (s.kind == K::kText) (field == Field::kKey ? op_->key : op_->node) = s.text;
        return s.kind == K::kText || s.kind == K::kNil;
      case Field::kValue:
        op_->value = ScalarValue(s);
        return true;
      default:
        return false;
    }
  }

  const std::string& source_;
  Op* op_ = nullptr;
  uint32_t required_ = 0;  // bits of Field::kProcess, kType, kF seen
  Split split_ = Split::kNone;
  MaybeSymbol pair_key_;  // the tuple's key, while the map's other entries are read
};

// Ops read in file order, and how each one's value was read (Split).
struct ReadOps {
  std::vector<Op> ops;
  std::vector<Split> split;
};

// jepsen.independent wraps every client op's value in a [key value] tuple, reads included
// ([k nil]). Plain histories have 2-element values too (cas [from to], two-op txns), so a
// history counts as independent only if EVERY client (non-nemesis) op's value is a 2-element
// list whose first element is a scalar, no op has an explicit :key, and there is at least
// one client op. (A history made only of cas ops would be misread; Jepsen's register
// workloads always include reads and writes, whose values are not pairs.)
// An op whose tuple was split while reading counts as such a 2-element value.
bool IsIndependent(const ReadOps& read) {
  bool any = false;
  for (size_t i = 0; i < read.ops.size(); ++i) {
    const Op& op = read.ops[i];
    if (op.is_nemesis()) continue;
    any = true;
    if (read.split[i] != Split::kNone) continue;
    if (op.key || !op.value.is_list() || op.value.as_list().size() != 2) return false;
    const Value& k = op.value.as_list()[0];
    if (k.is_list() || k.is_map()) return false;
  }
  return any;
}

// Splits every client op's tuple if the history is independent (those the reader split stay
// so), else puts back together every tuple the reader split; nemesis ops are never split.
std::vector<Op> Resolve(ReadOps read) {
  const bool independent = IsIndependent(read);
  for (size_t i = 0; i < read.ops.size(); ++i) {
    Op& op = read.ops[i];
    const bool split = read.split[i] != Split::kNone;
    if (split && (!independent || op.is_nemesis())) {
      op.value = Tuple(*op.key, read.split[i], std::move(op.value));
      op.key.reset();
    } else if (!split && independent && !op.is_nemesis()) {
      Value::List pair = std::move(op.value).TakeList();
      op.key = EdnKeyText(pair[0]);
      op.value = std::move(pair[1]);
    }
  }
  return std::move(read.ops);
}

// Room for the ops of `text` at once: growing the vector instead would copy each op about
// twice and touch twice the memory, as much time as the parse itself. Every op map has a '{',
// and real ones take 48 bytes or more (Porcupine's kv lines 59-600, Jepsen's maps ~90): the
// bound keeps a text full of braces in values from reserving many times its size. Pages past
// the ops actually read are reserved but never touched; a history of smaller maps only
// makes the vector grow.
size_t ExpectedOps(std::string_view text) {
  const auto braces = static_cast<size_t>(std::count(text.begin(), text.end(), '{'));
  return std::min(braces, text.size() / 48 + 1);
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

// Where ParseForms puts the ops it reads: a vector that grows (VectorOut), or a range's slots
// of one vector filled by several threads (SlotOut). Add gives a default Op to fill in (or
// give back with DropLast), SetSplit says how the last one's value was read.
class VectorOut {
 public:
  // Room for `expected` ops at once: growing the vector instead would copy each op about twice.
  VectorOut(ReadOps* read, size_t expected) : read_(*read) {
    read_.ops.reserve(expected);
    read_.split.reserve(expected);
    AdviseHugePages(read_.ops.data(), read_.ops.capacity() * sizeof(Op));
  }
  bool full() const { return false; }
  Op* Add() { return &read_.ops.emplace_back(); }
  void DropLast() { read_.ops.pop_back(); }
  void SetSplit(Split s) { read_.split.push_back(s); }

 private:
  ReadOps& read_;
};

class SlotOut {
 public:
  // `split`: where the split of the op in slots.begin()[i] goes, at split[i].
  SlotOut(OpSlots* slots, Split* split) : slots_(*slots), split_(split) {}
  bool full() const { return slots_.full(); }
  Op* Add() { return slots_.Add(); }
  void DropLast() { slots_.DropLast(); }
  void SetSplit(Split s) { split_[slots_.used() - 1] = s; }

 private:
  OpSlots& slots_;
  Split* split_;
};

// The op maps are the elements of one top-level vector or list, or else every top-level form;
// in file order, before the jepsen.independent split, into `out`. Line numbers count from
// `first_line`. An `out` that is full gives up with an Internal status.
template <typename Out>
Status ParseForms(std::string_view text, const std::string& source, EdnOpPath path,
                  int64_t first_line, Out& out) {
  FAULTLINE_RETURN_IF_ERROR(CheckUtf8(text, source));
  EdnReader reader(text, source);
  Result<std::optional<EdnOpening>> opening = reader.EnterSequence();
  if (!opening.ok()) return opening.status();
  OpVisitor visitor(source);
  const int64_t shift = first_line - 1;
  for (;;) {
    if (out.full()) return Status::Internal("more op maps than slots");
    EdnForm form;
    Op* slot = out.Add();
    visitor.FillInto(slot);
    Result<EdnNext> next =
        reader.NextVisiting(path == EdnOpPath::kFast ? &visitor : nullptr, &form);
    if (next.ok() && *next == EdnNext::kVisited) {
      slot->line += shift;
      out.SetSplit(visitor.split());
      continue;
    }
    out.DropLast();  // the slot, left as it was if the visitor gave up
    if (!next.ok()) return next.status();
    if (*next == EdnNext::kEnd) break;
    Result<Op> op = OpFromForm(std::move(form), source);
    if (!op.ok()) return op.status();
    op->line += shift;
    *out.Add() = std::move(op).value();
    out.SetSplit(Split::kNone);
  }
  if (*opening) FAULTLINE_RETURN_IF_ERROR(CheckNothingAfter(reader, **opening));
  return Status::Ok();
}

// A history of op maps, one per line — top-level (Porcupine's kv logs, Jepsen's history.edn) or
// the elements of one vector or list — is cut into one range per core at lines that open a
// map ("\n{"), parsed in parallel into one vector (core/op_fill.h). A form that crosses a cut
// (a string, tag or map spanning lines) leaves its range unfinished, which is an error there;
// any error returns nullopt, and the caller parses the whole text in one go, so messages stay
// exact.
constexpr size_t kMinRangeBytes = size_t{4} << 20;

// The op maps' part of `text`: all of it, or what lies between the brackets of a top-level
// vector or list that ends the text; nullopt if it cannot be cut (anything else, or small).
std::optional<std::string_view> Inner(std::string_view text) {
  const size_t first = text.find_first_not_of(" \t\r\n,");
  if (first == std::string_view::npos || text.size() < 2 * kMinRangeBytes) return std::nullopt;
  if (text[first] == '{') return text;
  const size_t last = text.find_last_not_of(" \t\r\n,");
  const char close = text[first] == '[' ? ']' : text[first] == '(' ? ')' : '\0';
  if (close == '\0' || text[last] != close) return std::nullopt;
  std::string_view inner = text.substr(first + 1, last - first - 1);
  const size_t map = inner.find_first_not_of(" \t\r\n,");
  if (map == std::string_view::npos || inner[map] != '{') return std::nullopt;
  return inner;
}

std::vector<std::string_view> CutAtMapLines(std::string_view inner) {
  const size_t n = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8);
  std::vector<std::string_view> ranges;
  const size_t step = std::max(kMinRangeBytes, inner.size() / n);
  size_t begin = 0;
  while (n > 1 && inner.size() - begin > step + kMinRangeBytes / 2) {
    const size_t cut = inner.find("\n{", begin + step);
    if (cut == std::string_view::npos) break;
    ranges.push_back(inner.substr(begin, cut + 1 - begin));
    begin = cut + 1;
  }
  ranges.push_back(inner.substr(begin));
  return ranges;
}

std::optional<ReadOps> ParseInRanges(std::string_view text, const std::string& source,
                                     EdnOpPath path) {
  const std::optional<std::string_view> inner = Inner(text);
  if (!inner) return std::nullopt;
  const std::vector<std::string_view> ranges = CutAtMapLines(*inner);
  const size_t n = ranges.size();
  if (n < 2) return std::nullopt;
  // Every op map opens with a '{', so a range's braces bound its ops (+1: the slot the loop
  // adds before it finds the end); counted on each range's thread. The slots are default Ops
  // written before parsing: a text whose values are full of maps goes to the serial path.
  std::vector<size_t> bound(n);
  std::vector<int64_t> newlines(n);
  RunRanges(n, [&](size_t i) {
    const ByteCounts counts = CountBytes(ranges[i], '{', '\n');
    bound[i] = counts.a + 1;
    newlines[i] = int64_t(counts.b);
  });
  size_t total = 0;
  for (size_t b : bound) total += b;
  if (total > text.size() / 32 + n) return std::nullopt;
  std::vector<int64_t> first_line(n, 1);
  first_line[0] += std::count(text.data(), inner->data(), '\n');  // lines before the opening
  for (size_t i = 1; i < n; ++i) first_line[i] = first_line[i - 1] + newlines[i - 1];
  ReadOps read;
  std::vector<OpSlots> slots = MakeSlots(&read.ops, bound);
  read.split.resize(total);
  std::vector<Status> status(n);
  RunRanges(n, [&](size_t i) {
    SlotOut out(&slots[i], read.split.data() + (slots[i].begin() - read.ops.data()));
    status[i] = ParseForms(ranges[i], source, path, first_line[i], out);
  });
  for (const Status& s : status) {
    if (!s.ok()) return std::nullopt;
  }
  // The splits follow their ops down the gaps.
  size_t to = 0;
  for (const OpSlots& s : slots) {
    const size_t from = size_t(s.begin() - read.ops.data());
    std::copy(read.split.begin() + from, read.split.begin() + from + s.used(),
              read.split.begin() + to);
    to += s.used();
  }
  read.split.resize(to);
  CloseGaps(&read.ops, slots);
  return read;
}

}  // namespace

Result<std::vector<Op>> ParseEdnOpsVia(std::string_view text, const std::string& source,
                                       EdnOpPath path) {
  if (std::optional<ReadOps> parallel = ParseInRanges(text, source, path)) {
    return Resolve(std::move(*parallel));
  }
  ReadOps serial;
  VectorOut out(&serial, ExpectedOps(text) + 1);
  FAULTLINE_RETURN_IF_ERROR(ParseForms(text, source, path, 1, out));
  return Resolve(std::move(serial));
}

}  // namespace faultline

namespace faultline {

Result<std::vector<Op>> ParseEdnOps(std::string_view text, const std::string& source) {
  return ParseEdnOpsVia(text, source, EdnOpPath::kFast);
}

}  // namespace faultline
