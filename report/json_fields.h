// Reading fields of JSON the report did not write itself (results.json of any faultline
// version, sweep.json): a field that is missing or of another type reads as absent instead of
// throwing, so a malformed file shows as blanks rather than failing a whole page. Pure;
// thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace faultline {

inline bool HasField(const nlohmann::json& j, const char* key) {
  return j.is_object() && j.contains(key);
}

// The value at `key`; null when it is absent (or `j` is not an object).
inline nlohmann::json AnyField(const nlohmann::json& j, const char* key) {
  return HasField(j, key) ? j[key] : nlohmann::json();
}

// The string at `key`; "" when it is absent or not a string.
inline std::string TextField(const nlohmann::json& j, const char* key) {
  return HasField(j, key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

// The number at `key`; nullopt when it is absent or not a number.
inline std::optional<double> NumberField(const nlohmann::json& j, const char* key) {
  if (!HasField(j, key) || !j[key].is_number()) return std::nullopt;
  return j[key].get<double>();
}

// The integer at `key`; `absent` when it is absent or not an integer.
inline int64_t IntField(const nlohmann::json& j, const char* key, int64_t absent = 0) {
  return HasField(j, key) && j[key].is_number_integer() ? j[key].get<int64_t>() : absent;
}

// The array at `key`; an empty array when it is absent or not an array.
inline const nlohmann::json& ArrayField(const nlohmann::json& j, const char* key) {
  static const nlohmann::json kNone = nlohmann::json::array();
  return HasField(j, key) && j[key].is_array() ? j[key] : kNone;
}

// The object at `key`; an empty object when it is absent or not an object.
inline const nlohmann::json& ObjectField(const nlohmann::json& j, const char* key) {
  static const nlohmann::json kNone = nlohmann::json::object();
  return HasField(j, key) && j[key].is_object() ? j[key] : kNone;
}

}  // namespace faultline
