// EdnReader's fast path for maps (NextVisiting, edn.h): a map's keys are recognised in place
// and each entry handed to an EdnMapVisitor, so no Value is built for the map. It reads with
// the general parser's own pieces (SkipBlank, ReadToken, ReadForm, ParseNumber) and accepts
// only what the general path would accept the same way; anything else — an unusual key, a
// duplicate, a syntax error — makes it give up, and the caller rewinds and reads the form as
// a Value, which reports the error if there is one. All state is in the parser.
#include <cstdint>
#include <string_view>

#include "core/edn_parser.h"

namespace faultline {
namespace {

using namespace edn_internal;  // NOLINT: the parser's shared constants and character classes

// A map with more keys than this is read as a Value (op maps have a dozen at most); it bounds
// the duplicate-key check, which is a linear scan.
constexpr size_t kMaxVisitedKeys = 32;

// A keyword the general reader accepts as one: :name or :ns/name of symbol characters.
bool IsKeyword(std::string_view tok) {
  return tok.size() >= 2 && tok[0] == ':' && tok[1] != ':' &&
         FindNonSymbolChar(tok) == std::string_view::npos;
}

}  // namespace

// The value of one entry, read at `depth` by the parser; records whether it was read.
class EdnReader::Parser::Source final : public EdnValueSource {
 public:
  Source(Parser* parser, int depth) : parser_(*parser), depth_(depth) {}

  bool Scalar(EdnScalar* out) override {
    if (consumed_ || !parser_.ReadScalar(out)) return false;
    consumed_ = true;
    return true;
  }
  bool Read(Value* out) override {
    if (consumed_) return false;
    consumed_ = true;
    ok_ = parser_.ReadForm(depth_, out).ok();
    return ok_;
  }
  bool Pair(EdnScalar* key, Value* second) override {
    if (consumed_ || !parser_.ReadPair(depth_, key, second)) return false;
    consumed_ = true;
    return true;
  }
  // After the visitor: reads and drops the value if it was left (a scalar without building a
  // Value), and says whether all went well.
  bool Finish() {
    if (consumed_) return ok_;
    EdnScalar scalar;
    if (parser_.ReadScalar(&scalar)) return true;
    Value ignored;
    return parser_.ReadForm(depth_, &ignored).ok();
  }

 private:
  Parser& parser_;
  const int depth_;
  bool consumed_ = false, ok_ = true;
};

bool EdnReader::Parser::TryVisit(int depth, int64_t line, EdnMapVisitor* visitor) {
  const size_t start = pos_;
  bool visited = false;
  if (Peek() == '{') {
    visited = VisitMap(depth, line, visitor);
  } else if (Peek() == '#' && pos_ + 1 < text_.size() &&
             ((text_[pos_ + 1] >= 'a' && text_[pos_ + 1] <= 'z') ||
              (text_[pos_ + 1] >= 'A' && text_[pos_ + 1] <= 'Z'))) {
    // A tagged map such as #jepsen.history.Op{…}: the tag carries nothing (ReadDispatch).
    ++pos_;
    ReadToken();
    visited =
        SkipBlank(depth).ok() && !AtEnd() && Peek() == '{' && VisitMap(depth + 1, line, visitor);
  }
  if (!visited) {
    pos_ = start;
    line_ = line;
  }
  return visited;
}

// SkipBlank(depth) that does the usual ", " and "\n" itself; false on an error.
bool EdnReader::Parser::SkipBlankQuickly(int depth) {
  const size_t n = text_.size();
  while (pos_ < n && IsBlank(text_[pos_])) line_ += text_[pos_++] == '\n';
  if (pos_ < n && text_[pos_] != ';' && text_[pos_] != '#') return true;
  return SkipBlank(depth).ok();  // a comment or a #_ discard, or the end
}

// As ReadMap: entries are elements at depth + 1, blanks skipped at `depth`.
bool EdnReader::Parser::VisitMap(int depth, int64_t line, EdnMapVisitor* visitor) {
  if (depth > kMaxDepth) return false;
  ++pos_;  // '{'
  visitor->Begin(line);
  std::string_view keys[kMaxVisitedKeys];
  size_t n = 0;
  for (;;) {
    if (!SkipBlankQuickly(depth) || AtEnd()) return false;
    if (Peek() == '}') {
      ++pos_;
      return visitor->End();
    }
    if (Peek() != ':' || n == kMaxVisitedKeys) return false;
    const std::string_view tok = ReadToken();
    if (!IsKeyword(tok) || tok.size() > kMaxKeyText) return false;
    const std::string_view name = tok.substr(1);
    for (size_t i = 0; i < n; ++i) {
      if (keys[i] == name) return false;  // a duplicate key: the general path reports it
    }
    keys[n++] = name;
    if (!SkipBlankQuickly(depth) || AtEnd() || IsCloser(Peek())) return false;
    Source value(this, depth + 1);
    if (!visitor->Entry(name, value) || !value.Finish()) return false;
  }
}

// A string without escapes, as a view of the input; false (nothing consumed) otherwise.
bool EdnReader::Parser::ReadPlainString(std::string_view* out) {
  const size_t n = text_.size();
  size_t end = pos_ + 1;
  int64_t newlines = 0;
  for (; end < n && text_[end] != '"'; ++end) {
    if (text_[end] == '\\') return false;
    newlines += text_[end] == '\n';
  }
  if (end == n) return false;  // unterminated: the general path reports it
  *out = text_.substr(pos_ + 1, end - pos_ - 1);
  pos_ = end + 1;
  line_ += newlines;
  return true;
}

// A vector [key second] at `depth` as ReadForm would read it, with an integer or text key;
// false (nothing consumed) otherwise.
bool EdnReader::Parser::ReadPair(int depth, EdnScalar* key, Value* second) {
  const size_t start = pos_;
  const int64_t line = line_;
  auto read = [&] {
    if (depth + 1 > kMaxDepth || Peek() != '[') return false;
    ++pos_;
    if (!SkipBlankQuickly(depth) || AtEnd() || !ReadScalar(key)) return false;
    if (key->kind != EdnScalar::Kind::kInt && key->kind != EdnScalar::Kind::kText) return false;
    if (!SkipBlankQuickly(depth) || AtEnd() || IsCloser(Peek())) return false;
    if (!ReadForm(depth + 1, second).ok()) return false;
    if (!SkipBlankQuickly(depth) || AtEnd() || Peek() != ']') return false;
    ++pos_;
    return true;
  };
  if (read()) return true;
  pos_ = start;
  line_ = line;
  return false;
}

// A scalar as ReadForm would read it (ReadAtom, ParseNumber, ReadString), or false with
// nothing consumed.
bool EdnReader::Parser::ReadScalar(EdnScalar* out) {
  const char c = Peek();
  if (c == '"') {
    out->kind = EdnScalar::Kind::kText;
    return ReadPlainString(&out->text);
  }
  if (IsDelimiter(c) || c == '#' || c == '\\') return false;
  const size_t start = pos_;
  const std::string_view tok = ReadToken();
  if (tok == "nil" || tok == "true" || tok == "false") {
    out->kind = tok == "nil" ? EdnScalar::Kind::kNil : EdnScalar::Kind::kBool;
    out->b = tok == "true";
    return true;
  }
  if (IsDigit(tok[0]) || ((tok[0] == '-' || tok[0] == '+') && tok.size() > 1 && IsDigit(tok[1]))) {
    Value v;
    if (ParseNumber(tok, &v).ok() && v.is_int()) {
      out->kind = EdnScalar::Kind::kInt;
      out->i = v.as_int();
      return true;
    }
  } else if (FindNonSymbolChar(tok) == std::string_view::npos && !tok.starts_with("::") &&
             tok != ":") {
    out->kind = EdnScalar::Kind::kText;
    out->text = tok[0] == ':' ? tok.substr(1) : tok;
    return true;
  }
  pos_ = start;  // a decimal, or not valid: left to Read()
  return false;
}

}  // namespace faultline
