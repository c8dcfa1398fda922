// The "safety against cost" plots of sweep.html: one dot per cell that ran, x what it cost
// (the median over its runs of a summary figure: ok/s, p99 latency), y the fraction of its
// runs found invalid, coloured by its outcome and named by a <title>. Static inline SVG, so it
// needs no script and prints. Pure; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace faultline {

// The plot of sweep.json's `cells` against `metric`, a number of each cell's "summary"
// ("ok_per_second", "p99_ms"), its x axis titled `x_title`. Cells that have no runs done or
// no such number are left out, and a line under the plot says how many.
std::string SafetyCostSvg(const nlohmann::json& cells, const char* metric,
                          const std::string& x_title);

}  // namespace faultline
