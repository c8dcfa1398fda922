// EdnReader (see edn.h): the recursive-descent parser behind it, which builds Values (the
// fast path that does not is in edn_visit.cc). All state is in the reader.
#include "core/edn.h"

#include <cassert>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iterator>
#include <limits>
#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "core/edn_parser.h"

namespace faultline {
namespace {

using namespace edn_internal;  // NOLINT: the parser's shared constants and character classes

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

}  // namespace

Status EdnReader::Parser::SkipBlank(int depth) {
  if (depth > kMaxDepth) return Error(line_, "#_ nested deeper than 64 levels");
  while (!AtEnd()) {
    char c = Peek();
    if (IsBlank(c)) {
      // A run of blanks at once: between two op maps there is usually "}\n{" or ", ".
      const size_t n = text_.size();
      do {
        line_ += c == '\n';
        if (++pos_ == n) break;
        c = text_[pos_];
      } while (IsBlank(c));
    } else if (c == ';') {
      const void* nl = std::memchr(text_.data() + pos_, '\n', text_.size() - pos_);
      pos_ = nl ? static_cast<size_t>(static_cast<const char*>(nl) - text_.data()) : text_.size();
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

Status EdnReader::Parser::ReadForm(int depth, Value* out) {
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

Status EdnReader::Parser::SeekTopLevel(bool* more) {
  FAULTLINE_RETURN_IF_ERROR(SkipBlank(0));
  *more = !AtEnd();
  return Status::Ok();
}

Status EdnReader::Parser::NextElement(const Seq& seq, int depth, EdnForm* out, bool* more) {
  FAULTLINE_RETURN_IF_ERROR(SeekElement(seq, depth, more));
  if (!*more) return Status::Ok();
  out->line = line_;
  return ReadForm(depth + 1, &out->value);
}

Status EdnReader::Parser::SeekElement(const Seq& seq, int depth, bool* more) {
  *more = false;
  FAULTLINE_RETURN_IF_ERROR(SkipBlank(depth));
  if (AtEnd()) {
    return Error(seq.line, "'" + std::string(seq.open) + "' is never closed; expected '" +
                               seq.close + "' before the end of the input");
  }
  const char c = Peek();
  if (c == seq.close) {
    Advance();
    return Status::Ok();
  }
  if (IsCloser(c)) {
    return Error(line_, std::string("unexpected '") + c + "'; expected '" + seq.close +
                            "' to close the '" + std::string(seq.open) + "' at line " +
                            std::to_string(seq.line));
  }
  *more = true;
  return Status::Ok();
}

Status EdnReader::Parser::ReadList(std::string_view open, char close, int depth, Value::List* out) {
  const Seq seq{open, close, line_};
  // Most lists are short (Jepsen's [k v] tuples, cas [from to]): their first elements are
  // gathered here, so the list is allocated once and exactly (a history holds millions).
  Value first[4];
  size_t n = 0;
  for (;;) {
    EdnForm element;
    bool more = false;
    FAULTLINE_RETURN_IF_ERROR(NextElement(seq, depth, &element, &more));
    if (!more) break;
    if (n < 4) {
      first[n++] = std::move(element.value);
      continue;
    }
    if (out->empty()) {
      out->reserve(8);
      for (Value& v : first) out->push_back(std::move(v));
    }
    out->push_back(std::move(element.value));
  }
  if (out->empty()) out->assign(std::make_move_iterator(first), std::make_move_iterator(first + n));
  return Status::Ok();
}

Status EdnReader::Parser::ReadMap(int depth, Value* out) {
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
    std::string key = EdnKeyText(items[i]);
    if (key.size() > kMaxKeyText) {
      return Error(open_line, "map has a key of " + std::to_string(key.size()) +
                                  " bytes as text (maps nested as keys?); expected a number, "
                                  "keyword, string or a small collection (at most " +
                                  std::to_string(kMaxKeyText) + " bytes)");
    }
    if (!NoteKey(map, key, &seen)) {
      return Error(open_line, "map has the key \"" + key + "\" twice; expected each key once");
    }
    map.emplace_back(std::move(key), std::move(items[i + 1]));
  }
  *out = Value::MakeMap(std::move(map));
  return Status::Ok();
}

// After '#': a set #{…}, a regex #"…", a symbolic value ##Inf, or a tagged literal #tag form.
Status EdnReader::Parser::ReadDispatch(int depth, Value* out) {
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

Status EdnReader::Parser::ReadString(Value* out) {
  const int64_t start = line_;
  Advance();  // the opening quote
  std::string s;
  const size_t n = text_.size();
  while (pos_ < n) {
    const size_t run = pos_;  // copied at once up to the next quote or backslash
    char c = text_[pos_];
    while (c != '"' && c != '\\') {
      line_ += c == '\n';
      if (++pos_ == n) break;
      c = text_[pos_];
    }
    s.append(text_.data() + run, pos_ - run);
    if (pos_ == n) break;
    ++pos_;
    if (c == '"') {
      *out = Value::String(std::move(s));
      return Status::Ok();
    }
    if (pos_ < n) FAULTLINE_RETURN_IF_ERROR(ReadEscape(&s));
  }
  return Error(start, "unterminated string; expected a closing '\"' before the end of the input");
}

Status EdnReader::Parser::ReadHex4(uint32_t* out) {
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
Status EdnReader::Parser::ReadEscape(std::string* out) {
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
    if (lo < 0xDC00 || lo >= 0xE000) return LoneSurrogate(cp);
    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
  }
  // A surrogate alone has no UTF-8 encoding: the bytes would not be text (found by fuzzing).
  if (cp >= 0xD800 && cp < 0xE000) return LoneSurrogate(cp);
  AppendUtf8(cp, out);
  return Status::Ok();
}

Status EdnReader::Parser::LoneSurrogate(uint32_t cp) {
  char hex[8];
  std::snprintf(hex, sizeof hex, "%04X", static_cast<unsigned>(cp));
  return Error(line_, std::string("\\u") + hex +
                          " is half of a UTF-16 surrogate pair; expected a high surrogate "
                          "\\uD800-\\uDBFF followed by a low one \\uDC00-\\uDFFF");
}

// A character literal: \a, \newline, \space, \tab, \return, \formfeed, \backspace, \uXXXX.
Status EdnReader::Parser::ReadChar(Value* out) {
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
    if (cp >= 0xD800 && cp < 0xE000) return LoneSurrogate(cp);
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

std::string_view EdnReader::Parser::ReadToken() {
  const size_t start = pos_, n = text_.size();
  while (pos_ < n && !IsDelimiter(text_[pos_])) ++pos_;  // tokens never span lines
  return text_.substr(start, pos_ - start);
}

// nil, true, false, a number, a :keyword or a symbol.
Status EdnReader::Parser::ReadAtom(Value* out) {
  std::string_view tok = ReadToken();
  if (tok == "nil" || tok == "true" || tok == "false") {
    *out = tok == "nil" ? Value() : Value::Bool(tok == "true");
    return Status::Ok();
  }
  if (IsDigit(tok[0]) || ((tok[0] == '-' || tok[0] == '+') && tok.size() > 1 && IsDigit(tok[1]))) {
    return ParseNumber(tok, out);
  }
  if (size_t bad = FindNonSymbolChar(tok); bad != std::string_view::npos) {
    return Error(line_, std::string("unexpected character '") + tok[bad] + "' in \"" +
                            std::string(tok) + "\"; expected an EDN value");
  }
  if (tok.starts_with("::")) {
    return Error(line_, "auto-resolved keyword " + std::string(tok) +
                            " is not EDN; expected :name or :namespace/name");
  }
  if (tok == ":") return Error(line_, "keyword with no name; expected :name");
  *out = Value::String(std::string(tok[0] == ':' ? tok.substr(1) : tok));
  return Status::Ok();
}

Status EdnReader::Parser::ParseNumber(std::string_view tok, Value* out) {
  if (int64_t i = 0; ReadPlainInt(tok, &i)) {  // the usual case, without the searches below
    *out = Value::Int(i);
    return Status::Ok();
  }
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

// ---- EdnReader ----

EdnReader::EdnReader(std::string_view text, std::string source)
    : parser_(std::make_unique<Parser>(text, std::move(source))) {}

EdnReader::~EdnReader() = default;

Result<bool> EdnReader::Next(EdnForm* out) {
  Result<EdnNext> next = NextVisiting(nullptr, out);
  if (!next.ok()) return next.status();
  return *next != EdnNext::kEnd;
}

Result<EdnNext> EdnReader::NextVisiting(EdnMapVisitor* visitor, EdnForm* out) {
  bool more = false;
  int depth = 0;  // of the form: elements of the entered sequence are one level down
  if (open_) {
    const bool vector = open_->bracket == '[';
    const Parser::Seq seq{vector ? "[" : "(", vector ? ']' : ')', open_->line};
    FAULTLINE_RETURN_IF_ERROR(parser_->SeekElement(seq, 0, &more));
    if (!more) open_.reset();
    depth = 1;
  } else {
    FAULTLINE_RETURN_IF_ERROR(parser_->SeekTopLevel(&more));
  }
  if (!more) return EdnNext::kEnd;
  const int64_t line = parser_->line();
  if (visitor && parser_->TryVisit(depth, line, visitor)) return EdnNext::kVisited;
  out->line = line;
  FAULTLINE_RETURN_IF_ERROR(parser_->ReadForm(depth, &out->value));
  return EdnNext::kForm;
}

Result<std::optional<EdnOpening>> EdnReader::EnterSequence() {
  assert(!open_);
  FAULTLINE_RETURN_IF_ERROR(parser_->SkipBlank(0));
  if (parser_->AtEnd() || (parser_->Peek() != '[' && parser_->Peek() != '(')) {
    return std::optional<EdnOpening>();
  }
  open_ = EdnOpening{parser_->Peek(), parser_->line()};
  parser_->Advance();
  return open_;
}

Result<bool> EdnReader::AtEnd() {
  FAULTLINE_RETURN_IF_ERROR(parser_->SkipBlank(0));
  return parser_->AtEnd();
}

int64_t EdnReader::line() const { return parser_->line(); }

Status EdnReader::Error(int64_t line, const std::string& what) const {
  return parser_->Error(line, what);
}

std::string EdnKeyText(const Value& v) {
  if (v.is_string()) return std::string(v.as_string());
  if (v.is_int()) return std::to_string(v.as_int());
  return v.ToJson();
}

}  // namespace faultline
