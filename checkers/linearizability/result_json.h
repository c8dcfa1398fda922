// JSON form of a linearizability result, as written to results.json. Thread-safe.
#pragma once

#include <nlohmann/json_fwd.hpp>

#include "checkers/linearizability/checker.h"

namespace faultline {

nlohmann::json ToJson(const LinearizabilityResult& result);
nlohmann::json ToJson(const KeyResult& key);

}  // namespace faultline
