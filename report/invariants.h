// The bank and counter checkers' explanations in report.html: for results.json's "bank"
// checker, the read totals over time against the expected total and the bad reads; for
// "counter", every read against its allowed bounds and the problems. Static HTML with inline
// SVG plots (readable without the script and printed), faults shaded. Pure functions;
// thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "report/faults.h"
#include "report/op_columns.h"

namespace faultline {

// The "Bank" and "Counter" sections for every checker in results["checkers"] whose detail
// says "checker": "bank" or "counter" (checkers/bank/bank.h, checkers/counter/counter.h
// ToJson); "" when there is none. Malformed details are drawn as far as they go.
std::string InvariantsHtml(const nlohmann::json& results, const std::vector<FaultBand>& faults,
                           const TimeAxis& axis);

// Invoke lines of the ops those checkers flagged (bad reads; reads and final reads of error
// problems), sorted, without duplicates: the timeline always draws them.
std::vector<int64_t> InvariantAnomalyOps(const nlohmann::json& results);

}  // namespace faultline
