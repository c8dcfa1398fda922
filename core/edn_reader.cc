// Jepsen EDN history reader (ARCHITECTURE §3): a small recursive-descent EDN parser, and the
// mapping from op maps to Ops, including jepsen.independent [k v] tuples.
// ParseEdnOps keeps all state on its stack, so it is safe to call from many threads.
#include <charconv>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/history_io.h"

namespace faultline {
namespace {

constexpr int kMaxDepth = 64;

bool IsBlank(char c) {
  return c == ' ' || c == ',' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

bool IsCloser(char c) { return c == ')' || c == ']' || c == '}'; }

bool IsDelimiter(char c) {
  return IsBlank(c) || IsCloser(c) || c == '(' || c == '[' || c == '{' || c == '"' || c == ';';
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Characters EDN allows in symbols and keywords besides letters and digits (bytes >= 0x80
// are accepted too, for UTF-8 names).
bool IsSymbolChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || IsDigit(c) ||
         static_cast<unsigned char>(c) >= 0x80 ||
         std::string_view(".*+!-_?$%&=<>/:#'").find(c) != std::string_view::npos;
}

// The printed form of a map key or tuple key: strings (keywords and symbols are read as
// strings) as they are, integers in decimal, anything else as compact JSON.
std::string KeyText(const Value& v) {
  if (v.is_string()) return v.as_string();
  if (v.is_int()) return std::to_string(v.as_int());
  return v.ToJson();
}

// A value shortened for messages.
std::string Show(const Value& v) {
  std::string s = v.ToJson();
  return s.size() <= 40 ? s : s.substr(0, 37) + "...";
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
    return;
  }
  static constexpr uint32_t kLead[] = {0, 0xC0, 0xE0, 0xF0};
  const int extra = cp < 0x800 ? 1 : cp < 0x10000 ? 2 : 3;  // continuation bytes
  out->push_back(static_cast<char>(kLead[extra] | (cp >> (6 * extra))));
  for (int i = extra - 1; i >= 0; --i) {
    out->push_back(static_cast<char>(0x80 | ((cp >> (6 * i)) & 0x3F)));
  }
}

// Reads EDN forms from a text, tracking the 1-based line for messages. Keywords (:a, :ns/a)
// and symbols become strings without the colon, sets and lists become lists, tagged literals
// (#inst "…", #jepsen.history.Op{…}) become the form after the tag.
class EdnParser {
 public:
  EdnParser(std::string_view text, const std::string& source) : text_(text), source_(source) {}

  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return text_[pos_]; }
  int64_t line() const { return line_; }
  void Advance() {
    if (text_[pos_++] == '\n') ++line_;
  }
  Status Error(int64_t line, const std::string& what) const {
    return Status::InvalidInput(source_ + ":" + std::to_string(line) + ": " + what);
  }

  // Skips whitespace, commas, ; comments and #_ discarded forms.
  Status SkipBlank(int depth);
  // Reads one form. REQUIRES: SkipBlank() was called and !AtEnd().
  Status ReadForm(int depth, Value* out);
  // Reads forms up to `close`, after the opener `open` (already consumed), calling
  // on_form(Value form, int64_t line_where_it_starts) -> Status for each.
  template <typename OnForm>
  Status ReadSeq(std::string_view open, char close, int depth, OnForm on_form);
  // The same, appending the forms to `out`.
  Status ReadList(std::string_view open, char close, int depth, Value::List* out) {
    return ReadSeq(open, close, depth, [out](Value v, int64_t) {
      out->push_back(std::move(v));
      return Status::Ok();
    });
  }

 private:
  Status ReadString(Value* out);
  Status ReadEscape(std::string* out);
  Status ReadHex4(uint32_t* out);
  Status ReadChar(Value* out);
  Status ReadMap(int depth, Value* out);
  Status ReadDispatch(int depth, Value* out);
  Status ReadAtom(Value* out);
  Status ParseNumber(std::string_view tok, Value* out);
  std::string_view ReadToken();

  std::string_view text_;
  const std::string& source_;
  size_t pos_ = 0;
  int64_t line_ = 1;
};

Status EdnParser::SkipBlank(int depth) {
  if (depth > kMaxDepth) return Error(line_, "#_ nested deeper than 64 levels");
  while (!AtEnd()) {
    char c = Peek();
    if (IsBlank(c)) {
      Advance();
    } else if (c == ';') {
      while (!AtEnd() && Peek() != '\n') Advance();
    } else if (c == '#' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '_') {
      int64_t at = line_;
      pos_ += 2;
      FAULTLINE_RETURN_IF_ERROR(SkipBlank(depth + 1));
      if (AtEnd() || IsCloser(Peek())) {
        return Error(at, "#_ has nothing after it; expected a form to discard");
      }
      Value ignored;
      FAULTLINE_RETURN_IF_ERROR(ReadForm(depth + 1, &ignored));
    } else {
      break;
    }
  }
  return Status::Ok();
}

Status EdnParser::ReadForm(int depth, Value* out) {
  if (depth > kMaxDepth) {
    return Error(line_, "value nested deeper than 64 levels; expected a flatter value");
  }
  const char c = Peek();
  if (c == '"') return ReadString(out);
  if (c == '\\') return ReadChar(out);
  if (c == '#') return ReadDispatch(depth, out);
  if (c == '{') return ReadMap(depth, out);
  if (IsCloser(c)) {
    return Error(line_, std::string("unexpected '") + c + "' with no matching opening bracket");
  }
  if (c != '[' && c != '(') return ReadAtom(out);
  Advance();
  Value::List list;
  FAULTLINE_RETURN_IF_ERROR(ReadList(c == '[' ? "[" : "(", c == '[' ? ']' : ')', depth, &list));
  *out = Value::MakeList(std::move(list));
  return Status::Ok();
}

template <typename OnForm>
Status EdnParser::ReadSeq(std::string_view open, char close, int depth, OnForm on_form) {
  const int64_t open_line = line_;
  for (;;) {
    FAULTLINE_RETURN_IF_ERROR(SkipBlank(depth));
    if (AtEnd()) {
      return Error(open_line, "'" + std::string(open) + "' is never closed; expected '" + close +
                                  "' before the end of the input");
    }
    char c = Peek();
    if (c == close) {
      Advance();
      return Status::Ok();
    }
    if (IsCloser(c)) {
      return Error(line_, std::string("unexpected '") + c + "'; expected '" + close +
                              "' to close the '" + std::string(open) + "' at line " +
                              std::to_string(open_line));
    }
    const int64_t line = line_;
    Value v;
    FAULTLINE_RETURN_IF_ERROR(ReadForm(depth + 1, &v));
    FAULTLINE_RETURN_IF_ERROR(on_form(std::move(v), line));
  }
}

// Adds `key` to the keys seen so far in `map`: a linear scan for small maps, a hash set
// (filled on first use) for large ones. Returns false if the key is already there.
bool NoteKey(const Value::Map& map, const std::string& key, std::unordered_set<std::string>* seen) {
  if (map.size() < 16) {
    for (const auto& [k, v] : map) {
      if (k == key) return false;
    }
    return true;
  }
  if (seen->empty()) {
    for (const auto& [k, v] : map) seen->insert(k);
  }
  return seen->insert(key).second;
}

Status EdnParser::ReadMap(int depth, Value* out) {
  const int64_t open_line = line_;
  Advance();
  Value::List items;
  FAULTLINE_RETURN_IF_ERROR(ReadList("{", '}', depth, &items));
  if (items.size() % 2 != 0) {
    return Error(open_line, "map has a key with no value; expected key/value pairs in {...}");
  }
  Value::Map map;
  map.reserve(items.size() / 2);
  std::unordered_set<std::string> seen;
  for (size_t i = 0; i < items.size(); i += 2) {
    std::string key = KeyText(items[i]);
    if (!NoteKey(map, key, &seen)) {
      return Error(open_line, "map has the key \"" + key + "\" twice; expected each key once");
    }
    map.emplace_back(std::move(key), std::move(items[i + 1]));
  }
  *out = Value::MakeMap(std::move(map));
  return Status::Ok();
}

// After '#': a set #{…}, a regex #"…", a symbolic value ##Inf, or a tagged literal #tag form.
Status EdnParser::ReadDispatch(int depth, Value* out) {
  const int64_t at = line_;
  Advance();
  if (AtEnd()) return Error(at, "'#' at the end of the input; expected #{...} or a tag");
  char c = Peek();
  if (c == '{') {
    Advance();
    Value::List list;
    FAULTLINE_RETURN_IF_ERROR(ReadList("#{", '}', depth, &list));
    *out = Value::MakeList(std::move(list));
    return Status::Ok();
  }
  if (c == '"') return ReadString(out);  // a regex #"…", read as its source text
  if (c == '#') {
    Advance();
    std::string_view tok = ReadToken();
    if (tok != "Inf" && tok != "-Inf" && tok != "NaN") {
      return Error(
          at, "unknown symbolic value ##" + std::string(tok) + "; expected ##Inf, ##-Inf or ##NaN");
    }
    const double inf = std::numeric_limits<double>::infinity();
    *out = Value::Double(tok == "NaN" ? std::numeric_limits<double>::quiet_NaN()
                                      : (tok == "Inf" ? inf : -inf));
    return Status::Ok();
  }
  if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) {
    return Error(at, std::string("unsupported dispatch '#") + c +
                         "'; expected #{...}, #_ or a tagged literal such as #inst \"...\"");
  }
  std::string tag(ReadToken());
  FAULTLINE_RETURN_IF_ERROR(SkipBlank(depth));
  if (AtEnd() || IsCloser(Peek())) {
    return Error(at, "tag #" + tag + " has nothing after it; expected a form such as {...}");
  }
  return ReadForm(depth + 1, out);  // the tag itself carries nothing we need
}

Status EdnParser::ReadString(Value* out) {
  const int64_t start = line_;
  Advance();  // the opening quote
  std::string s;
  while (!AtEnd()) {
    char c = Peek();
    Advance();
    if (c == '"') {
      *out = Value::String(std::move(s));
      return Status::Ok();
    }
    if (c != '\\') {
      s.push_back(c);
    } else if (!AtEnd()) {
      FAULTLINE_RETURN_IF_ERROR(ReadEscape(&s));
    }
  }
  return Error(start, "unterminated string; expected a closing '\"' before the end of the input");
}

Status EdnParser::ReadHex4(uint32_t* out) {
  if (text_.size() - pos_ < 4) return Error(line_, "\\u needs 4 hex digits; expected \\uXXXX");
  const char* b = text_.data() + pos_;
  auto [p, ec] = std::from_chars(b, b + 4, *out, 16);
  if (ec != std::errc() || p != b + 4) {
    return Error(line_, "\\u" + std::string(b, 4) + " is not 4 hex digits; expected \\uXXXX");
  }
  pos_ += 4;
  return Status::Ok();
}

// After a backslash in a string.
Status EdnParser::ReadEscape(std::string* out) {
  static constexpr std::string_view kEscapes = "ntrbf\"\\/", kMeanings = "\n\t\r\b\f\"\\/";
  const char c = Peek();
  Advance();
  if (size_t i = kEscapes.find(c); i != std::string_view::npos) {
    out->push_back(kMeanings[i]);
    return Status::Ok();
  }
  if (c != 'u') {
    return Error(line_, std::string("unknown escape \\") + c +
                            " in a string; expected \\n \\t \\r \\b \\f \\\" \\\\ or \\uXXXX");
  }
  uint32_t cp = 0;
  FAULTLINE_RETURN_IF_ERROR(ReadHex4(&cp));
  // A UTF-16 surrogate pair (as Java writes non-BMP characters) makes one code point.
  if (cp >= 0xD800 && cp < 0xDC00 && text_.substr(pos_, 2) == "\\u") {
    pos_ += 2;
    uint32_t lo = 0;
    FAULTLINE_RETURN_IF_ERROR(ReadHex4(&lo));
    if (lo >= 0xDC00 && lo < 0xE000) {
      cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    } else {
      AppendUtf8(cp, out);
      cp = lo;
    }
  }
  AppendUtf8(cp, out);
  return Status::Ok();
}

// A character literal: \a, \newline, \space, \tab, \return, \formfeed, \backspace, \uXXXX.
Status EdnParser::ReadChar(Value* out) {
  const int64_t at = line_;
  Advance();
  if (AtEnd() || IsBlank(Peek())) {
    return Error(at, "'\\' with no character after it; expected a character such as \\a");
  }
  size_t start = pos_++;
  while (!AtEnd() && !IsDelimiter(Peek())) ++pos_;
  std::string_view name = text_.substr(start, pos_ - start);
  static constexpr std::pair<std::string_view, const char*> kNames[] = {
      {"newline", "\n"}, {"space", " "},     {"tab", "\t"},
      {"return", "\r"},  {"formfeed", "\f"}, {"backspace", "\b"}};
  std::string s;
  if (name.size() == 1 || (static_cast<unsigned char>(name[0]) >= 0xC0 && name.size() <= 4)) {
    s = std::string(name);  // one character, ASCII or UTF-8
  } else if (name.size() == 5 && name[0] == 'u') {
    pos_ = start + 1;
    uint32_t cp = 0;
    FAULTLINE_RETURN_IF_ERROR(ReadHex4(&cp));
    AppendUtf8(cp, &s);
  } else {
    for (const auto& [n, text] : kNames) {
      if (name == n) s = text;
    }
    if (s.empty()) {
      return Error(at, "unknown character literal \\" + std::string(name) +
                           "; expected a single character, \\newline, \\space, \\tab or \\uXXXX");
    }
  }
  *out = Value::String(std::move(s));
  return Status::Ok();
}

std::string_view EdnParser::ReadToken() {
  size_t start = pos_;
  while (!AtEnd() && !IsDelimiter(Peek())) ++pos_;  // tokens never span lines
  return text_.substr(start, pos_ - start);
}

// nil, true, false, a number, a :keyword or a symbol.
Status EdnParser::ReadAtom(Value* out) {
  std::string_view tok = ReadToken();
  if (tok == "nil" || tok == "true" || tok == "false") {
    *out = tok == "nil" ? Value() : Value::Bool(tok == "true");
    return Status::Ok();
  }
  if (IsDigit(tok[0]) || ((tok[0] == '-' || tok[0] == '+') && tok.size() > 1 && IsDigit(tok[1]))) {
    return ParseNumber(tok, out);
  }
  for (char c : tok) {
    if (!IsSymbolChar(c)) {
      return Error(line_, std::string("unexpected character '") + c + "' in \"" + std::string(tok) +
                              "\"; expected an EDN value");
    }
  }
  if (tok.starts_with("::")) {
    return Error(line_, "auto-resolved keyword " + std::string(tok) +
                            " is not EDN; expected :name or :namespace/name");
  }
  if (tok == ":") return Error(line_, "keyword with no name; expected :name");
  *out = Value::String(std::string(tok[0] == ':' ? tok.substr(1) : tok));
  return Status::Ok();
}

Status EdnParser::ParseNumber(std::string_view tok, Value* out) {
  const std::string_view text = tok;  // as written, for messages
  if (tok.find('/') != std::string_view::npos) {
    return Error(line_, "ratio " + std::string(text) +
                            " is not supported; expected an integer or a decimal such as 0.5");
  }
  const bool bigint = tok.back() == 'N', bigdec = tok.back() == 'M';
  if (bigint || bigdec) tok.remove_suffix(1);
  if (tok[0] == '+') tok.remove_prefix(1);
  const char* b = tok.data();
  const char* e = b + tok.size();
  if (bigdec || tok.find_first_of(".eE") != std::string_view::npos) {
    double d = 0;
    auto [p, ec] = std::from_chars(b, e, d);
    if (ec == std::errc() && p == e && !bigint) {
      *out = Value::Double(d);
      return Status::Ok();
    }
    if (ec == std::errc::result_out_of_range) {
      return Error(line_,
                   "number " + std::string(text) + " is out of range; expected a finite double");
    }
  } else {
    int64_t i = 0;
    auto [p, ec] = std::from_chars(b, e, i);
    if (ec == std::errc() && p == e) {
      *out = Value::Int(i);
      return Status::Ok();
    }
    if (ec == std::errc::result_out_of_range) {
      return Error(line_, "integer " + std::string(text) +
                              " does not fit in 64 bits; expected -2^63 <= n < 2^63");
    }
  }
  return Error(
      line_, "malformed number " + std::string(text) + "; expected e.g. 42, -7, 42N, 1.5 or 1e-3");
}

// ---- Op maps -> Ops ----

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
               std::optional<std::string>* out) {
  if (v.is_null()) return Status::Ok();
  if (!v.is_string() && !v.is_int()) {
    return Status::InvalidInput(at + ":" + field + " " + Show(v) +
                                " is not valid; expected a string, keyword or integer");
  }
  *out = KeyText(v);
  return Status::Ok();
}

Status SetField(const std::string& k, const Value& v, const std::string& at, Op* op) {
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
    op->value = v;
  }
  // :index is recomputed from the position; other keys (Jepsen adds many) are ignored.
  return Status::Ok();
}

Result<Op> OpFromForm(const Value& form, int64_t line, const std::string& source) {
  const std::string at = source + ":" + std::to_string(line) + ": ";
  if (!form.is_map()) {
    return Status::InvalidInput(at + "top-level form " + Show(form) +
                                " is not a map; expected an op map such as "
                                "{:process 0, :type :invoke, :f :read, :value nil}");
  }
  static constexpr std::pair<const char*, const char*> kRequired[] = {
      {"process", "an integer or :nemesis"},
      {"type", ":invoke, :ok, :fail or :info"},
      {"f", "the operation name, e.g. :read"}};
  for (const auto& [field, expected] : kRequired) {
    if (!form.Find(field)) {
      return Status::InvalidInput(at + "missing :" + field + "; expected " + expected);
    }
  }
  Op op;
  op.line = line;
  for (const auto& [k, v] : form.as_map()) {
    FAULTLINE_RETURN_IF_ERROR(SetField(k, v, at, &op));
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
    Value::List pair = op.value.as_list();
    op.key = KeyText(pair[0]);
    op.value = std::move(pair[1]);
  }
}

// Reads the op forms, calling on_form(Value form, int64_t line) for each: the elements of one
// top-level vector or list, or else every top-level form.
template <typename OnForm>
Status ReadTopLevel(EdnParser& p, OnForm on_form) {
  FAULTLINE_RETURN_IF_ERROR(p.SkipBlank(0));
  if (p.AtEnd() || (p.Peek() != '[' && p.Peek() != '(')) {
    while (!p.AtEnd()) {
      const int64_t line = p.line();
      Value v;
      FAULTLINE_RETURN_IF_ERROR(p.ReadForm(0, &v));
      FAULTLINE_RETURN_IF_ERROR(on_form(std::move(v), line));
      FAULTLINE_RETURN_IF_ERROR(p.SkipBlank(0));
    }
    return Status::Ok();
  }
  const bool vector = p.Peek() == '[';
  const int64_t open_line = p.line();
  p.Advance();
  FAULTLINE_RETURN_IF_ERROR(p.ReadSeq(vector ? "[" : "(", vector ? ']' : ')', 0, on_form));
  FAULTLINE_RETURN_IF_ERROR(p.SkipBlank(0));
  if (!p.AtEnd()) {
    return p.Error(p.line(), std::string("content after the top-level ") +
                                 (vector ? "vector" : "list") + " opened at line " +
                                 std::to_string(open_line) +
                                 "; expected one vector of op maps, or op maps only");
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<Op>> ParseEdnOps(std::string_view text, const std::string& source) {
  EdnParser parser(text, source);
  std::vector<Op> ops;
  FAULTLINE_RETURN_IF_ERROR(ReadTopLevel(parser, [&](Value form, int64_t line) {
    Result<Op> op = OpFromForm(form, line, source);
    if (!op.ok()) return op.status();
    ops.push_back(std::move(op).value());
    return Status::Ok();
  }));
  if (IsIndependent(ops)) SplitIndependent(&ops);
  return ops;
}

}  // namespace faultline
