// What a sweep's runs found, cell by cell: each run read from its folder (runs/<cell>-s<k>/),
// its summary (report/run_summary.h), the cell's k/n beside its prediction, the surprises,
// the exit code, and the plain-text matrix printed at the end of a sweep. Reading folders
// only, so it serves a sweep that just ran, one resumed, and one whose runs a job runner ran
// from --plan (--collect). Pure functions of the folder; main thread.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "sweep/plan.h"

namespace faultline {

// The runs' folders under a sweep folder, and the file the sweep writes beside each run.
std::string RunsRoot(const std::string& sweep_dir);
std::string RunOutcomePath(const std::string& sweep_dir, const Cell& cell, int k);

// A run is finished when its folder holds results.json of a run that was not interrupted:
// --resume starts the others again, set-up failures included (often a passing cause: a host
// down, a port taken, the program being rebuilt).
bool RunFinished(const std::string& sweep_dir, const Cell& cell, int k);

// sweep.json (docs/sweep.md). `not_run`: runs the budget left unstarted.
nlohmann::json CollectSweep(const SweepPlan& plan, const std::string& sweep_dir,
                            const std::vector<std::string>& not_run);

// 0 every cell as predicted (or valid where nothing was declared); 1 a cell invalid where
// safety was predicted or assumed; else 2 when an unknown run decides a cell or runs are
// missing (the budget, Ctrl-C); else 4 when a run could not be set up.
int SweepExitCode(const nlohmann::json& sweep);

// The matrix as text: a row per configuration, a column per fault set (or workload).
std::string SweepTable(const nlohmann::json& sweep);

}  // namespace faultline
