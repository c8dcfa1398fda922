// faultline's HTML output (ARCHITECTURE §6): report.html for one run — a single
// self-contained file, no network at view time — and results/index.html listing every run.
// Free functions; thread-safe (each reads its inputs and replaces one file atomically).
#pragma once

#include <string>

#include "core/status.h"
#include "report/run_data.h"  // ReportOptions

namespace faultline {

// Renders RUN_DIR/report.html from RUN_DIR's test.json (optional), results.json (optional:
// an unchecked run is drawn as "not checked") and its history. Returns the report's path.
// Fails with a message naming the file when the history is missing or unreadable.
Result<std::string> WriteReport(const std::string& run_dir, const ReportOptions& options = {});

// Rewrites RESULTS_ROOT/index.html: every run folder under it (RESULTS_ROOT/<test>/<time>/,
// or RESULTS_ROOT/<dir>/ from `faultline check --out`), newest first, with its time, test
// name, database, workload, nemesis, duration, verdict and a link to its report; above them
// every sweep folder (RESULTS_ROOT/<name>-sweep/<time>/, docs/sweep.md) with its cells,
// surprises and a link to its sweep.html. Returns the index's path.
Result<std::string> WriteResultsIndex(const std::string& results_root);

}  // namespace faultline
