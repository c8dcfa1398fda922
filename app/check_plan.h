// Which checkers `faultline check` runs on a history file, and with which parameters: those
// named by --checker, else those the run's workload implies (test.json beside the history),
// else linearizability. Free functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "workloads/workload_checkers.h"

namespace faultline {

// What a stored run's test.json says about checking its history.
struct StoredRun {
  std::string test_json;  // its path, for messages
  std::string workload;   // "register", "bank", "counter", … ("" when it names none)
  // The checker parameters it records: the old flat keys (accounts, total, allow_negative,
  // consistency), overlaid by the keys of a "workload" object ({"name": "bank", "total": …}).
  nlohmann::json params = nlohmann::json::object();
};

// test.json in the directory of `history_path`, or nullopt when there is none. InvalidInput
// ("DIR/test.json: …; expected …") when it is there but not a JSON object, or its "workload"
// is neither a string nor an object with a string "name".
Result<std::optional<StoredRun>> ReadStoredRun(const std::string& history_path);

// "linearizability,causal" → the names, in order, without repeats. InvalidArgument
// ("--checker foo: unknown checker; the checkers are: linearizability, causal, bank,
// counter") for a name not registered (checkers/registry.h) or an empty list.
Result<std::vector<std::string>> ParseCheckerList(const std::string& text);

}  // namespace faultline
