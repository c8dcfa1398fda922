#include "checkers/checker_params.h"

namespace faultline {
namespace {

// The value of params[key], or nullptr when params has no such key (or is not an object).
const nlohmann::json* Find(const nlohmann::json& params, const std::string& key) {
  if (!params.is_object()) return nullptr;
  auto it = params.find(key);
  return it == params.end() || it->is_null() ? nullptr : &*it;
}

Status Bad(const std::string& checker, const std::string& key, const std::string& expected,
           const nlohmann::json& got) {
  return Status::InvalidArgument("checker " + checker + ": parameter \"" + key + "\": expected " +
                                 expected + ", got " + got.dump());
}

}  // namespace

Result<int64_t> IntParam(const nlohmann::json& params, const std::string& checker,
                         const std::string& key, std::optional<int64_t> fallback, int64_t min,
                         int64_t max) {
  const nlohmann::json* v = Find(params, key);
  if (v == nullptr) {
    if (fallback) return *fallback;
    return Status::InvalidArgument("checker " + checker + ": parameter \"" + key +
                                   "\" is required");
  }
  std::string expected = "an integer";
  if (min != INT64_MIN && max != INT64_MAX) {
    expected += " from " + std::to_string(min) + " to " + std::to_string(max);
  } else if (min != INT64_MIN) {
    expected += " >= " + std::to_string(min);
  }
  if (!v->is_number_integer()) return Bad(checker, key, expected, *v);
  const int64_t n =
      v->is_number_unsigned() && v->get<uint64_t>() > INT64_MAX ? INT64_MAX : v->get<int64_t>();
  if (n < min || n > max) return Bad(checker, key, expected, *v);
  return n;
}

Result<bool> BoolParam(const nlohmann::json& params, const std::string& checker,
                       const std::string& key, bool fallback) {
  const nlohmann::json* v = Find(params, key);
  if (v == nullptr) return fallback;
  if (!v->is_boolean()) return Bad(checker, key, "true or false", *v);
  return v->get<bool>();
}

Result<std::string> StringParam(const nlohmann::json& params, const std::string& checker,
                                const std::string& key, const std::string& fallback) {
  const nlohmann::json* v = Find(params, key);
  if (v == nullptr) return fallback;
  if (!v->is_string()) return Bad(checker, key, "a string", *v);
  return v->get<std::string>();
}

}  // namespace faultline
