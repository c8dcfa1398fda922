// Value: the JSON-like datum carried by an op (null, bool, int, double, string, list, map).
// A plain value type; const methods are safe to call from many threads.
// 16 bytes: a kind tag, then either a string of up to kInlineChars bytes held in place, or one
// word, which holds scalars inline and points to longer strings, lists and maps, which it owns
// (a 1M-op history holds millions of Values, and most of their strings are short: a string
// kept in place costs no allocation).
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace faultline {

class alignas(8) Value {
 public:
  enum class Kind : uint8_t { kNull, kBool, kInt, kDouble, kString, kList, kMap };
  using List = std::vector<Value>;
  // Maps keep their keys in the order read; keys are strings (EDN keys of other
  // kinds are stored as their printed form, e.g. the int 3 as "3").
  using Map = std::vector<std::pair<std::string, Value>>;

  Value() = default;  // null
  Value(const Value& o) { CopyFrom(o); }
  Value(Value&& o) noexcept { TakeFrom(o); }
  Value& operator=(const Value& o) {
    if (this != &o) {
      Value copy(o);
      *this = std::move(copy);
    }
    return *this;
  }
  Value& operator=(Value&& o) noexcept {
    if (this != &o) {
      Reset();
      TakeFrom(o);
    }
    return *this;
  }
  ~Value() { Reset(); }
  static Value Bool(bool b) { return Value(b); }
  static Value Int(int64_t i) { return Value(i); }
  static Value Double(double d) { return Value(d); }
  static Value String(std::string_view s) { return Value(s); }
  static Value MakeList(List l) { return Value(std::move(l)); }
  static Value MakeMap(Map m) { return Value(std::move(m)); }

  Kind kind() const { return kind_; }
  bool is_null() const { return kind() == Kind::kNull; }
  bool is_int() const { return kind() == Kind::kInt; }
  bool is_string() const { return kind() == Kind::kString; }
  bool is_list() const { return kind() == Kind::kList; }
  bool is_map() const { return kind() == Kind::kMap; }

  // REQUIRES: the matching kind (checked: a mismatch throws std::bad_variant_access, as the
  // std::variant this replaces did).
  bool as_bool() const { return Expect(Kind::kBool).Word<bool>(); }
  int64_t as_int() const { return Expect(Kind::kInt).Word<int64_t>(); }
  double as_double() const { return Expect(Kind::kDouble).Word<double>(); }
  // A view of the string this Value holds: valid while the Value lives and is not assigned
  // to (moving the Value moves a short string's bytes).
  std::string_view as_string() const {
    Expect(Kind::kString);
    if (size_ <= kInlineChars) return {chars_, size_};
    const LongString* l = Word<LongString*>();
    return {l->chars, l->size};
  }
  const List& as_list() const { return *Expect(Kind::kList).Word<List*>(); }
  const Map& as_map() const { return *Expect(Kind::kMap).Word<Map*>(); }
  // Move the list or map out, leaving this value unspecified. REQUIRES: the matching kind.
  List TakeList() && { return std::move(*Expect(Kind::kList).Word<List*>()); }
  Map TakeMap() && { return std::move(*Expect(Kind::kMap).Word<Map*>()); }

  // The longest string held in place, without an allocation.
  static constexpr size_t kInlineChars = 14;

  // Returns the entry for `key` in a map, or nullptr (also for non-maps).
  const Value* Find(std::string_view key) const;

  bool operator==(const Value& o) const;

  // Compact JSON text (maps as objects in stored key order).
  std::string ToJson() const;
  void AppendJson(std::string* out) const;
  // Short name of the kind for error messages: "null", "int", "list"…
  static const char* KindName(Kind k);

 private:
  // A string longer than kInlineChars: its size and bytes in one allocation.
  struct LongString {
    size_t size;
    char chars[1];  // `size` of them, allocated past the struct's end
  };
  static constexpr uint8_t kLong = 0xff;  // size_ of a string held in a LongString

  explicit Value(bool b) : kind_(Kind::kBool) { SetWord(b); }
  explicit Value(int64_t i) : kind_(Kind::kInt) { SetWord(i); }
  explicit Value(double d) : kind_(Kind::kDouble) { SetWord(d); }
  explicit Value(std::string_view s);
  explicit Value(List l) : kind_(Kind::kList) { SetWord(new List(std::move(l))); }
  explicit Value(Map m) : kind_(Kind::kMap) { SetWord(new Map(std::move(m))); }

  // The word at offset 8 (scalars and pointers), read and written as bytes so that it can
  // share them with an inline string's.
  template <typename T>
  T Word() const {
    T v;
    std::memcpy(&v, chars_ + kWordOffset, sizeof v);
    return v;
  }
  template <typename T>
  void SetWord(T v) {
    std::memcpy(chars_ + kWordOffset, &v, sizeof v);
  }
  // Takes o's contents (16 bytes, whatever they hold) and leaves o null.
  void TakeFrom(Value& o) {
    kind_ = o.kind_;
    size_ = o.size_;
    std::memcpy(chars_, o.chars_, kInlineChars);
    o.kind_ = Kind::kNull;
  }

  const Value& Expect(Kind k) const {
    if (kind_ != k) ThrowKindMismatch();
    return *this;
  }
  [[noreturn]] static void ThrowKindMismatch();
  void CopyFrom(const Value& o);
  void Reset() {
    if (kind_ > Kind::kString || (kind_ == Kind::kString && size_ == kLong)) Free();
    kind_ = Kind::kNull;
  }
  void Free();

  static constexpr size_t kWordOffset = 6;  // chars_ + 6 is byte 8 of the Value

  Kind kind_ = Kind::kNull;
  uint8_t size_ = 0;  // kString: its size when held in chars_, else kLong
  char chars_[kInlineChars] = {};
};
static_assert(sizeof(Value) == 16);

// Appends `s` as a JSON string literal (with quotes and escapes).
void AppendJsonString(std::string_view s, std::string* out);

}  // namespace faultline
