#include "report/sweep_report.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "report/assets.h"
#include "report/file_io.h"
#include "report/html.h"
#include "report/json_fields.h"
#include "report/sweep_plot.h"

namespace faultline {
namespace {

using nlohmann::json;
using ReportExists = std::function<bool(const std::string&)>;

// The page loads nothing and runs nothing: only its own inline style.
constexpr const char* kContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'";
// The example a matrix cell shows; the details table has it whole.
constexpr size_t kCellExampleChars = 160;

std::string H(const std::string& s) { return EscapeHtml(s); }

std::string Fixed(double v, int digits) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// "as-predicted" → "as predicted"
std::string Words(std::string s) {
  for (char& c : s) c = c == '-' ? ' ' : c;
  return s;
}

// A value of sweep.json as text: strings as they are, anything else as compact JSON.
std::string AsText(const json& v) {
  return v.is_string() ? v.get<std::string>()
                       : v.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string Clip(const std::string& s, size_t max) {
  if (s.size() <= max) return s;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return s.substr(0, cut) + "…";
}

// `path` as a relative URL: every byte but letters, digits, - . _ ~ and / percent-encoded, so
// a folder name cannot add a scheme ("javascript:"), a query or a fragment.
std::string Href(const std::string& path) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out += char(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// A run's report, relative to the sweep folder; "" when the run has no folder.
std::string ReportPath(const json& run) {
  std::string dir = TextField(run, "dir");
  while (!dir.empty() && dir.back() == '/') dir.pop_back();
  return dir.empty() ? "" : dir + "/report.html";
}

std::string Seconds(std::optional<double> s) {
  if (!s) return "—";
  return *s == 0 ? "0 s" : HumanSeconds(*s);  // not "0 µs": none at all, not a short time
}

std::string Rate(std::optional<double> r) {
  if (!r) return "—";
  return (*r >= 100 ? GroupDigits(std::llround(*r)) : Fixed(*r, 1)) + " ok/s";
}

std::string Millis(std::optional<double> ms) { return ms ? Fixed(*ms, 2) + " ms" : "—"; }

std::string Percent(std::optional<double> x) { return x ? Fixed(100 * *x, 1) + "%" : "—"; }

// ---- the matrix

// How a cell box is filled: green when no run was invalid, red deepening with the fraction
// invalid (an inline style), grey when nothing is known, a hatch when the set-up failed.
std::string FillClass(const json& cell) {
  const std::string status = TextField(cell, "status");
  const int64_t done = IntField(cell, "runs_done");
  if (status == "setup-failed") return "fill-setup";
  if (done <= 0 || status == "not-run") return "fill-none";
  if (IntField(cell, "invalid") > 0) return "fill-invalid";
  return IntField(cell, "valid") > 0 ? "fill-valid" : "fill-none";
}

std::string FillStyle(const json& cell) {
  if (FillClass(cell) != "fill-invalid") return "";
  const double fraction =
      std::min(1.0, double(IntField(cell, "invalid")) / double(IntField(cell, "runs_done")));
  return " style=\"background:hsl(0,78%," + Fixed(88 - 26 * fraction, 0) + "%)\"";
}

std::string Tally(const json& cell) {
  const std::string status = TextField(cell, "status");
  const int64_t done = IntField(cell, "runs_done");
  if (status == "not-run") return "not run";
  std::string t =
      done > 0 ? std::to_string(IntField(cell, "invalid")) + "/" + std::to_string(done) + " invalid"
               : "no runs";
  if (const int64_t unknown = IntField(cell, "unknown"); unknown > 0 && done > 0)
    t += ", " + std::to_string(unknown) + " unknown";
  if (status == "setup-failed") t = "setup failed" + (done > 0 ? " · " + t : "");
  if (status == "partial") t += " · partial";
  return t;
}

// The mark of a surprise: a badge whose title says what was expected and what happened.
std::string SurpriseBadge(const json& cell) {
  const std::string outcome = TextField(cell, "outcome");
  if (outcome != "surprise-invalid" && outcome != "surprise-never-caught") return "";
  const json& prediction = ObjectField(cell, "prediction");
  const int64_t done = IntField(cell, "runs_done");
  const std::string what = outcome == "surprise-invalid"
                               ? std::to_string(IntField(cell, "invalid")) + " of " +
                                     std::to_string(done) + " runs were invalid"
                               : "none of the " + std::to_string(done) + " runs caught a violation";
  const std::string title = "Surprise: predicted " + TextField(prediction, "expect") + ", yet " +
                            what + ". " + TextField(cell, "note");
  return "<span class=\"badge " + H(outcome) + "\" title=\"" + H(title) +
         "\">surprise: " + (outcome == "surprise-invalid" ? "invalid" : "never caught") + "</span>";
}

std::string KindsHtml(const json& summary) {
  const json& anomalies = ArrayField(summary, "anomalies");
  if (anomalies.empty()) return "";
  std::string s = "<ul class=\"kinds\">";
  for (const json& a : anomalies) {
    s += "<li title=\"" + H(TextField(a, "checker")) + "\">" + H(TextField(a, "kind")) + " ×" +
         GroupDigits(IntField(a, "count")) + "</li>";
  }
  const std::string example = TextField(anomalies[0], "example");
  if (!example.empty()) {
    s += "</ul><div class=\"example\" title=\"" + H(example) + "\">" +
         H(Clip(example, kCellExampleChars)) + "</div>";
    return s;
  }
  return s + "</ul>";
}

// One link per run to its report; a run without one is its number alone.
std::string RunLinks(const json& cell, const ReportExists& report_exists) {
  const json& runs = ArrayField(cell, "runs");
  if (runs.empty()) return "";
  std::string s = "<div class=\"runs\">runs:";
  for (size_t i = 0; i < runs.size(); ++i) {
    const json& run = runs[i];
    const std::string path = ReportPath(run);
    std::string title = "seed " + AsText(AnyField(run, "seed")) + ": " + TextField(run, "verdict");
    if (const std::string error = TextField(run, "error"); !error.empty()) title += " — " + error;
    const std::string n = std::to_string(i + 1);
    s += !path.empty() && report_exists(path)
             ? " <a class=\"run-link\" href=\"" + H(Href(path)) + "\" title=\"" + H(title) + "\">" +
                   n + "</a>"
             : " <span title=\"" + H(title + " (no report)") + "\">" + n + "</span>";
  }
  return s + "</div>";
}

std::string CellBox(const json& cell, const ReportExists& report_exists) {
  const std::string id = TextField(cell, "id"), outcome = TextField(cell, "outcome");
  const std::string title = TextField(cell, "label") + " — " + Words(outcome) +
                            (TextField(cell, "note").empty() ? "" : ": " + TextField(cell, "note"));
  return "<div id=\"cell-" + H(id) + "\" class=\"cell " + FillClass(cell) + " " + H(outcome) +
         "\"" + FillStyle(cell) + " data-outcome=\"" + H(outcome) + "\" title=\"" + H(title) +
         "\"><div class=\"tally\">" + H(Tally(cell)) + SurpriseBadge(cell) +
         "</div><div class=\"predict\">predicted " +
         H(TextField(ObjectField(cell, "prediction"), "expect")) + "</div>" +
         KindsHtml(ObjectField(cell, "summary")) + RunLinks(cell, report_exists) +
         "<a class=\"to-details\" href=\"#details-" + H(Href(id)) + "\">details</a></div>";
}

// The distinct values of `field` over the cells, in order of first appearance.
std::vector<std::string> Distinct(const json& cells, const char* field) {
  std::vector<std::string> out;
  for (const json& cell : cells) {
    const std::string v = TextField(cell, field);
    if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
  }
  return out;
}

std::string MatrixHtml(const json& sweep, const ReportExists& report_exists) {
  const json& cells = ArrayField(sweep, "cells");
  const std::vector<std::string> rows = Distinct(cells, "row"), columns = Distinct(cells, "column");
  std::string s =
      "<section id=\"matrix-section\"><h2>Matrix</h2><table id=\"matrix\" "
      "class=\"matrix\"><thead><tr><th>" +
      H(TextField(sweep, "columns")) + " →</th>";
  for (const std::string& c : columns) s += "<th class=\"column\">" + H(c) + "</th>";
  s += "</tr></thead><tbody>";
  for (const std::string& r : rows) {
    s += "<tr><th class=\"row\">" + H(r) + "</th>";
    for (const std::string& c : columns) {
      s += "<td>";
      for (const json& cell : cells) {
        if (TextField(cell, "row") == r && TextField(cell, "column") == c)
          s += CellBox(cell, report_exists);
      }
      s += "</td>";
    }
    s += "</tr>";
  }
  if (cells.empty()) s += "<tr><td>This sweep has no cells.</td></tr>";
  return s +
         "</tbody></table><p class=\"legend\"><span class=\"sw fill-valid\"></span>no run invalid"
         "<span class=\"sw fill-invalid\"></span>k of n runs invalid (deeper: more)"
         "<span class=\"sw fill-none\"></span>unknown or not run<span class=\"sw "
         "fill-setup\"></span>set-up failed. A solid dark outline marks a surprise invalid "
         "(predicted safe), a dashed one a violation never caught (predicted "
         "unsafe).</p></section>";
}

// ---- the rest of the page

std::string SafetyCostHtml(const json& cells) {
  return "<section id=\"cost-section\"><h2>Safety against cost</h2><div class=\"plots\">" +
         SafetyCostSvg(cells, "ok_per_second", "throughput, ok/s (median of the cell's runs)") +
         SafetyCostSvg(cells, "p99_ms", "p99 latency, ms (median of the cell's runs)") +
         "</div><p class=\"legend\"><span class=\"sw as-predicted\"></span>as predicted<span "
         "class=\"sw surprise-invalid\"></span>surprise: invalid<span class=\"sw "
         "surprise-never-caught\"></span>surprise: never caught<span class=\"sw "
         "unknown\"></span>unknown. Hover a dot for its cell.</p></section>";
}

std::string CellName(const json& cell) {
  std::string name = TextField(cell, "label");
  for (const char* part : {"row", "column"}) {
    if (const std::string s = TextField(cell, part); !s.empty())
      name += (name.empty() ? "" : " · ") + s;
  }
  return name.empty() ? TextField(cell, "id") : name;
}

// The cells the budget left out (status "not-run", or named in "not_run") and, for a sampled
// grid, what was sampled.
std::string NotRunHtml(const json& sweep) {
  std::vector<std::string> names;
  for (const json& cell : ArrayField(sweep, "cells")) {
    if (TextField(cell, "status") == "not-run") names.push_back(CellName(cell));
  }
  for (const json& id : ArrayField(sweep, "not_run")) {
    bool listed = false;
    for (const json& cell : ArrayField(sweep, "cells")) {
      listed = listed || (TextField(cell, "status") == "not-run" && AnyField(cell, "id") == id);
    }
    if (!listed) names.push_back(AsText(id));
  }
  const bool sampled = HasField(sweep, "sample") && !sweep["sample"].is_null();
  if (names.empty() && !sampled) return "";
  std::string s = "<section id=\"not-run-section\"><h2>Not run</h2>";
  if (sampled) {
    s += "<p class=\"sample\">This sweep ran a sample of the grid: " + H(AsText(sweep["sample"])) +
         "</p>";
  }
  if (!names.empty()) {
    s += "<p>" + std::to_string(names.size()) + " cell" + (names.size() == 1 ? "" : "s") +
         " not run (the budget ran out):</p><ul id=\"not-run\">";
    for (const std::string& n : names) s += "<li>" + H(n) + "</li>";
    s += "</ul>";
  }
  return s + "</section>";
}

std::string Row(const std::string& name, const std::string& html) {
  return "<tr><th>" + H(name) + "</th><td>" + html + "</td></tr>";
}

std::string SettingsText(const json& cell) {
  std::string s;
  for (const auto& [k, v] : ObjectField(cell, "settings").items())
    s += (s.empty() ? "" : ", ") + k + "=" + AsText(v);
  return s;
}

std::string RunsTable(const json& cell, const ReportExists& report_exists) {
  std::string s =
      "<table "
      "class=\"inner\"><tr><th>seed</th><th>verdict</th><th>exit</th><th>report</th><th>error</"
      "th></tr>";
  for (const json& run : ArrayField(cell, "runs")) {
    const std::string path = ReportPath(run), verdict = TextField(run, "verdict");
    s += "<tr><td>" + H(AsText(AnyField(run, "seed"))) + "</td><td class=\"verdict " + H(verdict) +
         "\">" + H(verdict) + "</td><td>" + H(AsText(AnyField(run, "exit"))) + "</td><td>" +
         (!path.empty() && report_exists(path)
              ? "<a href=\"" + H(Href(path)) + "\">" + H(TextField(run, "dir")) + "</a>"
              : H(TextField(run, "dir"))) +
         "</td><td class=\"error\">" + H(TextField(run, "error")) + "</td></tr>";
  }
  return s + "</table>";
}

std::string AnomaliesTable(const json& summary) {
  const json& anomalies = ArrayField(summary, "anomalies");
  if (anomalies.empty()) return "none";
  std::string s =
      "<table class=\"inner\"><tr><th>checker</th><th>kind</th><th>count</th><th>first at</th>"
      "<th>example</th></tr>";
  for (const json& a : anomalies) {
    s += "<tr><td>" + H(TextField(a, "checker")) + "</td><td>" + H(TextField(a, "kind")) +
         "</td><td>" + GroupDigits(IntField(a, "count")) + "</td><td>" +
         H(Seconds(NumberField(a, "at_s"))) + "</td><td>" + H(TextField(a, "example")) +
         "</td></tr>";
  }
  return s + "</table>";
}

std::string FaultsTable(const json& summary) {
  const json& faults = ArrayField(summary, "faults");
  if (faults.empty()) return "none";
  std::string s =
      "<table class=\"inner\"><tr><th>fault</th><th>count</th><th>seconds under it</th>"
      "<th>could not act</th></tr>";
  for (const json& f : faults) {
    s += "<tr><td>" + H(TextField(f, "f")) + "</td><td>" + GroupDigits(IntField(f, "count")) +
         "</td><td>" + H(Seconds(NumberField(f, "seconds"))) + "</td><td>" +
         GroupDigits(IntField(f, "could_not_act")) + "</td></tr>";
  }
  return s + "</table>";
}

std::string CellDetails(const json& cell, const ReportExists& report_exists) {
  const json& summary = ObjectField(cell, "summary");
  const json& prediction = ObjectField(cell, "prediction");
  const std::string outcome = TextField(cell, "outcome");
  std::string s = "<section class=\"cell-details\" id=\"details-" + H(TextField(cell, "id")) +
                  "\"><h3>" + H(CellName(cell)) + "</h3><table class=\"details\">";
  s += Row("settings", H(SettingsText(cell)));
  s += Row("prediction", "<b>" + H(TextField(prediction, "expect")) + "</b> — " +
                             H(TextField(prediction, "why")));
  s += Row("outcome",
           "<b>" + H(Words(outcome)) + "</b> (" + H(Tally(cell)) + ")" + SurpriseBadge(cell));
  s += Row("note", H(TextField(cell, "note")));
  s += Row("runs", RunsTable(cell, report_exists));
  s += Row("availability", H(Percent(NumberField(summary, "availability"))));
  s += Row("throughput", H(Rate(NumberField(summary, "ok_per_second"))));
  s += Row("latency", "p50 " + H(Millis(NumberField(summary, "p50_ms"))) + ", p99 " +
                          H(Millis(NumberField(summary, "p99_ms"))));
  s += Row("first anomaly",
           H(Seconds(NumberField(summary, "first_anomaly_s"))) +
               (HasField(summary, "first_anomaly_s") && !summary["first_anomaly_s"].is_null()
                    ? " into a run"
                    : ""));
  s += Row("anomalies", AnomaliesTable(summary));
  s += Row("faults", FaultsTable(summary));
  return s + "</table></section>";
}

std::string DetailsHtml(const json& cells, const ReportExists& report_exists) {
  std::string s =
      "<section id=\"details-section\"><h2>Cells</h2><p class=\"legend\">Availability (ok of "
      "the client ops that completed), throughput and latency are medians over a cell's runs; "
      "counts are sums; times are seconds into a run.</p>";
  for (const json& cell : cells) s += CellDetails(cell, report_exists);
  return s + "</section>";
}

std::string Banner(const json& sweep) {
  const json& cells = ArrayField(sweep, "cells");
  int64_t runs = 0, surprises = 0;
  for (const json& cell : cells) {
    runs += IntField(cell, "runs_done");
    surprises += TextField(cell, "outcome").rfind("surprise-", 0) == 0;
  }
  return "<header class=\"banner\"><h1>faultline sweep · " + H(TextField(sweep, "name")) +
         "</h1><div class=\"meta\">started " + H(TextField(sweep, "started")) + " · " +
         GroupDigits(int64_t(cells.size())) + " cells · " + GroupDigits(runs) + " runs · " +
         H(AsText(AnyField(sweep, "seeds"))) + " seeds per cell · <span id=\"surprises\">" +
         GroupDigits(surprises) + " surprise" + (surprises == 1 ? "" : "s") +
         "</span></div><div class=\"meta\"><code id=\"command\">" + H(TextField(sweep, "command")) +
         "</code></div></header>";
}

}  // namespace

Result<json> ReadSweepJson(const std::string& sweep_dir) {
  const std::string path = (std::filesystem::path(sweep_dir) / "sweep.json").string();
  std::ifstream in(path);
  if (!in) return Status::InvalidInput(path + ": cannot read (is this a sweep folder?)");
  std::stringstream text;
  text << in.rdbuf();
  json sweep;
  try {
    sweep = json::parse(text.str());
  } catch (const json::parse_error& e) {
    return Status::InvalidInput(path + ": not valid JSON (" + e.what() + ")");
  }
  if (!sweep.is_object() || IntField(sweep, "format", -1) != kSweepFormat) {
    return Status::InvalidInput(
        path + ": expected an object with \"format\": " + std::to_string(kSweepFormat) +
        " (docs/sweep.md), got " +
        (sweep.is_object() && sweep.contains("format") ? "format " + sweep["format"].dump()
                                                       : std::string("no format")));
  }
  if (!sweep.contains("cells") || !sweep["cells"].is_array()) {
    return Status::InvalidInput(path + ": \"cells\" must be an array");
  }
  return sweep;
}

std::string RenderSweepReport(const json& sweep, const ReportExists& report_exists) {
  const json& cells = ArrayField(sweep, "cells");
  return "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta "
         "name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta "
         "http-equiv=\"Content-Security-Policy\" content=\"" +
         std::string(kContentSecurityPolicy) + "\"><title>faultline sweep · " +
         H(TextField(sweep, "name")) + "</title><style>" + std::string(kSweepCss) +
         "</style></head><body>" + Banner(sweep) + "<main>" + MatrixHtml(sweep, report_exists) +
         SafetyCostHtml(cells) + NotRunHtml(sweep) + DetailsHtml(cells, report_exists) +
         "</main></body></html>\n";
}

Result<std::string> WriteSweepReport(const std::string& sweep_dir) {
  auto sweep = ReadSweepJson(sweep_dir);
  if (!sweep.ok()) return sweep.status();
  const std::filesystem::path dir(sweep_dir);
  auto report_exists = [&dir](const std::string& rel) {
    std::error_code ec;
    return std::filesystem::is_regular_file(dir / rel, ec);
  };
  const std::string path = (dir / "sweep.html").string();
  if (Status s = WriteFileAtomically(path, RenderSweepReport(*sweep, report_exists)); !s.ok())
    return s;
  return path;
}

}  // namespace faultline
