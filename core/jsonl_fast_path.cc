// The JSON Lines reader's fast path (ParseFlatJsonlOp, core/jsonl_reader.h): the lines
// faultline writes are flat and regular, and a per-line simdjson DOM parse plus its checks
// costs several times more than reading that shape directly. Anything unusual is refused and
// goes to simdjson, so this file only has to be right about what it accepts.
#include <algorithm>
#include <cstddef>
#include <cstring>
#include <string>

#include "core/jsonl_reader.h"

namespace faultline {
namespace {

// A cursor over one line. Each method consumes one token and returns false, leaving the
// cursor anywhere, on input it does not handle; the caller then gives up on the line.
class FlatLine {
 public:
  explicit FlatLine(std::string_view s) : p_(s.data()), end_(s.data() + s.size()) {}

  size_t offset(std::string_view s) const { return size_t(p_ - s.data()); }
  char Peek() const { return p_ < end_ ? *p_ : '\0'; }
  bool Eat(char c) {
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }
  bool Word(std::string_view w) {
    if (size_t(end_ - p_) < w.size() || std::memcmp(p_, w.data(), w.size()) != 0) return false;
    p_ += w.size();
    return true;
  }

  // A string of printable ASCII without escapes: JSON's escapes and UTF-8 checks are
  // simdjson's job.
  bool String(std::string_view* out) {
    if (!Eat('"')) return false;
    const char* begin = p_;
    for (; p_ < end_; ++p_) {
      const unsigned char c = static_cast<unsigned char>(*p_);
      if (c == '"') {
        *out = std::string_view(begin, size_t(p_ - begin));
        ++p_;
        return true;
      }
      if (c < 0x20 || c >= 0x7f || c == '\\') return false;
    }
    return false;
  }

  // A JSON integer of at most 18 digits (so it fits an int64_t without overflow checks).
  // A fraction or exponent after it fails the caller's next token check.
  bool Int(int64_t* out) {
    const bool negative = Eat('-');
    const char* begin = p_;
    const char* stop = begin + std::min<ptrdiff_t>(end_ - begin, 18);
    int64_t v = 0;
    while (p_ < stop && IsDigit(*p_)) v = v * 10 + (*p_++ - '0');
    const size_t digits = size_t(p_ - begin);
    if (digits == 0 || (p_ < end_ && IsDigit(*p_)) || (*begin == '0' && digits > 1)) return false;
    *out = negative ? -v : v;
    return true;
  }

  // null, true, false, an integer or a string.
  bool Scalar(Value* out) {
    switch (Peek()) {
      case 'n':
        *out = Value();
        return Word("null");
      case 't':
        *out = Value::Bool(true);
        return Word("true");
      case 'f':
        *out = Value::Bool(false);
        return Word("false");
      case '"': {
        std::string_view s;
        if (!String(&s)) return false;
        *out = Value::String(std::string(s));
        return true;
      }
      default: {
        int64_t i;
        if (!Int(&i)) return false;
        *out = Value::Int(i);
        return true;
      }
    }
  }

  // A scalar or a list of at most kMaxList scalars (longer or nested lists, and objects, are
  // refused). Lists are sized exactly, as the simdjson path sizes them: a 1M-op history holds
  // a million of them.
  bool AnyValue(Value* out) {
    if (!Eat('[')) return Scalar(out);
    constexpr size_t kMaxList = 16;
    Value items[kMaxList];
    size_t n = 0;
    if (!Eat(']')) {
      do {
        if (n == kMaxList || !Scalar(&items[n++])) return false;
      } while (Eat(','));
      if (!Eat(']')) return false;
    }
    Value::List list;
    list.reserve(n);
    for (size_t i = 0; i < n; ++i) list.push_back(std::move(items[i]));
    *out = Value::MakeList(std::move(list));
    return true;
  }

 private:
  static bool IsDigit(char c) { return c >= '0' && c <= '9'; }

  const char* p_;
  const char* end_;
};

// A key or node: null (absent, as in the simdjson path), a string, or an integer's digits.
template <typename Field>
bool ReadName(FlatLine* in, Field* field) {
  if (in->Peek() == '"') {
    std::string_view s;
    if (!in->String(&s)) return false;
    *field = s;
    return true;
  }
  if (in->Peek() == 'n') return in->Word("null");
  int64_t i;
  if (!in->Int(&i)) return false;
  *field = std::to_string(i);
  return true;
}

bool ReadProcess(FlatLine* in, int64_t* process) {
  if (in->Peek() == '"') {
    std::string_view s;
    if (!in->String(&s) || s != "nemesis") return false;
    *process = kNemesisProcess;
    return true;
  }
  return in->Int(process) && *process >= 0;  // negative: simdjson's path words the error
}

// The value of field `key`; `seen` gets bit 0 for type, 1 for f, 2 for process.
bool ReadField(std::string_view key, FlatLine* in, Op* op, unsigned* seen) {
  std::string_view s;
  switch (key.size()) {
    case 1:
      if (key != "f" || !in->String(&s)) return false;
      op->f = s;
      *seen |= 2;
      return true;
    case 3:
      return key == "key" && ReadName(in, &op->key);
    case 4:
      if (key == "time") return in->Int(&op->time);
      if (key == "node") return ReadName(in, &op->node);
      if (key == "role") return ReadName(in, &op->role);
      if (key != "type" || !in->String(&s)) return false;
      if (auto t = ParseOpType(s)) {
        op->type = *t;
        *seen |= 1;
        return true;
      }
      return false;
    case 5:
      if (key == "value") return in->AnyValue(&op->value);
      if (key == "index") {
        Value ignored;  // recomputed from the position, as in the simdjson path
        return in->AnyValue(&ignored);
      }
      if (key == "error") {
        if (!in->String(&s)) return false;
        op->error = s;
        return true;
      }
      if (key != "final") return false;
      if (in->Word("true")) {
        op->final = true;
        return true;
      }
      op->final = false;
      return in->Word("false");
    case 7:
      if (key != "process" || !ReadProcess(in, &op->process)) return false;
      *seen |= 4;
      return true;
  }
  return false;  // unknown keys are simdjson's (it ignores them; the fast path need not)
}

}  // namespace

size_t ParseFlatJsonlPrefix(std::string_view text, Op* op) {
  FlatLine in(text);
  if (!in.Eat('{')) return 0;
  unsigned seen = 0;
  do {
    std::string_view key;
    if (!in.String(&key) || !in.Eat(':') || !ReadField(key, &in, op, &seen)) return 0;
  } while (in.Eat(','));
  // A line missing type, f or process is an error, which simdjson's path words.
  if (!in.Eat('}') || seen != 7) return 0;
  return in.offset(text);
}

bool ParseFlatJsonlOp(std::string_view line, Op* op) {
  return !line.empty() && ParseFlatJsonlPrefix(line, op) == line.size();
}

}  // namespace faultline
