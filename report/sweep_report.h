// sweep.html for `faultline sweep` (docs/sweep.md): the sweep's cells as a matrix (rows the
// distinct "row" values, columns the distinct "column" values), each cell coloured by how many
// of its runs were invalid, with its prediction, its surprises marked, links to its runs'
// reports and its anomalies; a safety-against-cost plot; the cells not run; a details table
// per cell. One self-contained file like report.html: inline CSS, no script, nothing fetched,
// every string of sweep.json escaped. Free functions; thread-safe.
#pragma once

#include <functional>
#include <nlohmann/json.hpp>
#include <string>

#include "core/status.h"

namespace faultline {

// The sweep format this faultline reads and writes (sweep.json's "format").
inline constexpr int kSweepFormat = 1;

// SWEEP_DIR/sweep.json, checked for what the page needs: an object of format kSweepFormat
// whose "cells" is an array. Fails naming the file otherwise (missing, not JSON, another
// format). Fields inside the cells are not checked: a missing or mistyped one shows blank.
Result<nlohmann::json> ReadSweepJson(const std::string& sweep_dir);

// The page for `sweep` (the content of sweep.json). A run is linked to its report,
// dir + "/report.html" relative to the sweep folder, only when `report_exists` says that path
// exists (a run whose set-up failed has none); links are percent-encoded paths, so no value of
// sweep.json can make one leave the folder's relative paths for a scheme.
std::string RenderSweepReport(const nlohmann::json& sweep,
                              const std::function<bool(const std::string&)>& report_exists);

// Reads SWEEP_DIR/sweep.json and writes SWEEP_DIR/sweep.html (atomically); returns its path.
// Fails as ReadSweepJson does, or when the page cannot be written.
Result<std::string> WriteSweepReport(const std::string& sweep_dir);

}  // namespace faultline
