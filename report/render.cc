#include "report/render.h"

#include <algorithm>

#include "checkers/stats/stats.h"
#include "core/base64.h"
#include "report/assets.h"
#include "report/faults.h"
#include "report/html.h"
#include "report/invariants.h"
#include "report/op_columns.h"
#include "report/problems.h"
#include "report/witnesses.h"
#include "report/sections.h"

namespace faultline {
namespace {

constexpr const char* kChartSections = R"html(
<section id="timeline-section" class="chart-section"><h2>Timeline</h2>
<div class="toolbar" role="toolbar"><button type="button" data-zoom="in" title="zoom in (+)">+</button><button type="button" data-zoom="out" title="zoom out (−)">−</button><button type="button" data-zoom="left" title="pan left (←)">←</button><button type="button" data-zoom="right" title="pan right (→)">→</button><button type="button" data-zoom="reset" title="whole history (0)">whole history</button><span class="view-range" aria-live="polite"></span><label>op <input id="find-op" type="number" min="0" placeholder="line index" size="9"></label></div>
<div id="timeline" class="chart"></div>
<p class="legend"><span class="sw ok"></span>ok <span class="sw fail"></span>fail <span class="sw info"></span>info (outcome unknown) <span class="sw pending"></span>never completed <span class="sw fault"></span>fault <span class="sw anomaly"></span>op in a counterexample. One lane per process; each bar runs from invoke to completion.</p>
</section>
<section id="latency-section" class="chart-section"><h2>Latency</h2><div id="latency" class="chart"></div>
<p class="legend"><span class="sw ok"></span>ok <span class="sw fail"></span>fail <span class="sw info"></span>info, one point per op (log scale); lines: p50, p95 and p99 of ok ops per interval.</p></section>
<section id="throughput-section" class="chart-section"><h2>Throughput</h2><div id="throughput" class="chart"></div>
<p class="legend"><span class="sw ok"></span>ok <span class="sw fail"></span>fail <span class="sw info"></span>info, completions per second.</p></section>
<noscript><p class="error">The timeline and charts are drawn by the page's script; the tables work without it.</p></noscript>
)html";

// The page may load nothing: no network, no other file; only its own inline style and script.
constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data: "
    "blob:";

nlohmann::json FaultsJson(const std::vector<FaultBand>& faults) {
  nlohmann::json out = nlohmann::json::array();
  for (const FaultBand& b : faults) {
    out.push_back({b.start, b.end, b.f, b.target, b.start_index, b.end_index, b.instant ? 1 : 0});
  }
  return out;
}

std::string Head(const RunData& run) {
  const std::string name = run.test.is_object() ? run.test.value("name", "run") : "history";
  return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" "
         "content=\"width=device-width, initial-scale=1\"><meta name=\"color-scheme\" "
         "content=\"light\">"
         "<meta http-equiv=\"Content-Security-Policy\" content=\"" +
         std::string(kContentSecurityPolicy) +
         "\"><meta name=\"generator\" content=\"faultline " FAULTLINE_VERSION
         "\"><title>faultline · " +
         EscapeHtml(name) + " · " + EscapeHtml(OverallVerdict(run)) + "</title><style>" +
         std::string(kReportCss) + "</style></head>\n";
}

}  // namespace

std::string RenderReport(const RunData& run, const RenderLimits& limits) {
  const TimeAxis axis = ChooseTimeAxis(run.history);
  const EncodedOps ops = EncodeOps(run.history, axis, limits.string_budget);
  const std::vector<FaultBand> faults = FaultBands(run.history, axis);
  const std::vector<Problem> problems = CollectProblems(run.results);
  const HistoryStats stats = ComputeStats(run.history);
  // Every op an explanation names is drawn on the timeline at any zoom.
  std::vector<int64_t> anomaly_ops = AnomalyOps(problems);
  const std::vector<int64_t> invariant_ops = InvariantAnomalyOps(run.results);
  anomaly_ops.insert(anomaly_ops.end(), invariant_ops.begin(), invariant_ops.end());
  const std::vector<int64_t> witness_ops = WitnessOps(run.results);
  anomaly_ops.insert(anomaly_ops.end(), witness_ops.begin(), witness_ops.end());
  std::sort(anomaly_ops.begin(), anomaly_ops.end());
  anomaly_ops.erase(std::unique(anomaly_ops.begin(), anomaly_ops.end()), anomaly_ops.end());
  const nlohmann::json meta = {
      {"ops", ops.tables},
      {"faults", FaultsJson(faults)},
      {"problems", ProblemsForScript(problems, limits.counterexample_budget)},
      {"anomaly_ops", anomaly_ops},
      {"real_time", axis.real_time},
      {"latency_ms", {{"p50", stats.p50_ms}, {"p95", stats.p95_ms}, {"p99", stats.p99_ms}}}};
  std::string html = Head(run);
  html.reserve(ops.bytes.size() * 4 / 3 + (1 << 20));
  html += "<body><div id=\"fl-status\" data-state=\"loading\" hidden></div>";
  html += BannerHtml(run);
  html += "<main>" + SummaryHtml(run, stats, faults, axis);
  html += WitnessesHtml(run.results, limits.detailed_problems);  // a failure's story first
  html += kChartSections;
  html += ProblemsHtml(problems, limits.detailed_problems);
  html += InvariantsHtml(run.results, faults, axis);
  html += "</main>" + FooterHtml(run);
  html += "<div id=\"fl-tooltip\" role=\"tooltip\" hidden></div>\n";
  html += "<script type=\"application/json\" id=\"fl-meta\">" + JsonForScript(meta) + "</script>\n";
  html += "<script type=\"application/octet-stream\" id=\"fl-ops\">";
  html += Base64Encode(ops.bytes);
  html += "</script>\n<script>";
  html += kReportJs;
  html += "</script></body></html>\n";
  return html;
}

}  // namespace faultline
