// results/index.html: the sweeps and the runs under a results root, newest first. ScanRuns
// reads each run's test.json and results.json, ScanSweeps each sweep's sweep.json;
// RenderIndex is a pure function. Thread-safe.
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

// A sweep folder (`faultline sweep`, docs/sweep.md) as the index lists it.
struct SweepListing {
  std::string rel_dir;  // "register-sweep/20261207T163000", relative to the root
  std::string time;     // from the folder name, else sweep.json's "started", else its mtime
  std::string name;
  int64_t cells = 0, surprises = 0;  // surprises: cells whose outcome is surprise-…
  bool has_page = false;             // sweep.html exists (else the link is to sweep.json)
  std::string error;                 // sweep.json could not be read: why
};

// Run folders (holding test.json or results.json) one or two levels under `root`; symlinks
// (results/latest) are skipped. A sweep's runs (ROOT/<name>-sweep/<time>/runs/…) lie deeper
// and are not listed: the sweep's own page lists them.
std::vector<RunSummary> ScanRuns(const std::string& root);
// Sweep folders (holding sweep.json) one or two levels under `root`, symlinks skipped.
std::vector<SweepListing> ScanSweeps(const std::string& root);
std::string RenderIndex(std::vector<RunSummary> runs, std::vector<SweepListing> sweeps = {});

}  // namespace faultline
