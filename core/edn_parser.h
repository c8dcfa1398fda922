// EdnReader::Parser: the parsing state and recursive descent behind EdnReader (core/edn.h),
// shared by edn.cc (the general reader, which builds Values) and edn_visit.cc (the fast path
// that hands a map's entries to an EdnMapVisitor). Internal to core/. Not thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/edn.h"

namespace faultline {
namespace edn_internal {

inline constexpr int kMaxDepth = 64;
// A map key that is itself a collection is keyed by its JSON text, and a map used as a key
// inside another key is escaped once more per level: the text doubles with each. Keys whose
// text would be longer than this are refused (Jepsen's keys are numbers, keywords, strings or
// small tuples).
inline constexpr size_t kMaxKeyText = 4096;

// Character classes, looked up once per byte (the readers run at hundreds of MB/s).
enum : uint8_t { kBlank = 1, kDelimiter = 2, kSymbol = 4 };
inline constexpr std::array<uint8_t, 256> kCharClass = [] {
  std::array<uint8_t, 256> t{};
  for (unsigned char c : std::string_view(" ,\n\t\r\f\v")) t[c] |= kBlank | kDelimiter;
  for (unsigned char c : std::string_view(")]}([{\";")) t[c] |= kDelimiter;
  // Letters, digits, bytes >= 0x80 (UTF-8 names) and the punctuation EDN allows in symbols.
  for (int c = 0; c < 256; ++c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80) {
      t[c] |= kSymbol;
    }
  }
  for (unsigned char c : std::string_view(".*+!-_?$%&=<>/:#'")) t[c] |= kSymbol;
  return t;
}();

inline bool IsBlank(char c) { return kCharClass[static_cast<unsigned char>(c)] & kBlank; }
inline bool IsDelimiter(char c) { return kCharClass[static_cast<unsigned char>(c)] & kDelimiter; }
inline bool IsSymbolChar(char c) { return kCharClass[static_cast<unsigned char>(c)] & kSymbol; }
inline bool IsCloser(char c) { return c == ')' || c == ']' || c == '}'; }
inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// The first character of `tok` that may not be in a symbol or keyword, or npos.
inline size_t FindNonSymbolChar(std::string_view tok) {
  for (size_t i = 0; i < tok.size(); ++i) {
    if (!IsSymbolChar(tok[i])) return i;
  }
  return std::string_view::npos;
}

// An integer written as plain decimal digits, at most 18 of them (so it fits), with an
// optional '-': ParseNumber's fast path.
inline bool ReadPlainInt(std::string_view tok, int64_t* out) {
  const bool negative = tok[0] == '-';
  if (negative) tok.remove_prefix(1);
  if (tok.empty() || tok.size() > 18) return false;
  int64_t v = 0;
  for (char c : tok) {
    if (!IsDigit(c)) return false;
    v = v * 10 + (c - '0');
  }
  *out = negative ? -v : v;
  return true;
}

}  // namespace edn_internal

// Reads EDN forms from a text, tracking the 1-based line for messages.
class EdnReader::Parser {
 public:
  // A sequence being read: its opener is consumed, `close` ends it.
  struct Seq {
    std::string_view open;  // "[", "(", "{" or "#{", for messages
    char close;
    int64_t line;  // where the opener is
  };

  Parser(std::string_view text, std::string source) : text_(text), source_(std::move(source)) {}

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
  // Moves to the next top-level form and sets *more, or clears *more at the end.
  Status SeekTopLevel(bool* more);
  // One step through `seq`, whose elements are at depth + 1: moves to the next element and
  // sets *more, or consumes the closer and clears *more.
  Status SeekElement(const Seq& seq, int depth, bool* more);
  // SeekElement, then reads the element into *out.
  Status NextElement(const Seq& seq, int depth, EdnForm* out, bool* more);

  // The fast path (edn_visit.cc): offers the map form here, at `depth`, which begins at
  // `line`, to `visitor`. True if the visitor took it whole; otherwise the parser is back
  // where it was.
  bool TryVisit(int depth, int64_t line, EdnMapVisitor* visitor);

 private:
  class Source;  // EdnValueSource over this parser, in edn_visit.cc

  // Reads the rest of a sequence after its opener `open`, appending the elements to `out`.
  Status ReadList(std::string_view open, char close, int depth, Value::List* out);
  Status ReadString(Value* out);
  Status ReadEscape(std::string* out);
  Status ReadHex4(uint32_t* out);
  // The error for a \\uXXXX escape that is an unpaired UTF-16 surrogate.
  Status LoneSurrogate(uint32_t cp);
  Status ReadChar(Value* out);
  Status ReadMap(int depth, Value* out);
  Status ReadDispatch(int depth, Value* out);
  Status ReadAtom(Value* out);
  Status ParseNumber(std::string_view tok, Value* out);
  std::string_view ReadToken();

  // The fast path's pieces (edn_visit.cc).
  bool VisitMap(int depth, int64_t line, EdnMapVisitor* visitor);
  bool SkipBlankQuickly(int depth);
  bool ReadScalar(EdnScalar* out);
  bool ReadPlainString(std::string_view* out);
  bool ReadPair(int depth, EdnScalar* key, Value* second);

  std::string_view text_;
  const std::string source_;
  size_t pos_ = 0;
  int64_t line_ = 1;
};

}  // namespace faultline
