// Value: the JSON-like datum carried by an op (null, bool, int, double, string, list, map).
// A plain value type; const methods are safe to call from many threads.
// 16 bytes: a kind tag and one word, which holds scalars inline and points to strings, lists
// and maps, which it owns (a 1M-op history holds millions of Values).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace faultline {

class Value {
 public:
  enum class Kind : uint8_t { kNull, kBool, kInt, kDouble, kString, kList, kMap };
  using List = std::vector<Value>;
  // Maps keep their keys in the order read; keys are strings (EDN keys of other
  // kinds are stored as their printed form, e.g. the int 3 as "3").
  using Map = std::vector<std::pair<std::string, Value>>;

  Value() = default;  // null
  Value(const Value& o) { CopyFrom(o); }
  Value(Value&& o) noexcept : kind_(o.kind_), u_(o.u_) { o.kind_ = Kind::kNull; }
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
      kind_ = o.kind_;
      u_ = o.u_;
      o.kind_ = Kind::kNull;
    }
    return *this;
  }
  ~Value() { Reset(); }
  static Value Bool(bool b) { return Value(b); }
  static Value Int(int64_t i) { return Value(i); }
  static Value Double(double d) { return Value(d); }
  static Value String(std::string s) { return Value(std::move(s)); }
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
  bool as_bool() const { return Expect(Kind::kBool).u_.b; }
  int64_t as_int() const { return Expect(Kind::kInt).u_.i; }
  double as_double() const { return Expect(Kind::kDouble).u_.d; }
  const std::string& as_string() const { return *Expect(Kind::kString).u_.s; }
  const List& as_list() const { return *Expect(Kind::kList).u_.l; }
  const Map& as_map() const { return *Expect(Kind::kMap).u_.m; }
  // Move the list or map out, leaving this value unspecified. REQUIRES: the matching kind.
  List TakeList() && { return std::move(*Expect(Kind::kList).u_.l); }
  Map TakeMap() && { return std::move(*Expect(Kind::kMap).u_.m); }

  // Returns the entry for `key` in a map, or nullptr (also for non-maps).
  const Value* Find(std::string_view key) const;

  bool operator==(const Value& o) const;

  // Compact JSON text (maps as objects in stored key order).
  std::string ToJson() const;
  void AppendJson(std::string* out) const;
  // Short name of the kind for error messages: "null", "int", "list"…
  static const char* KindName(Kind k);

 private:
  explicit Value(bool b) : kind_(Kind::kBool) { u_.b = b; }
  explicit Value(int64_t i) : kind_(Kind::kInt) { u_.i = i; }
  explicit Value(double d) : kind_(Kind::kDouble) { u_.d = d; }
  explicit Value(std::string s) : kind_(Kind::kString) { u_.s = new std::string(std::move(s)); }
  explicit Value(List l) : kind_(Kind::kList) { u_.l = new List(std::move(l)); }
  explicit Value(Map m) : kind_(Kind::kMap) { u_.m = new Map(std::move(m)); }

  const Value& Expect(Kind k) const {
    if (kind_ != k) ThrowKindMismatch();
    return *this;
  }
  [[noreturn]] static void ThrowKindMismatch();
  void CopyFrom(const Value& o);
  void Reset() {
    if (kind_ >= Kind::kString) Free();
    kind_ = Kind::kNull;
  }
  void Free();

  Kind kind_ = Kind::kNull;
  union {
    bool b;
    int64_t i;
    double d;
    std::string* s;
    List* l;
    Map* m;
  } u_{.i = 0};
};

// Appends `s` as a JSON string literal (with quotes and escapes).
void AppendJsonString(std::string_view s, std::string* out);

}  // namespace faultline
