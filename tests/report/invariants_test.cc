// The bank and counter explanations of report.html: drawn from the checkers' own results.json
// form, every flagged read marked and linked to the timeline, hostile text escaped, and the
// flagged ops handed to the timeline.
#include "report/invariants.h"

#include <gtest/gtest.h>

#include "checkers/bank/bank.h"
#include "checkers/counter/counter.h"
#include "core/history_io.h"
#include "report/problems.h"
#include "report/render.h"

namespace faultline {
namespace {

const std::string kFixtures = std::string(FAULTLINE_SOURCE_DIR) + "/tests/fixtures/";

History Load(const std::string& path) {
  auto loaded = ReadHistoryFile(kFixtures + path, HistoryFormat::kJsonl);
  EXPECT_TRUE(loaded.ok()) << loaded.status().message();
  return loaded.ok() ? std::move(loaded->history) : History();
}

nlohmann::json BankResults(const History& h) {
  auto r = CheckBank(h, "bank", {.accounts = 3, .total = 30});
  EXPECT_TRUE(r.ok()) << r.status().message();
  return {{"verdict", VerdictName(r->verdict)}, {"checkers", {{"bank", ToJson(*r)}}}};
}

nlohmann::json CounterResults(const History& h, CounterConsistency c) {
  auto r = CheckCounter(h, "counter", {.consistency = c});
  EXPECT_TRUE(r.ok()) << r.status().message();
  return {{"verdict", VerdictName(r->verdict)}, {"checkers", {{"counter", ToJson(*r)}}}};
}

size_t Count(const std::string& html, const std::string& what) {
  size_t n = 0;
  for (size_t at = html.find(what); at != std::string::npos; at = html.find(what, at + 1)) ++n;
  return n;
}

TEST(BankHtml, PlotsTheTotalsAndMarksAndListsTheBadRead) {
  const History h = Load("bank/invalid-negative.jsonl");
  const std::string html = InvariantsHtml(BankResults(h), {}, ChooseTimeAxis(h));
  EXPECT_NE(html.find("id=\"bank-section\""), std::string::npos);
  EXPECT_NE(html.find("<svg class=\"inv-svg\""), std::string::npos);
  EXPECT_EQ(Count(html, "class=\"inv-line\""), 1u);
  EXPECT_EQ(Count(html, "class=\"inv-expected\""), 1u);
  // The bad read (op 6): one marker in the plot and one row in the table, both linked.
  EXPECT_EQ(Count(html, "class=\"op-link inv-bad\" data-op=\"6\""), 1u);
  EXPECT_EQ(Count(html, "<a class=\"op-link\" href=\"#timeline-section\" data-op=\"6\">"), 1u);
  EXPECT_NE(html.find("<td>negative</td><td>30</td><td>0 = -6</td>"), std::string::npos) << html;
  EXPECT_EQ(InvariantAnomalyOps(BankResults(h)), std::vector<int64_t>{6});
}

TEST(BankHtml, ValidRunHasAPlotButNoTable) {
  const History h = Load("bank/valid-concurrent-transfers.jsonl");
  const std::string html = InvariantsHtml(BankResults(h), {}, ChooseTimeAxis(h));
  EXPECT_NE(html.find("class=\"verdict valid\""), std::string::npos);
  EXPECT_EQ(html.find("inv-bad"), std::string::npos);
  EXPECT_EQ(html.find("<table"), std::string::npos);
  EXPECT_TRUE(InvariantAnomalyOps(BankResults(h)).empty());
}

TEST(CounterHtml, DrawsTheBoundsBandAndMarksErrorsAndNotes) {
  const History h = Load("counter/invalid-eventual-final-impossible-lost.jsonl");
  const nlohmann::json results = CounterResults(h, CounterConsistency::kEventual);
  const std::string html = InvariantsHtml(results, {}, ChooseTimeAxis(h));
  EXPECT_NE(html.find("id=\"counter-section\""), std::string::npos);
  // Two plots: absolute, and relative to each read's lower bound.
  EXPECT_NE(html.find("id=\"counter-plot\""), std::string::npos);
  EXPECT_NE(html.find("id=\"counter-plot-relative\""), std::string::npos);
  EXPECT_EQ(Count(html, "class=\"inv-bounds\""), 2u);
  EXPECT_EQ(Count(html, "class=\"inv-value\""), 2u);
  // Final reads 3 and 5 are stale (notes) and impossible (an error): marked as errors.
  EXPECT_EQ(Count(html, "class=\"op-link inv-bad\""), 4u);
  EXPECT_NE(html.find("<td>final-impossible</td><td>error</td>"), std::string::npos);
  EXPECT_NE(html.find("<td>stale-read</td><td>note</td>"), std::string::npos);
  EXPECT_NE(html.find("[5, 5]"), std::string::npos);  // the bounds of the stale reads
  EXPECT_EQ(InvariantAnomalyOps(results), (std::vector<int64_t>{3, 5}));
}

TEST(CounterHtml, NotesAloneAreAmberAndNotHandedToTheTimeline) {
  const History h = Load("counter/valid-eventual-stale-read.jsonl");
  const nlohmann::json results = CounterResults(h, CounterConsistency::kEventual);
  const std::string html = InvariantsHtml(results, {}, ChooseTimeAxis(h));
  EXPECT_EQ(Count(html, "class=\"op-link inv-note\" data-op=\"2\""), 2u);
  EXPECT_EQ(html.find("inv-bad"), std::string::npos);
  EXPECT_TRUE(InvariantAnomalyOps(results).empty());
}

TEST(InvariantsHtml, FaultBandsAreShadedInsideThePlot) {
  const History h = Load("counter/valid-concurrent-bounds.jsonl");
  const TimeAxis axis = ChooseTimeAxis(h);
  std::vector<FaultBand> faults = {{"kill", "n1", 3000, 9000, 5, 12, false},
                                   {"bump-clock", "n2", 11000, 11000, 14, 14, true},
                                   {"kill", "n3", 900000, 990000, 30, 31, false}};  // outside
  const std::string html =
      InvariantsHtml(CounterResults(h, CounterConsistency::kLinearizable), faults, axis);
  EXPECT_EQ(Count(html, "<rect class=\"fault-band\""), 2u);  // once per plot
  EXPECT_EQ(Count(html, "<line class=\"fault-instant\""), 2u);
  EXPECT_NE(html.find("<title>kill n1</title>"), std::string::npos);
}

TEST(InvariantsHtml, EscapesWhatTheResultsSayAndSurvivesMalformedDetails) {
  const char* kHostile = "</script><script>alert(1)</script>";
  nlohmann::json results = {
      {"checkers",
       {{"bank",
         {{"checker", "bank"},
          {"verdict", kHostile},
          {"explanation", kHostile},
          {"total", "not a number"},
          {"totals", {{1, 2, 3}, "junk", {4}}},
          {"bad_reads",
           {{{"op_index", 3}, {"kind", kHostile}, {"details", {{{"account", kHostile}}}}}, 42}}}},
        {"counter", {{"checker", "counter"}, {"bounds", 7}, {"problems", {nullptr}}}},
        {"linearizability", {{"verdict", "valid"}}}}}};
  const std::string html = InvariantsHtml(results, {}, TimeAxis{});
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("id=\"counter-section\""), std::string::npos);
  EXPECT_EQ(InvariantsHtml(nlohmann::json(), {}, TimeAxis{}), "");
  EXPECT_EQ(
      InvariantsHtml({{"checkers", {{"linearizability", {{"verdict", "valid"}}}}}}, {}, TimeAxis{}),
      "");
}

TEST(RenderReport, CounterProblemsAreNotDrawnAsCounterexamples) {
  RunData run;
  run.run_dir = "results/counter/20261122T010000";
  run.history_path = "history.jsonl";
  run.history = Load("counter/invalid-non-monotonic.jsonl");
  run.results = CounterResults(run.history, CounterConsistency::kLinearizable);
  EXPECT_TRUE(CollectProblems(run.results).empty());
  const std::string html = RenderReport(run);
  EXPECT_NE(html.find("id=\"counter-section\""), std::string::npos);
  EXPECT_EQ(html.find("id=\"problem-0\""), std::string::npos);
  EXPECT_NE(html.find("\"anomaly_ops\":[4,6]"), std::string::npos);
}

TEST(RenderReport, BankBadReadsAreDrawnOnTheTimelineAtAnyZoom) {
  RunData run;
  run.run_dir = "results/bank/20261122T010000";
  run.history_path = "history.jsonl";
  run.history = Load("bank/invalid-wrong-total.jsonl");
  run.results = BankResults(run.history);
  const std::string html = RenderReport(run);
  EXPECT_NE(html.find("id=\"bank-section\""), std::string::npos);
  EXPECT_NE(html.find("\"anomaly_ops\":[4]"), std::string::npos);
}

}  // namespace
}  // namespace faultline
