#include "sweep/collect.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "harness/results_store.h"
#include "report/run_summary.h"

namespace faultline {
namespace {

namespace fs = std::filesystem;

std::string RunFolder(const std::string& dir, const Cell& cell, int k) {
  return RunsRoot(dir) + "/" + RunName(cell, k);
}

// The newest time folder of run k ("": none), and whether it holds a finished check.
struct Found {
  std::string path;  // absolute
  nlohmann::json results;
};

Found Newest(const std::string& dir, const Cell& cell, int k) {
  std::vector<std::string> times;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(RunFolder(dir, cell, k), ec)) {
    if (e.is_directory() && !e.is_symlink()) times.push_back(e.path().string());
  }
  std::sort(times.begin(), times.end());
  Found f;
  // The newest with results, else the newest at all.
  for (auto it = times.rbegin(); it != times.rend(); ++it) {
    auto r = ReadJsonFile(*it + "/results.json");
    if (r.ok() && r->is_object()) {
      f.path = *it;
      f.results = *r;
      return f;
    }
  }
  if (!times.empty()) f.path = times.back();
  return f;
}

nlohmann::json Outcome(const std::string& dir, const Cell& cell, int k) {
  auto o = ReadJsonFile(RunOutcomePath(dir, cell, k));
  return o.ok() && o->is_object() ? *o : nlohmann::json::object();
}

// The last non-empty line of a run's log, which says why its set-up failed.
std::string LastLogLine(const std::string& path) {
  std::ifstream in(path);
  std::string line, last;
  while (std::getline(in, line)) {
    if (line.find_first_not_of(" \t\r") != std::string::npos) last = line;
  }
  return last;
}

std::string Relative(const std::string& path, const std::string& dir) {
  return fs::relative(path, dir).string();
}

nlohmann::json CollectRun(const SweepPlan& plan, const std::string& dir, const Cell& cell, int k) {
  nlohmann::json run = {{"seed", plan.run_seeds[k]}, {"dir", ""},     {"exit", nullptr},
                        {"verdict", "not-run"},      {"error", ""},   {"summary", nullptr}};
  const Found f = Newest(dir, cell, k);
  const nlohmann::json outcome = Outcome(dir, cell, k);
  if (outcome.contains("exit")) run["exit"] = outcome["exit"];
  if (!f.path.empty()) run["dir"] = Relative(f.path, dir);
  if (!f.results.is_null() && !f.results.value("interrupted", false)) {
    run["verdict"] = f.results.value("verdict", "unknown");
    auto s = SummarizeRun(f.path);
    if (s.ok()) {
      run["summary"] = *s;
    } else {
      run["error"] = s.status().message();
    }
  } else if (outcome.value("exit", -1) == 4) {
    run["verdict"] = "setup-failed";
    run["error"] = outcome.contains("error")
                       ? outcome["error"].get<std::string>()
                       : LastLogLine(RunFolder(dir, cell, k) + "/sweep-run.log");
  } else if (!f.path.empty() || outcome.contains("exit")) {
    run["verdict"] = "incomplete";
    run["error"] = f.results.is_null() ? "no results.json (the run ended before its check)"
                                       : "interrupted";
  }
  return run;
}

// With 0 of n runs catching a violation, the chance p that one run catches it satisfies
// (1-p)^n >= 0.05 at 95% confidence: p < 1 - 0.05^(1/n), about 3/n ("the rule of three").
std::string NeverCaughtNote(int n) {
  char text[320];
  std::snprintf(text, sizeof text,
                "predicted unsafe, but 0 of %d runs caught it: at 95%% confidence one run "
                "catches it less than %.0f%% of the time (about 3/n); a longer --time-limit or "
                "more --seeds would say more",
                n, 100 * (1 - std::pow(0.05, 1.0 / n)));
  return text;
}

void Judge(const Cell& cell, int seeds, nlohmann::json* c) {
  const int invalid = (*c)["invalid"], unknown = (*c)["unknown"], valid = (*c)["valid"];
  const int done = invalid + unknown + valid, setup = (*c)["setup_failed"];
  const bool assumed_safe = cell.expect == "safe" || cell.expect == "undeclared";
  std::string status = done == seeds ? "done" : done > 0 ? "partial" : setup > 0 ? "setup-failed" : "not-run";
  std::string outcome, note;
  if (done == 0) {
    outcome = status;
    note = setup > 0 ? "no run could be set up" : "not run";
  } else if (invalid > 0) {
    outcome = assumed_safe ? "surprise-invalid" : "as-predicted";
    note = std::to_string(invalid) + " of " + std::to_string(done) + " runs found it invalid";
    if (cell.expect == "safe") note += " although safety was predicted: a bug or a wrong belief";
    if (cell.expect == "undeclared") note += "; no prediction was declared, so safety was assumed";
    if (!assumed_safe) note += ", as predicted";
  } else if (cell.expect == "unsafe" && valid > 0) {
    outcome = "surprise-never-caught";
    note = NeverCaughtNote(valid);
  } else if (unknown > 0 && assumed_safe) {
    outcome = "unknown";
    note = std::to_string(unknown) + " of " + std::to_string(done) +
           " runs could not be decided (unknown); the rest were valid";
  } else {
    outcome = "as-predicted";
    note = "all " + std::to_string(done) + " runs valid";
  }
  if (status == "partial") {
    note += " (" + std::to_string(seeds - done) + " of " + std::to_string(seeds) +
            " runs missing)";
  }
  (*c)["status"] = status;
  (*c)["outcome"] = outcome;
  (*c)["note"] = note;
}

}  // namespace

std::string RunsRoot(const std::string& dir) { return dir + "/runs"; }

std::string RunOutcomePath(const std::string& dir, const Cell& cell, int k) {
  return RunFolder(dir, cell, k) + "/outcome.json";
}

bool RunFinished(const std::string& dir, const Cell& cell, int k) {
  const Found f = Newest(dir, cell, k);
  return !f.results.is_null() && !f.results.value("interrupted", false);
}

nlohmann::json CollectSweep(const SweepPlan& plan, const std::string& dir,
                            const std::vector<std::string>& not_run) {
  nlohmann::json j = plan.ToJson();
  j["not_run"] = not_run;
  for (size_t i = 0; i < plan.cells.size(); ++i) {
    const Cell& cell = plan.cells[i];
    nlohmann::json& c = j["cells"][i];
    c.erase("args");
    c["runs"] = nlohmann::json::array();
    int invalid = 0, unknown = 0, valid = 0, setup = 0;
    std::vector<nlohmann::json> summaries;
    for (int k = 0; k < plan.seeds; ++k) {
      nlohmann::json run = CollectRun(plan, dir, cell, k);
      const std::string v = run["verdict"];
      invalid += v == "invalid";
      unknown += v == "unknown";
      valid += v == "valid";
      setup += v == "setup-failed";
      if (!run["summary"].is_null()) summaries.push_back(run["summary"]);
      c["runs"].push_back(std::move(run));
    }
    c["invalid"] = invalid;
    c["unknown"] = unknown;
    c["valid"] = valid;
    c["setup_failed"] = setup;
    c["runs_done"] = invalid + unknown + valid;
    c["summary"] = summaries.empty() ? nlohmann::json() : MergeRunSummaries(summaries);
    Judge(cell, plan.seeds, &c);
  }
  return j;
}

int SweepExitCode(const nlohmann::json& sweep) {
  bool unknown = false, setup = false;
  for (const nlohmann::json& c : sweep["cells"]) {
    if (c["outcome"] == "surprise-invalid") return 1;
    // Undecided: an unknown verdict, or runs that never finished (budget, Ctrl-C, a crash).
    const int finished = c.value("runs_done", 0) + c.value("setup_failed", 0);
    unknown = unknown || c["outcome"] == "unknown" || finished < sweep.value("seeds", 0);
    setup = setup || c.value("setup_failed", 0) > 0;
  }
  return unknown ? 2 : setup ? 4 : 0;
}

std::string SweepTable(const nlohmann::json& sweep) {
  std::vector<std::string> rows, columns;
  std::map<std::pair<std::string, std::string>, std::string> text;
  auto add = [](std::vector<std::string>& v, const std::string& x) {
    if (std::find(v.begin(), v.end(), x) == v.end()) v.push_back(x);
  };
  for (const nlohmann::json& c : sweep["cells"]) {
    const std::string row = c["row"].get<std::string>().empty() ? "(all)" : c["row"].get<std::string>();
    add(rows, row);
    add(columns, c["column"]);
    const std::string outcome = c["outcome"], expect = c["prediction"]["expect"];
    std::string t = c["status"] == "not-run" ? "-" : c["status"] == "setup-failed" ? "setup!"
                    : std::to_string(c["invalid"].get<int>()) + "/" +
                          std::to_string(c["runs_done"].get<int>());
    t += " " + std::string(expect == "safe" ? "S" : expect == "unsafe" ? "U" : expect == "no-promise" ? "N" : "-");
    if (outcome == "surprise-invalid") t += " !";
    if (outcome == "surprise-never-caught") t += " ?";
    if (outcome == "unknown") t += " u";
    text[{row, c["column"]}] = t;
  }
  size_t row_width = 6;
  for (const std::string& r : rows) row_width = std::max(row_width, r.size());
  std::vector<size_t> widths;
  for (const std::string& col : columns) {
    size_t w = std::max<size_t>(col.size(), 8);
    for (const std::string& r : rows) w = std::max(w, text[{r, col}].size());
    widths.push_back(w);
  }
  std::ostringstream out;
  auto cell = [&](const std::string& s, size_t w) { out << "  " << s << std::string(w - std::min(w, s.size()), ' '); };
  cell("", row_width);
  for (size_t i = 0; i < columns.size(); ++i) cell(columns[i], widths[i]);
  out << "\n";
  for (const std::string& r : rows) {
    cell(r, row_width);
    for (size_t i = 0; i < columns.size(); ++i) {
      auto it = text.find({r, columns[i]});
      cell(it == text.end() ? "" : it->second, widths[i]);
    }
    out << "\n";
  }
  out << "k/n: runs invalid of runs decided; prediction S safe, U unsafe, N no promise, - "
         "undeclared; ! invalid where safety was predicted or assumed; ? predicted unsafe, never "
         "caught; u unknown\n";
  return out.str();
}

}  // namespace faultline
