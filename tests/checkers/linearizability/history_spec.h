// Test helpers: a compact notation for hand-written histories, turned into faultline's JSON
// Lines and parsed with the real reader, plus checking under both decision procedures.
#pragma once

#include <gtest/gtest.h>

#include <sstream>
#include <string>
#include <string_view>

#include "checkers/linearizability/checker.h"
#include "core/history_io.h"

namespace faultline::testing_spec {

// One op per line: `PROCESS TYPE F [@KEY] [VALUE]`, e.g. `0 invoke cas @a [0,1]` or
// `nemesis info start-partition`. VALUE is JSON where a bare `nil` means null; a missing
// VALUE is null. Blank lines and lines starting with '#' are skipped.
inline std::string SpecToJsonl(std::string_view spec) {
  std::istringstream in{std::string(spec)};
  std::string out;
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::string process, type, f, key;
    if (!(words >> process) || process[0] == '#') continue;
    words >> type >> f >> std::ws;
    if (words.peek() == '@') words >> key;
    std::string value;
    std::getline(words, value);
    if (value.empty()) value = "null";
    if (value[0] != '"') {
      for (size_t p; (p = value.find("nil")) != std::string::npos;) value.replace(p, 3, "null");
    }
    if (process == "nemesis") process = "\"nemesis\"";
    out += "{\"process\":" + process + ",\"type\":\"" + type + "\",\"f\":\"" + f + "\"";
    if (!key.empty()) out += ",\"key\":\"" + key.substr(1) + "\"";
    out += ",\"value\":" + value + "}\n";
  }
  return out;
}

inline History ParseSpec(std::string_view spec) {
  Result<LoadedHistory> loaded = ParseHistory(SpecToJsonl(spec), "test", HistoryFormat::kJsonl);
  EXPECT_TRUE(loaded.ok()) << loaded.status().message();
  return loaded.ok() ? std::move(loaded->history) : History();
}

inline LinearizabilityResult CheckOk(const History& h, const LinearizabilityOptions& options) {
  Result<LinearizabilityResult> r = CheckLinearizability(h, "test", options);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? std::move(r).value() : LinearizabilityResult{};
}

// Checks `spec` with the polynomial path allowed and with the search alone, expects the two
// verdicts to agree, and returns that verdict's name ("valid", "invalid", "unknown").
inline std::string VerdictBothWays(std::string_view spec, const std::string& model,
                                   const ModelOptions& model_options = {}) {
  const History h = ParseSpec(spec);
  LinearizabilityOptions options;
  options.model = model;
  options.model_options = model_options;
  const LinearizabilityResult fast = CheckOk(h, options);
  options.unique_values = false;
  const LinearizabilityResult search = CheckOk(h, options);
  EXPECT_EQ(VerdictName(fast.verdict), std::string(VerdictName(search.verdict)))
      << "unique-values and search disagree (" << model << ") on\n"
      << SpecToJsonl(spec);
  EXPECT_EQ(search.unique_value_keys, 0u);
  return VerdictName(search.verdict);
}

}  // namespace faultline::testing_spec
