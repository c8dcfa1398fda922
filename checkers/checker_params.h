// Reading a checker's parameters (a JSON object: test.json's workload keys, or `check`'s flags)
// with messages that say what, where and what was expected. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "core/status.h"

namespace faultline {

// params[key] as an integer in [min, max]; `fallback` when absent (nullopt: it is required).
// InvalidArgument ("checker bank: parameter \"total\": expected an integer, got \"x\"")
// otherwise.
Result<int64_t> IntParam(const nlohmann::json& params, const std::string& checker,
                         const std::string& key, std::optional<int64_t> fallback,
                         int64_t min = INT64_MIN, int64_t max = INT64_MAX);

// params[key] as true/false; `fallback` when absent.
Result<bool> BoolParam(const nlohmann::json& params, const std::string& checker,
                       const std::string& key, bool fallback);

// params[key] as a string; `fallback` when absent.
Result<std::string> StringParam(const nlohmann::json& params, const std::string& checker,
                                const std::string& key, const std::string& fallback);

}  // namespace faultline
