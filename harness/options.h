// Options of a part (a database, a workload, a fault): how each one is described once — its
// flag, type, default, allowed values or range, help, and whether it is a safety setting —
// and the values a run gives them, a JSON object keyed by the option's key (as test.json
// records them). The command line, test.json, `--help`, the report and a sweep all read the
// same descriptions. Plain values; thread-compatible.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"

namespace faultline {

enum class OptionType { kString, kInt, kDouble, kBool, kStrings };

struct OptionSpec {
  // The command-line flag without "--" ("read-consistency"); empty for an option that only a
  // file gives (e.g. an --db external command read from --db-commands).
  std::string flag;
  // The key in test.json; empty: the flag with '-' as '_'.
  std::string key;
  OptionType type = OptionType::kString;
  nlohmann::json default_value;      // of `type`; a kBool defaults to false unless given
  std::vector<std::string> choices;  // kString: the allowed values (empty: any)
  std::optional<double> min, max;    // kInt, kDouble: the allowed range
  std::string help;
  // A setting a user would vary to validate a configuration (a sweep's axis): replication
  // mode, quorum sizes, commit and isolation levels, read paths.
  bool safety = false;

  std::string Key() const;
  // "linearizable|serializable", "0..9", "a number", … for help and messages.
  std::string AllowedText() const;
};

// A part's values: every option of `specs` with its default, then the given ones over them.
nlohmann::json DefaultOptionValues(const std::vector<OptionSpec>& specs);

// Converts a command-line word to the option's type ("--r x" → "--r: expected an integer").
Result<nlohmann::json> ParseOptionWord(const OptionSpec& spec, const std::string& word);

// Checks each value of `values` against its spec (type, choices, range); `owner` names the
// part in messages ("--db etcd"). A key no spec declares is an error that names the part.
Status CheckOptionValues(const std::vector<OptionSpec>& specs, const nlohmann::json& values,
                         const std::string& owner);

// Typed reads of a part's values (already checked: a missing key or wrong type throws
// nlohmann::json's exception, a bug).
inline std::string OptString(const nlohmann::json& v, const char* key) {
  return v.at(key).get<std::string>();
}
inline int64_t OptInt(const nlohmann::json& v, const char* key) { return v.at(key).get<int64_t>(); }
inline double OptDouble(const nlohmann::json& v, const char* key) { return v.at(key).get<double>(); }
inline bool OptBool(const nlohmann::json& v, const char* key) { return v.at(key).get<bool>(); }
inline std::vector<std::string> OptStrings(const nlohmann::json& v, const char* key) {
  return v.at(key).get<std::vector<std::string>>();
}

}  // namespace faultline
