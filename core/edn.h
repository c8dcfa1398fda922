// EdnReader: a small recursive-descent EDN parser that reads a text one top-level form at a
// time into Values. Not thread-safe; separate readers share nothing and may run in parallel.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"
#include "core/value.h"

namespace faultline {

// One form and the 1-based line where it starts.
struct EdnForm {
  Value value;
  int64_t line = 0;
};

// A scalar read in place (EdnValueSource::Scalar): what a Value would hold, without one.
struct EdnScalar {
  enum class Kind : uint8_t { kNil, kBool, kInt, kText };
  Kind kind = Kind::kNil;
  bool b = false;         // kBool
  int64_t i = 0;          // kInt
  std::string_view text;  // kText: a keyword without its colon, a symbol, or a string's
                          // content (one without escapes), pointing into the input
};

// One entry's value, offered to an EdnMapVisitor: it may read the value either way, once.
class EdnValueSource {
 public:
  // If the value is nil, true, false, an integer that fits in 64 bits, a keyword, a symbol or
  // a string without escapes, reads it into *out and returns true (Value would hold the same
  // datum); otherwise reads nothing and returns false.
  virtual bool Scalar(EdnScalar* out) = 0;
  // Reads the value, whatever it is, into *out; false if it is not valid EDN.
  virtual bool Read(Value* out) = 0;
  // If the value is a vector of two elements whose first is an integer or text scalar (as
  // Scalar() reads it) — a jepsen.independent [key value] tuple — reads the first into *key
  // and the second into *second and returns true; otherwise reads nothing and returns false.
  virtual bool Pair(EdnScalar* key, Value* second) = 0;

 protected:
  ~EdnValueSource() = default;
};

// Receives a map's entries as EdnReader reads them, so that no Value is built for the map.
// Any method may give up (return false): the reader then reads the map as a Value instead.
class EdnMapVisitor {
 public:
  virtual ~EdnMapVisitor() = default;
  // A map begins at 1-based `line`; what the previous map left is to be forgotten.
  virtual void Begin(int64_t line) = 0;
  // One entry, whose key is the keyword :`name`. A value the visitor leaves unread is read and
  // dropped by the reader.
  virtual bool Entry(std::string_view name, EdnValueSource& value) = 0;
  // After the last entry.
  virtual bool End() = 0;
};

// What EdnReader::NextVisiting found.
enum class EdnNext {
  kEnd,      // no form left (as Next() returning false)
  kForm,     // a form, read into the EdnForm
  kVisited,  // a map the visitor took whole
};

// The opening bracket of a top-level vector or list entered with EdnReader::EnterSequence().
struct EdnOpening {
  char bracket = '[';  // '[' or '('
  int64_t line = 0;    // 1-based line of the bracket
};

// How EDN maps onto Value: nil, booleans, integers (42, 42N) and decimals (1.5, 3M, ##Inf)
// as themselves; keywords (:a, :ns/a) and symbols as strings without the colon; strings and
// character literals (\a, \newline) as strings; vectors, lists and sets as lists; maps as
// maps whose keys are EdnKeyText(key); a tagged literal (#inst "…", #jepsen.history.Op{…})
// as the form after the tag; a regex #"…" as its source text. Blanks, commas, ; comments
// and #_ discarded forms are skipped.
//
// Every error is Status::InvalidInput("SOURCE:LINE: what; expected …").
class EdnReader {
 public:
  // `text` must outlive the reader; `source` names it in messages.
  EdnReader(std::string_view text, std::string source);
  ~EdnReader();
  EdnReader(const EdnReader&) = delete;
  EdnReader& operator=(const EdnReader&) = delete;

  // Reads the next form into *out and returns true, or returns false when none is left: at
  // the end of the input, or at the closing bracket of the sequence EnterSequence() entered
  // (the bracket is consumed, and later calls read top-level forms again).
  Result<bool> Next(EdnForm* out);

  // Next(), with a fast path for maps: a form {…} or #tag {…} whose keys are distinct
  // keywords is first offered to `visitor` entry by entry. If the visitor takes all of it,
  // returns kVisited (*out untouched). Any other form — including a map the visitor or the
  // reader gave up on, for any reason, syntax errors among them — is read again from its
  // start exactly as Next() reads it: kForm, or Next()'s error.
  Result<EdnNext> NextVisiting(EdnMapVisitor* visitor, EdnForm* out);

  // If the next form is a vector [...] or a list (...), consumes its opening bracket so that
  // Next() yields its elements one at a time, each with its own line, and returns where it
  // opened. Otherwise consumes no form and returns nullopt.
  // REQUIRES: not already inside an entered sequence.
  Result<std::optional<EdnOpening>> EnterSequence();

  // Skips blanks, comments and #_ discarded forms; returns whether the input ends there.
  Result<bool> AtEnd();

  // The 1-based line the reader has reached.
  int64_t line() const;

  // Status::InvalidInput("SOURCE:LINE: what"), for callers' own errors about the forms.
  Status Error(int64_t line, const std::string& what) const;

 private:
  class Parser;  // the parsing state and the recursive descent, in edn.cc

  std::unique_ptr<Parser> parser_;
  std::optional<EdnOpening> open_;  // the entered sequence, until its closing bracket
};

// The text a map key becomes: strings (keywords and symbols included) as they are, integers
// in decimal, anything else as compact JSON.
std::string EdnKeyText(const Value& v);

}  // namespace faultline
