// sweep.html from a synthetic sweep.json: the matrix, the links to the runs' reports, the
// surprise marks, the plots, the cells not run, and escaping of hostile strings.
#include "report/sweep_report.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/report/temp_dir.h"

namespace faultline {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Rows r=1 and r=2, columns partition and kill. c-a: safe but invalid once (a surprise);
// c-b: unsafe, never caught (a surprise); c-c: set-up failed; c-d: not run; c-e: as predicted,
// with hostile strings everywhere a user's value can go.
constexpr const char* kSweep = R"json({
  "format": 1, "name": "register-sweep", "started": "2026-12-07 16:30:00",
  "command": "faultline sweep --db builtin --r 1,2",
  "axes": [{"name": "r", "values": [1, 2]}, {"name": "nemesis", "values": ["partition", "kill"]}],
  "columns": "nemesis", "seeds": 2, "sample": "every other cell", "not_run": ["c-d", "c-gone"],
  "cells": [
    {"id": "c-a", "settings": {"r": 1, "nemesis": "partition"}, "row": "r=1", "column": "partition",
     "label": "builtin · quorum (r 1)", "prediction": {"expect": "safe", "why": "a quorum overlaps"},
     "status": "done", "outcome": "surprise-invalid", "note": "1 of 2 runs caught it",
     "runs_done": 2, "invalid": 1, "unknown": 0, "valid": 1,
     "summary": {"verdict": "invalid", "anomalies": [{"checker": "linearizability",
       "kind": "not linearizable", "count": 3, "example": "key 7: not linearizable: op 12",
       "at_s": 2.5}], "first_anomaly_s": 2.5, "availability": 0.81, "ok_per_second": 4664.3,
       "p50_ms": 0.56, "p99_ms": 4.81,
       "faults": [{"f": "start-partition", "count": 2, "seconds": 3.5, "could_not_act": 1}]},
     "runs": [{"seed": 1, "dir": "runs/c-a-s1/20261207T163001", "exit": 1, "verdict": "invalid",
               "error": ""},
              {"seed": 2, "dir": "runs/c-a-s2/20261207T163101", "exit": 0, "verdict": "valid",
               "error": ""}]},
    {"id": "c-b", "settings": {"r": 1, "nemesis": "kill"}, "row": "r=1", "column": "kill",
     "label": "builtin · async", "prediction": {"expect": "unsafe", "why": "acks before replication"},
     "status": "done", "outcome": "surprise-never-caught", "note": "0 of 2 runs caught it",
     "runs_done": 2, "invalid": 0, "unknown": 0, "valid": 2,
     "summary": {"verdict": "valid", "anomalies": [], "ok_per_second": 9000, "p99_ms": 1.5},
     "runs": [{"seed": 1, "dir": "runs/c-b-s1/20261207T163201", "exit": 0, "verdict": "valid",
               "error": ""}]},
    {"id": "c-c", "settings": {"r": 2, "nemesis": "partition"}, "row": "r=2", "column": "partition",
     "label": "builtin · r 2", "prediction": {"expect": "safe", "why": "w+r>n"},
     "status": "setup-failed", "outcome": "setup-failed", "note": "",
     "runs_done": 0, "invalid": 0, "unknown": 0, "valid": 0, "summary": {},
     "runs": [{"seed": 1, "dir": "runs/c-c-s1/20261207T163301", "exit": 4, "verdict": "",
               "error": "n2: the store did not start"}]},
    {"id": "c-d", "settings": {"r": 2, "nemesis": "kill"}, "row": "r=2", "column": "kill",
     "label": "builtin · r 2 kill", "prediction": {"expect": "safe", "why": "w+r>n"},
     "status": "not-run", "outcome": "not-run", "note": "", "runs_done": 0, "invalid": 0,
     "unknown": 0, "valid": 0, "summary": null, "runs": []},
    {"id": "c-e\"><script>alert(1)</script>", "settings": {"r": "<script>alert(2)</script>"},
     "row": "r=<script>alert(3)</script>", "column": "kill", "label": "<b>hostile</b>",
     "prediction": {"expect": "no-promise", "why": "<script>alert(4)</script>"},
     "status": "done", "outcome": "as-predicted", "note": "</td></tr><script>alert(5)</script>",
     "runs_done": 1, "invalid": 0, "unknown": 1, "valid": 0,
     "summary": {"anomalies": [{"checker": "<i>c</i>", "kind": "<script>k</script>", "count": 1,
                                "example": "<script>alert(6)</script>", "at_s": null}]},
     "runs": [{"seed": "<s>", "dir": "javascript:alert(7)//\"><script>", "exit": 2,
               "verdict": "unknown", "error": "<script>alert(8)</script>"}]}
  ]})json";

// Every run folder of kSweep has a report except c-a's second run and c-c's.
bool ReportExists(const std::string& rel) {
  return rel != "runs/c-a-s2/20261207T163101/report.html" &&
         rel != "runs/c-c-s1/20261207T163301/report.html";
}

std::string Render() { return RenderSweepReport(json::parse(kSweep), ReportExists); }

size_t Find(const std::string& html, const std::string& what) {
  const size_t at = html.find(what);
  EXPECT_NE(at, std::string::npos) << "missing: " << what;
  return at;
}

TEST(SweepReport, LaysCellsOutByRowAndColumn) {
  const std::string html = Render();
  Find(html, "<title>faultline sweep · register-sweep</title>");
  Find(html, "faultline sweep --db builtin --r 1,2");
  Find(html, "2026-12-07 16:30:00");
  const size_t table = Find(html, "<table id=\"matrix\" class=\"matrix\">");
  const size_t partition = Find(html, "<th class=\"column\">partition</th>");
  const size_t kill = Find(html, "<th class=\"column\">kill</th>");
  const size_t row1 = Find(html, "<th class=\"row\">r=1</th>");
  const size_t row2 = Find(html, "<th class=\"row\">r=2</th>");
  EXPECT_LT(table, partition);
  EXPECT_LT(partition, kill);
  EXPECT_LT(kill, row1);
  EXPECT_LT(row1, row2);
  // c-a and c-b in row 1 (partition, then kill), c-c and c-d in row 2.
  const size_t a = Find(html, "id=\"cell-c-a\""), b = Find(html, "id=\"cell-c-b\"");
  const size_t c = Find(html, "id=\"cell-c-c\""), d = Find(html, "id=\"cell-c-d\"");
  EXPECT_TRUE(row1 < a && a < b && b < row2 && row2 < c && c < d);
  Find(html, ">1/2 invalid");
  Find(html, ">0/2 invalid");
  Find(html, "predicted safe");
  Find(html, "not linearizable ×3");
  Find(html, "key 7: not linearizable: op 12");
}

TEST(SweepReport, ColoursCellsByTheirRunsInvalid) {
  const std::string html = Render();
  Find(html,
       "id=\"cell-c-a\" class=\"cell fill-invalid surprise-invalid\" "
       "style=\"background:hsl(0,78%,75%)\"");
  Find(html, "id=\"cell-c-b\" class=\"cell fill-valid surprise-never-caught\"");
  Find(html, "id=\"cell-c-c\" class=\"cell fill-setup setup-failed\"");
  Find(html, "id=\"cell-c-d\" class=\"cell fill-none not-run\"");
  Find(html, ">setup failed<");
  Find(html, ">not run<");
}

TEST(SweepReport, MarksSurprises) {
  const std::string html = Render();
  Find(html,
       "<span class=\"badge surprise-invalid\" title=\"Surprise: predicted safe, yet 1 of 2 "
       "runs were invalid. 1 of 2 runs caught it\">surprise: invalid</span>");
  Find(html,
       "<span class=\"badge surprise-never-caught\" title=\"Surprise: predicted unsafe, yet "
       "none of the 2 runs caught a violation. 0 of 2 runs caught it\">surprise: never "
       "caught</span>");
  Find(html, "<span id=\"surprises\">2 surprises</span>");
  // The plots: a dot per cell that ran, its title naming the cell.
  Find(html, "<circle class=\"surprise-invalid\"");
  Find(html,
       "<title>builtin · quorum (r 1) · r=1 · partition: 50% of runs invalid, 4,664 "
       "(surprise-invalid)</title>");
  Find(html, "data-metric=\"p99_ms\"");
}

TEST(SweepReport, LinksEveryRunThatHasAReport) {
  const std::string html = Render();
  Find(html, "href=\"runs/c-a-s1/20261207T163001/report.html\"");
  Find(html, "href=\"runs/c-b-s1/20261207T163201/report.html\"");
  EXPECT_EQ(html.find("href=\"runs/c-a-s2/20261207T163101/report.html\""), std::string::npos);
  EXPECT_EQ(html.find("c-c-s1/20261207T163301/report.html"), std::string::npos);
  Find(html, "href=\"#details-c-a\"");
  Find(html, "id=\"details-c-a\"");
  Find(html, "n2: the store did not start");
  // A folder name cannot become a scheme: ':' and the rest are percent-encoded.
  Find(html, "href=\"javascript%3Aalert%287%29//%22%3E%3Cscript%3E/report.html\"");
  EXPECT_EQ(html.find("href=\"javascript:"), std::string::npos);
}

TEST(SweepReport, EscapesEveryStringOfSweepJson) {
  const std::string html = Render();
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<b>hostile"), std::string::npos);
  EXPECT_EQ(html.find("<i>c</i>"), std::string::npos);
  for (int i : {1, 2, 3, 4, 5, 6, 8}) {
    Find(html, "&lt;script&gt;alert(" + std::to_string(i) + ")&lt;/script&gt;");
  }
  Find(html, "id=\"cell-c-e&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\"");
}

TEST(SweepReport, ListsCellsNotRunAndTheSample) {
  const std::string html = Render();
  const size_t list = Find(html, "<ul id=\"not-run\">");
  EXPECT_LT(list, Find(html, "<li>builtin · r 2 kill · r=2 · kill</li>"));
  Find(html, "<li>c-gone</li>");  // named in not_run, no cell of its own
  Find(html, "<p>2 cells not run (the budget ran out):</p>");
  Find(html, "This sweep ran a sample of the grid: every other cell");
  json unsampled = json::parse(kSweep);
  unsampled["sample"] = nullptr;
  EXPECT_EQ(RenderSweepReport(unsampled, ReportExists).find("a sample of the grid"),
            std::string::npos);
}

TEST(SweepReport, DetailsEachCell) {
  const std::string html = Render();
  const size_t at = Find(html, "<section class=\"cell-details\" id=\"details-c-a\">");
  const std::string details = html.substr(at, html.find("</section>", at) - at);
  Find(details, "a quorum overlaps");
  Find(details, "81.0%");
  Find(details, "4,664 ok/s");
  Find(details, "p50 0.56 ms, p99 4.81 ms");
  Find(details, "2.50 s into a run");
  Find(details, "<td>start-partition</td><td>2</td><td>3.50 s</td><td>1</td>");
}

TEST(SweepReport, WritesSweepHtmlBesideSweepJson) {
  TempDir dir;
  const fs::path root(dir.path());
  WriteFile(root / "sweep.json", kSweep);
  WriteFile(root / "runs/c-a-s1/20261207T163001/report.html", "<html></html>");
  auto written = WriteSweepReport(dir.path());
  ASSERT_TRUE(written.ok()) << written.status().message();
  EXPECT_EQ(*written, (root / "sweep.html").string());
  std::ifstream in(*written);
  const std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Only the report that exists on disk is linked.
  Find(html, "href=\"runs/c-a-s1/20261207T163001/report.html\"");
  EXPECT_EQ(html.find("href=\"runs/c-b-s1/20261207T163201/report.html\""), std::string::npos);
}

TEST(SweepReport, RefusesWhatIsNotASweepJson) {
  TempDir dir;
  const fs::path root(dir.path());
  auto missing = WriteSweepReport(dir.path());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("sweep.json"), std::string::npos);
  WriteFile(root / "sweep.json", "{\"format\": 1, \"cells\": [");
  EXPECT_NE(WriteSweepReport(dir.path()).status().message().find("not valid JSON"),
            std::string::npos);
  WriteFile(root / "sweep.json", R"({"format": 2, "cells": []})");
  EXPECT_NE(WriteSweepReport(dir.path()).status().message().find("got format 2"),
            std::string::npos);
  WriteFile(root / "sweep.json", R"({"format": 1, "cells": {}})");
  EXPECT_NE(WriteSweepReport(dir.path()).status().message().find("\"cells\" must be an array"),
            std::string::npos);
  EXPECT_FALSE(fs::exists(root / "sweep.html"));
}

}  // namespace
}  // namespace faultline
