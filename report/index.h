// results/index.html: the runs under a results root, newest first. ScanRuns reads each run's
// test.json and results.json; RenderIndex is a pure function. Thread-safe.
#pragma once

#include <string>
#include <vector>

namespace faultline {

struct RunSummary {
  std::string rel_dir;  // "register/20261121T235408", relative to the root
  std::string time;     // "2026-11-21 23:54:08" (from the folder name, else its mtime)
  std::string name, db, workload, nemesis;
  double seconds = -1;  // history span; -1 unknown
  std::string verdict;  // valid | invalid | unknown | incomplete (no results.json)
  bool interrupted = false;
  bool has_report = false;
};

// Run folders (holding test.json or results.json) one or two levels under `root`; symlinks
// (results/latest) are skipped.
std::vector<RunSummary> ScanRuns(const std::string& root);
std::string RenderIndex(std::vector<RunSummary> runs);

}  // namespace faultline
