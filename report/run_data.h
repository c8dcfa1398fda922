// What a report is drawn from: a run folder's test.json, results.json and history, loaded
// and normalised, so the renderer sees one shape whether the folder came from
// `faultline test` or from `faultline check --out`. A plain value; LoadRun is thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/history.h"
#include "core/status.h"

namespace faultline {

struct ReportOptions {
  // The history to draw. Empty: RUN_DIR/history.jsonl, else the file results.json names
  // (a `faultline check --out` folder).
  std::string history_path;
};

struct RunData {
  std::string run_dir;
  nlohmann::json test;     // test.json; null when the folder has none
  nlohmann::json results;  // {"verdict", "checkers": {name: detail}, …}; null when not checked
  std::string history_path;
  std::string history_warning;  // non-empty: the history was a prefix (a crashed run)
  History history;
};

// Reads RUN_DIR. Fails (with a message naming the file) when the history cannot be found or
// read, or when test.json / results.json exist but are not valid JSON.
Result<RunData> LoadRun(const std::string& run_dir, const ReportOptions& options = {});

// results.json of `faultline check --out` ({"files": [{"file", "linearizability", …}]}, each
// checker it ran under its name) as the {"verdict", "checkers"} shape of a run; the entry for
// `history_path` (else the first). Other shapes are returned unchanged.
nlohmann::json NormaliseResults(const nlohmann::json& raw, const std::string& history_path);

// "2026-11-21 23:54:20" for a run folder named 20261121T235420 (or 20261121T235420-2);
// "" for other names.
std::string RunTimeFromDirName(const std::string& dir_name);

}  // namespace faultline
