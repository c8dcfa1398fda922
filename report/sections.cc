#include "report/sections.h"

#include <cstdio>
#include <filesystem>

#include "report/html.h"
#include "report/redact.h"
#include "report/test_facts.h"

namespace faultline {
namespace {

std::string Text(const nlohmann::json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_null()) return "—";
  if (j.is_array()) {
    std::string out;
    for (const auto& e : j) out += (out.empty() ? "" : ", ") + Text(e);
    return out.empty() ? "none" : out;
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

std::string Row(const std::string& name, const std::string& html_value) {
  return "<tr><th>" + EscapeHtml(name) + "</th><td>" + html_value + "</td></tr>";
}

// test.json value of `key` as escaped text, or "" when absent.
std::string Opt(const nlohmann::json& test, const char* key) {
  if (!test.is_object() || !test.contains(key)) return "";
  return EscapeHtml(Text(RedactOptions(nlohmann::json::object({{key, test[key]}}))[key]));
}

// The database's own label (test.json's "db_label"); runs stored before it: the built-in
// store's replication options, flat in test.json.
std::string DatabaseText(const nlohmann::json& t) {
  if (std::string label = Opt(t, "db_label"); !label.empty()) return label;
  std::string db = Opt(t, "db");
  if (db.empty()) return "—";
  if (std::string v = Opt(t, "db_version"); !v.empty()) db += " " + v;
  if (std::string mode = Opt(t, "replication"); !mode.empty()) {
    db += " · " + mode + " replication";
    if (mode == "quorum") db += " (r " + Opt(t, "r") + ", w " + Opt(t, "w") + "; 0 = majority)";
  }
  return db;
}

std::string NemesisText(const nlohmann::json& t) {
  if (!t.is_object() || !t.contains("nemesis")) return "—";
  std::string names;
  for (const auto& n : t["nemesis"]) names += (names.empty() ? "" : ", ") + EscapeHtml(Text(n));
  if (names.empty()) return "none";
  return names +
         (t.contains("nemesis_interval") ? " every " + Opt(t, "nemesis_interval") + " s" : "");
}

std::string VerdictsTable(const RunData& run) {
  std::string h =
      "<table class=\"verdicts\"><thead><tr><th>checker</th><th>verdict</th>"
      "<th>why</th></tr></thead><tbody>";
  const nlohmann::json& r = run.results;
  if (r.is_object() && r.contains("checkers") && r["checkers"].is_object()) {
    for (const auto& [name, detail] : r["checkers"].items()) {
      const std::string v = detail.is_object() ? detail.value("verdict", "unknown") : "unknown";
      h += "<tr><td>" + EscapeHtml(name) + "</td><td class=\"verdict " + EscapeHtml(v) + "\">" +
           EscapeHtml(v) + "</td><td>" + EscapeHtml(CheckerReason(name, detail)) + "</td></tr>";
    }
  }
  if (r.is_object() && r.contains("error")) {
    h += "<tr><td>—</td><td class=\"verdict unknown\">error</td><td>" +
         EscapeHtml(Text(r["error"])) + "</td></tr>";
  }
  if (r.is_null()) {
    h += "<tr><td>—</td><td class=\"verdict unknown\">not checked</td><td>the run has no "
         "results.json (it was cut short); run <code>faultline analyze</code> on it</td></tr>";
  }
  return h + "</tbody></table>";
}

// What the test was: from test.json (a `faultline check` folder has none).
std::string TestFacts(const nlohmann::json& t) {
  if (!t.is_object()) return "";
  const std::string workload = Opt(t, "workload");
  return Row("database", DatabaseText(t)) +
         Row("nodes", t.contains("nodes") ? Opt(t, "nodes") : "—") +
         Row("workload",
             workload.empty() ? "—" : workload + " · " + Opt(t, "concurrency") + " clients") +
         Row("nemesis", NemesisText(t)) +
         Row("seed", Opt(t, "seed").empty() ? "—" : Opt(t, "seed")) +
         (Opt(t, "replay_of").empty()
              ? ""
              : Row("replay of", Opt(t, "replay_of") +
                                     " (its seed and recorded fault schedule: faultline replay)"));
}

// What the history shows.
std::string HistoryFacts(const RunData& run, const HistoryStats& s, size_t faults,
                         const TimeAxis& axis) {
  const std::string limit =
      run.test.contains("time_limit") ? " (time limit " + Opt(run.test, "time_limit") + " s)" : "";
  std::string h =
      Row("duration", axis.real_time ? EscapeHtml(HumanSeconds(s.seconds)) + limit
                                     : "the history has no times (drawn in history order)");
  h += Row("history", GroupDigits(int64_t(run.history.size())) + " lines · " +
                          GroupDigits(s.total.ok + s.total.fail + s.total.info + s.total.pending) +
                          " client ops · " + GroupDigits(int64_t(faults)) + " faults");
  if (axis.real_time) {
    h += Row("throughput", GroupDigits(int64_t(s.ok_per_second + 0.5)) + " ok ops/s");
    h += Row("latency (ok ops)", "p50 " + Fixed(s.p50_ms, 2) + " ms · p95 " + Fixed(s.p95_ms, 2) +
                                     " ms · p99 " + Fixed(s.p99_ms, 2) + " ms · max " +
                                     Fixed(s.max_ms, 2) + " ms");
  }
  if (run.results.is_object() && run.results.value("not_sent", int64_t{0}) > 0) {
    h += Row("not sent", GroupDigits(run.results.value("not_sent", int64_t{0})) +
                             " ops: no client of the worker's node was ready within the op "
                             "timeout (the database never saw them; not in the history)");
  }
  const std::string& warning = run.history_warning;
  return h + Row("history file", EscapeHtml(run.history_path) +
                                     (warning.empty() ? "" : " (" + EscapeHtml(warning) + ")"));
}

std::string CountsTable(const HistoryStats& s) {
  std::string h =
      "<table class=\"counts\"><thead><tr><th>f</th><th class=\"ok\">ok</th>"
      "<th class=\"fail\">fail</th><th class=\"info\">info</th><th>pending</th>"
      "</tr></thead><tbody>";
  auto row = [&](const std::string& name, const HistoryStats::Counts& c) {
    h += "<tr><td>" + name + "</td><td>" + GroupDigits(c.ok) + "</td><td>" + GroupDigits(c.fail) +
         "</td><td>" + GroupDigits(c.info) + "</td><td>" + GroupDigits(c.pending) + "</td></tr>";
  };
  for (const auto& [f, c] : s.by_f) row(EscapeHtml(f), c);
  row("<b>total</b>", s.total);
  return h + "</tbody></table>";
}

std::string At(int64_t v, const TimeAxis& axis) {
  return axis.real_time ? Fixed(v / 1e6, 3) + " s" : "line " + std::to_string(v + 1);
}

std::string FaultsTable(const std::vector<FaultBand>& faults, const TimeAxis& axis) {
  if (faults.empty()) return "<p class=\"faults-none\">No faults were injected.</p>";
  std::string h =
      "<table class=\"faults\"><thead><tr><th>fault</th><th>target</th><th>from</th>"
      "<th>until</th></tr></thead><tbody>";
  for (const FaultBand& b : faults) {
    const std::string until = b.instant         ? "(instant)"
                              : b.end_index < 0 ? "end of history"
                                                : At(b.end, axis);
    h += "<tr class=\"fault\"><td>" + EscapeHtml(b.f) + "</td><td>" + EscapeHtml(b.target) +
         "</td><td>" + At(b.start, axis) + "</td><td>" + until + "</td></tr>";
  }
  return h + "</tbody></table>";
}

// One grid item per option; nested objects as "outer.inner".
void OptionRows(const nlohmann::json& options, const std::string& prefix, std::string* h) {
  for (const auto& [name, v] : options.items()) {
    const std::string full = prefix.empty() ? name : prefix + "." + name;
    if (v.is_object() && !v.empty()) {
      OptionRows(v, full, h);
    } else {
      *h += "<div class=\"option\"><span class=\"name\">" + EscapeHtml(full) +
            "</span> <span class=\"value\">" + EscapeHtml(Text(v)) + "</span></div>";
    }
  }
}

std::string Int(const nlohmann::json& d, const char* k) {
  return GroupDigits(d.value(k, int64_t{0}));
}

}  // namespace

std::string OverallVerdict(const RunData& run) {
  if (!run.results.is_object()) return "not checked";
  return run.results.value("verdict", "unknown");
}

std::string CheckerReason(const std::string& checker, const nlohmann::json& d) {
  if (!d.is_object()) return "";
  for (const char* k : {"reason", "summary"}) {
    if (d.contains(k) && d[k].is_string()) return d[k].get<std::string>();
  }
  const std::string v = d.value("verdict", "unknown");
  const nlohmann::json problems = d.value("problems", nlohmann::json::array());
  std::string first;
  for (const auto& p : problems) {
    if (p.is_object() && p.value("verdict", "") == v) {
      first =
          (p.contains("key") && p["key"].is_string() ? "key " + p["key"].get<std::string>() + ": "
                                                     : "") +
          p.value("explanation", "");
      break;
    }
  }
  if (checker != "linearizability" || !d.contains("keys")) return first;
  const std::string scope =
      Int(d, "keys") + " keys, " + Int(d, "ops") + " ops, " + d.value("model", "?") + " model";
  if (v == "valid") return "linearizable (" + scope + ")";
  const char* what = v == "invalid" ? "invalid_keys" : "unknown_keys";
  return Int(d, what) + " of " + Int(d, "keys") + " keys " +
         (v == "invalid" ? "not linearizable" : "undecided") + " (" + scope + ")" +
         (first.empty() ? "" : "; " + first);
}

std::string BannerHtml(const RunData& run) {
  const std::string verdict = OverallVerdict(run);
  const std::filesystem::path dir = std::filesystem::path(run.run_dir).lexically_normal();
  const std::string folder = (dir.has_filename() ? dir : dir.parent_path()).filename().string();
  const std::string when = RunTimeFromDirName(folder);
  const std::string name = run.test.is_object() ? run.test.value("name", folder) : folder;
  const std::string cls = verdict == "not checked" ? "unknown" : verdict;
  return "<header class=\"banner " + EscapeHtml(cls) + "\"><h1>faultline · " + EscapeHtml(name) +
         "</h1><span class=\"verdict-badge " + EscapeHtml(cls) + "\" id=\"overall-verdict\">" +
         EscapeHtml(verdict) + "</span><div class=\"run-id\">" +
         (when.empty() ? "" : EscapeHtml(when) + " · ") + EscapeHtml(run.run_dir) +
         (run.results.is_object() && run.results.value("interrupted", false)
              ? " · interrupted (Ctrl-C)"
              : "") +
         (run.results.is_object() && run.results.value("truncated", false)
              ? " · history truncated by a crash"
              : "") +
         "</div></header>";
}

std::string SummaryHtml(const RunData& run, const HistoryStats& stats,
                        const std::vector<FaultBand>& faults, const TimeAxis& axis) {
  return "<section id=\"summary\"><h2>Verdict</h2>" + VerdictsTable(run) +
         "<div class=\"columns\"><div><h2>Run</h2><table class=\"facts\"><tbody>" +
         TestFacts(FlattenParts(run.test)) + HistoryFacts(run, stats, faults.size(), axis) + "</tbody></table>" +
         "</div><div><h2>Operations</h2>" + CountsTable(stats) + "<h2>Faults</h2>" +
         FaultsTable(faults, axis) + "</div></div>" + OptionsHtml(run.test) + "</section>";
}

std::string OptionsHtml(const nlohmann::json& test) {
  if (!test.is_object())
    return "<p class=\"no-options\">No test.json: checked with faultline check.</p>";
  std::string h =
      "<details class=\"options\" open><summary>Options (test.json, secrets "
      "redacted)</summary><div class=\"options\">";
  OptionRows(RedactOptions(test), "", &h);
  return h + "</div></details>";
}

std::string FooterHtml(const RunData& run) {
  const std::string inputs = std::string(run.test.is_object() ? "test.json, " : "") +
                             (run.results.is_object() ? "results.json and " : "");
  return std::string("<footer>Generated by faultline ") + FAULTLINE_VERSION + " from " + inputs +
         EscapeHtml(run.history_path) +
         ". One self-contained file: it fetches nothing. Wheel or +/− zooms the charts, drag "
         "pans, double-click resets.</footer>";
}

}  // namespace faultline
