// Value: the JSON-like datum carried by an op (null, bool, int, double, string, list, map).
// A plain value type; const methods are safe to call from many threads.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
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
  static Value Bool(bool b) { return Value(b); }
  static Value Int(int64_t i) { return Value(i); }
  static Value Double(double d) { return Value(d); }
  static Value String(std::string s) { return Value(std::move(s)); }
  static Value MakeList(List l) { return Value(std::move(l)); }
  static Value MakeMap(Map m) { return Value(std::move(m)); }

  Kind kind() const { return static_cast<Kind>(v_.index()); }
  bool is_null() const { return kind() == Kind::kNull; }
  bool is_int() const { return kind() == Kind::kInt; }
  bool is_string() const { return kind() == Kind::kString; }
  bool is_list() const { return kind() == Kind::kList; }
  bool is_map() const { return kind() == Kind::kMap; }

  // REQUIRES: the matching kind.
  bool as_bool() const { return std::get<bool>(v_); }
  int64_t as_int() const { return std::get<int64_t>(v_); }
  double as_double() const { return std::get<double>(v_); }
  const std::string& as_string() const { return std::get<std::string>(v_); }
  const List& as_list() const { return std::get<List>(v_); }
  const Map& as_map() const { return std::get<Map>(v_); }
  // Move the list or map out, leaving this value unspecified. REQUIRES: the matching kind.
  List TakeList() && { return std::get<List>(std::move(v_)); }
  Map TakeMap() && { return std::get<Map>(std::move(v_)); }

  // Returns the entry for `key` in a map, or nullptr (also for non-maps).
  const Value* Find(std::string_view key) const;

  bool operator==(const Value& o) const { return v_ == o.v_; }

  // Compact JSON text (maps as objects in stored key order).
  std::string ToJson() const;
  void AppendJson(std::string* out) const;
  // Short name of the kind for error messages: "null", "int", "list"…
  static const char* KindName(Kind k);

 private:
  explicit Value(bool b) : v_(b) {}
  explicit Value(int64_t i) : v_(i) {}
  explicit Value(double d) : v_(d) {}
  explicit Value(std::string s) : v_(std::move(s)) {}
  explicit Value(List l) : v_(std::move(l)) {}
  explicit Value(Map m) : v_(std::move(m)) {}

  std::variant<std::monostate, bool, int64_t, double, std::string, List, Map> v_;
};

// Appends `s` as a JSON string literal (with quotes and escapes).
void AppendJsonString(std::string_view s, std::string* out);

}  // namespace faultline
