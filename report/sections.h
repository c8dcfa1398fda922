// The static parts of report.html — the banner, the summary (verdict per checker with its
// reason, the run's facts, op counts, faults, options) and the footer — as HTML text. Every
// value from the run is escaped; options pass through RedactOptions. Pure functions;
// thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "checkers/stats/stats.h"
#include "report/faults.h"
#include "report/run_data.h"

namespace faultline {

// "valid", "invalid", "unknown", or "not checked" when the run has no results.json.
std::string OverallVerdict(const RunData& run);
// Why a checker said what it said, in a sentence: "5 of 743 keys not linearizable; key 203: …".
std::string CheckerReason(const std::string& checker, const nlohmann::json& detail);

std::string BannerHtml(const RunData& run);
std::string SummaryHtml(const RunData& run, const HistoryStats& stats,
                        const std::vector<FaultBand>& faults, const TimeAxis& axis);
// The options table: test.json flattened ("a.b") after redaction.
std::string OptionsHtml(const nlohmann::json& test);
std::string FooterHtml(const RunData& run);

}  // namespace faultline
