// The checkers faultline knows, by name: each with a one-line description, the parameters its
// factory reads, and the factory. `faultline list` prints them; `faultline check --checker`
// and the workloads build checkers through them. The table is built on first use (no static
// registration a linker could drop) and never changes; thread-safe.
#pragma once

#include <memory>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "checkers/checker.h"

namespace faultline {

// Builds a checker from its parameters: a JSON object (null counts as empty) whose keys the
// checker does not read are ignored, so test.json's whole workload section may be passed.
// InvalidArgument ("checker bank: parameter \"total\" is required") on a missing or bad one.
using CheckerFactory = Result<std::unique_ptr<Checker>> (*)(const nlohmann::json& params);

struct CheckerInfo {
  std::string name;         // "linearizability", "causal", "bank", "counter"
  std::string description;  // one line
  std::string parameters;   // one line: what the factory reads ("" when nothing)
  CheckerFactory factory = nullptr;
};

// Every registered checker, in the order `faultline list` prints them.
const std::vector<CheckerInfo>& RegisteredCheckers();

// The registered checker called `name`, or nullptr.
const CheckerInfo* FindChecker(std::string_view name);

// "linearizability, causal, bank, counter": for messages.
std::string RegisteredCheckerNames();

// FindChecker(name)->factory(params); InvalidArgument naming the registered checkers when
// there is no checker called `name`.
Result<std::unique_ptr<Checker>> MakeChecker(std::string_view name, const nlohmann::json& params);

}  // namespace faultline
