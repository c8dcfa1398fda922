#include "report/invariants.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "report/html.h"

namespace faultline {
namespace {

// The plot's box in SVG user units; it scales to the page width.
constexpr double kWidth = 960, kHeight = 240;
constexpr double kLeft = 72, kRight = 12, kTop = 12, kBottom = 26;

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

int64_t Int(const nlohmann::json& j, int64_t fallback = 0) {
  return j.is_number_integer() ? j.get<int64_t>() : fallback;
}

std::string Str(const nlohmann::json& d, const char* key) {
  return d.is_object() && d.contains(key) && d[key].is_string() ? d[key].get<std::string>() : "";
}

const nlohmann::json& Array(const nlohmann::json& d, const char* key) {
  static const nlohmann::json kEmpty = nlohmann::json::array();
  return d.is_object() && d.contains(key) && d[key].is_array() ? d[key] : kEmpty;
}

// Where a point of a checker's series sits on the report's x axis (TimeAxis units).
double AxisX(const TimeAxis& axis, int64_t time_ns, int64_t op_index) {
  return axis.real_time ? (time_ns - axis.origin_ns) / 1000.0 : static_cast<double>(op_index);
}

std::string AxisLabel(const TimeAxis& axis, double x) {
  char buf[48];
  if (axis.real_time) {
    std::snprintf(buf, sizeof buf, "%.2f s", x / 1e6);
  } else {
    std::snprintf(buf, sizeof buf, "line %lld", static_cast<long long>(std::llround(x)) + 1);
  }
  return buf;
}

// The smallest integer step of the form 1, 2 or 5 × 10^k that is at least `raw`.
double NiceStep(double raw) {
  double step = 1;
  while (step < raw) {
    for (double m : {2.0, 2.5, 2.0}) {  // 1 → 2 → 5 → 10 → 20 …
      if (step >= raw) break;
      step *= m;
    }
  }
  return step;
}

struct Scale {
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
  double X(double x) const { return kLeft + (x - x0) * (kWidth - kLeft - kRight) / (x1 - x0); }
  double Y(double y) const { return kTop + (y1 - y) * (kHeight - kTop - kBottom) / (y1 - y0); }
  // Widens empty ranges and leaves a margin above and below the data.
  void Settle() {
    if (x1 <= x0) x1 = x0 + 1;
    if (y1 <= y0) y0 -= 1, y1 += 1;
    const double pad = (y1 - y0) * 0.08;
    y0 -= pad;
    y1 += pad;
  }
};

// The opening <svg>, the fault bands, the axes with their ticks.
std::string Frame(const Scale& s, const TimeAxis& axis, const std::vector<FaultBand>& faults,
                  const std::string& label) {
  std::string h = "<svg class=\"inv-svg\" viewBox=\"0 0 " + Num(kWidth) + " " + Num(kHeight) +
                  "\" role=\"img\" aria-label=\"" + EscapeHtml(label) + "\">";
  const double top = kTop, bottom = kHeight - kBottom;
  h += "<g class=\"bands\">";
  for (const FaultBand& b : faults) {
    const double from = std::max<double>(b.start, s.x0), to = std::min<double>(b.end, s.x1);
    const std::string title =
        "<title>" + EscapeHtml(b.f + (b.target.empty() ? "" : " " + b.target)) + "</title>";
    if (b.instant && from <= to) {
      h += "<line class=\"fault-instant\" x1=\"" + Num(s.X(from)) + "\" x2=\"" + Num(s.X(from)) +
           "\" y1=\"" + Num(top) + "\" y2=\"" + Num(bottom) + "\">" + title + "</line>";
    } else if (!b.instant && from < to) {
      h += "<rect class=\"fault-band\" x=\"" + Num(s.X(from)) + "\" y=\"" + Num(top) +
           "\" width=\"" + Num(s.X(to) - s.X(from)) + "\" height=\"" + Num(bottom - top) + "\">" +
           title + "</rect>";
    }
  }
  h += "</g><g class=\"axis\"><line x1=\"" + Num(kLeft) + "\" x2=\"" + Num(kWidth - kRight) +
       "\" y1=\"" + Num(bottom) + "\" y2=\"" + Num(bottom) + "\"/><line x1=\"" + Num(kLeft) +
       "\" x2=\"" + Num(kLeft) + "\" y1=\"" + Num(top) + "\" y2=\"" + Num(bottom) + "\"/>";
  for (int i = 0; i <= 4; ++i) {
    const double x = s.x0 + (s.x1 - s.x0) * i / 4, px = s.X(x);
    h += "<line x1=\"" + Num(px) + "\" x2=\"" + Num(px) + "\" y1=\"" + Num(bottom) + "\" y2=\"" +
         Num(bottom + 4) + "\"/><text x=\"" + Num(std::min(px - 14, kWidth - 60)) + "\" y=\"" +
         Num(bottom + 16) + "\">" + AxisLabel(axis, x) + "</text>";
  }
  const double step = NiceStep((s.y1 - s.y0) / 4);
  for (double y = std::ceil(s.y0 / step) * step; y <= s.y1; y += step) {
    const double py = s.Y(y);
    h += "<line x1=\"" + Num(kLeft - 4) + "\" x2=\"" + Num(kLeft) + "\" y1=\"" + Num(py) +
         "\" y2=\"" + Num(py) + "\"/><text x=\"4\" y=\"" + Num(py + 3) + "\">" +
         GroupDigits(std::llround(y)) + "</text>";
  }
  return h + "</g>";
}

// A polyline through `points` (already in SVG units).
std::string Polyline(const std::vector<std::pair<double, double>>& points, const char* cls) {
  if (points.empty()) return "";
  std::string h = std::string("<polyline class=\"") + cls + "\" points=\"";
  for (const auto& [x, y] : points) h += Num(x) + "," + Num(y) + " ";
  return h + "\"/>";
}

// A marked point that shows its op on the timeline when clicked.
std::string Marker(double x, double y, const char* cls, int64_t op, const std::string& title) {
  return std::string("<circle class=\"op-link ") + cls + "\" data-op=\"" + std::to_string(op) +
         "\" cx=\"" + Num(x) + "\" cy=\"" + Num(y) + "\" r=\"4\"><title>" + EscapeHtml(title) +
         "</title></circle>";
}

std::string OpLink(int64_t op) {
  const std::string n = std::to_string(op);
  return "<a class=\"op-link\" href=\"#timeline-section\" data-op=\"" + n + "\">" + n + "</a>";
}

std::string Shown(size_t listed, int64_t total, const char* what) {
  if (static_cast<int64_t>(listed) >= total) return "";
  return "<p class=\"hint\">The first " + GroupDigits(int64_t(listed)) + " of " +
         GroupDigits(total) + " " + what + " are listed (results.json holds the same).</p>";
}

// ---- bank ----

std::string BankPlot(const nlohmann::json& d, const std::vector<FaultBand>& faults,
                     const TimeAxis& axis) {
  const nlohmann::json& rows = Array(d, "totals");
  const int64_t expected = Int(d.value("total", nlohmann::json()));
  std::map<int64_t, std::string> bad;  // op → kinds
  for (const auto& b : Array(d, "bad_reads")) {
    if (!b.is_object()) continue;
    std::string& kinds = bad[Int(b.value("op_index", nlohmann::json()), -1)];
    kinds += (kinds.empty() ? "" : ", ") + Str(b, "kind");
  }
  Scale s{1e300, -1e300, static_cast<double>(expected), static_cast<double>(expected)};
  std::vector<std::array<double, 3>> pts;  // x, total, op
  for (const auto& r : rows) {
    if (!r.is_array() || r.size() < 3) continue;
    pts.push_back({AxisX(axis, Int(r[0]), Int(r[2])), double(Int(r[1])), double(Int(r[2]))});
    s.x0 = std::min(s.x0, pts.back()[0]);
    s.x1 = std::max(s.x1, pts.back()[0]);
    s.y0 = std::min(s.y0, pts.back()[1]);
    s.y1 = std::max(s.y1, pts.back()[1]);
  }
  if (pts.empty()) return "<p class=\"hint\">No ok read to plot.</p>";
  if (axis.real_time) s.x0 = 0;  // the first op, where the timeline starts too
  s.Settle();
  std::string h = "<figure class=\"inv-plot\" id=\"bank-plot\">" +
                  Frame(s, axis, faults, "read totals over time");
  std::vector<std::pair<double, double>> line;
  for (const auto& p : pts) line.push_back({s.X(p[0]), s.Y(p[1])});
  h += Polyline(line, "inv-line");
  h += "<line class=\"inv-expected\" x1=\"" + Num(kLeft) + "\" x2=\"" + Num(kWidth - kRight) +
       "\" y1=\"" + Num(s.Y(expected)) + "\" y2=\"" + Num(s.Y(expected)) + "\"/>";
  for (const auto& p : pts) {
    auto it = bad.find(static_cast<int64_t>(p[2]));
    if (it == bad.end()) continue;
    h += Marker(s.X(p[0]), s.Y(p[1]), "inv-bad", it->first,
                "op " + std::to_string(it->first) + ": total " + GroupDigits(int64_t(p[1])) + " (" +
                    it->second + ")");
  }
  return h +
         "</svg><figcaption class=\"legend\"><span class=\"sw inv-sw-line\"></span>sum of "
         "each ok read's balances <span class=\"sw inv-sw-expected\"></span>expected total " +
         GroupDigits(expected) +
         " <span class=\"sw anomaly\"></span>bad read (click: show it on the timeline) <span "
         "class=\"sw fault\"></span>fault</figcaption></figure>";
}

std::string BankTable(const nlohmann::json& d, const TimeAxis& axis) {
  const nlohmann::json& bad = Array(d, "bad_reads");
  if (bad.empty()) return "";
  std::string h =
      "<table class=\"bad-reads\"><thead><tr><th>op</th><th>process</th><th>at</th><th>kind</th>"
      "<th>total</th><th>accounts</th><th>why</th></tr></thead><tbody>";
  for (const auto& b : bad) {
    if (!b.is_object()) continue;
    const int64_t op = Int(b.value("op_index", nlohmann::json()));
    std::string accounts;
    for (const auto& a : Array(b, "details")) {
      if (!a.is_object()) continue;
      accounts += (accounts.empty() ? "" : ", ") + Str(a, "account");
      if (Str(b, "kind") != "missing-accounts") {
        accounts += " = " + std::to_string(Int(a.value("balance", nlohmann::json())));
      }
    }
    h += "<tr><td>" + OpLink(op) + "</td><td>" +
         std::to_string(Int(b.value("process", nlohmann::json()))) + "</td><td>" +
         AxisLabel(axis, AxisX(axis, Int(b.value("time", nlohmann::json())), op)) + "</td><td>" +
         EscapeHtml(Str(b, "kind")) + "</td><td>" +
         GroupDigits(Int(b.value("total", nlohmann::json()))) + "</td><td>" + EscapeHtml(accounts) +
         "</td><td>" + EscapeHtml(Str(b, "explanation")) + "</td></tr>";
  }
  return h + "</tbody></table>" +
         Shown(bad.size(), Int(d.value("bad_reads_total", nlohmann::json()), bad.size()),
               "bad reads");
}

std::string BankSection(const nlohmann::json& d, const std::vector<FaultBand>& faults,
                        const TimeAxis& axis) {
  const std::string v = Str(d, "verdict");
  return "<section id=\"bank-section\" class=\"invariant\"><h2>Bank: read totals over time <span "
         "class=\"verdict " +
         EscapeHtml(v) + "\">" + EscapeHtml(v) + "</span></h2><p class=\"explanation\">" +
         EscapeHtml(Str(d, "explanation")) + "</p>" + BankPlot(d, faults, axis) +
         BankTable(d, axis) + "</section>";
}

// ---- counter ----

bool IsError(const nlohmann::json& p) { return !p.is_object() || p.value("error", true); }

// One ok read of the counter's series: x, its bounds and value, its op.
struct BoundsPoint {
  double x, lower, upper, value;
  int64_t op;
};

// The reads' bounds and values over time. Absolute: the allowed band [lower, upper] and the
// value read. Relative: everything minus the read's lower bound, so the band is [0, slack]
// and a stale read falls below 0 however large the counter has grown.
std::string CounterPlot(const nlohmann::json& d, const std::vector<BoundsPoint>& pts, bool relative,
                        const std::vector<FaultBand>& faults, const TimeAxis& axis) {
  std::map<int64_t, std::pair<bool, std::string>> marked;  // op → (error?, names)
  for (const auto& p : Array(d, "problems")) {
    for (const auto& op : Array(p, "op_indices")) {
      auto& [error, names] = marked[Int(op, -1)];
      error = error || IsError(p);
      names += (names.empty() ? "" : ", ") + Str(p, "name");
    }
  }
  auto lo = [&](const BoundsPoint& p) { return relative ? 0 : p.lower; };
  auto hi = [&](const BoundsPoint& p) { return p.upper - (relative ? p.lower : 0); };
  auto val = [&](const BoundsPoint& p) { return p.value - (relative ? p.lower : 0); };
  Scale s{axis.real_time ? 0 : 1e300, -1e300, 1e300, -1e300};
  for (const BoundsPoint& p : pts) {
    s.x0 = std::min(s.x0, p.x);
    s.x1 = std::max(s.x1, p.x);
    s.y0 = std::min({s.y0, lo(p), val(p)});
    s.y1 = std::max({s.y1, hi(p), val(p)});
  }
  const bool non_negative = s.y0 >= 0;
  s.Settle();
  if (non_negative) s.y0 = std::max(s.y0, 0.0);
  std::string h = std::string("<figure class=\"inv-plot\" id=\"counter-plot") +
                  (relative ? "-relative" : "") + "\">" +
                  Frame(s, axis, faults,
                        relative ? "counter reads minus their lower bound over time"
                                 : "counter reads against their bounds over time");
  std::string band = "<polygon class=\"inv-bounds\" points=\"";
  for (const BoundsPoint& p : pts) band += Num(s.X(p.x)) + "," + Num(s.Y(hi(p))) + " ";
  for (auto it = pts.rbegin(); it != pts.rend(); ++it) {
    band += Num(s.X(it->x)) + "," + Num(s.Y(lo(*it))) + " ";
  }
  h += band + "\"/>";
  std::vector<std::pair<double, double>> line;
  for (const BoundsPoint& p : pts) line.push_back({s.X(p.x), s.Y(val(p))});
  h += Polyline(line, "inv-value");
  for (const BoundsPoint& p : pts) {
    auto it = marked.find(p.op);
    if (it == marked.end()) continue;
    h += Marker(s.X(p.x), s.Y(val(p)), it->second.first ? "inv-bad" : "inv-note", p.op,
                "op " + std::to_string(p.op) + ": read " + GroupDigits(int64_t(p.value)) +
                    ", bounds [" + GroupDigits(int64_t(p.lower)) + ", " +
                    GroupDigits(int64_t(p.upper)) + "] (" + it->second.second + ")");
  }
  return h + "</svg><figcaption class=\"legend\"><span class=\"sw inv-sw-bounds\"></span>" +
         (relative ? "allowed, minus the lower bound: [0, adds that might have happened but "
                     "were not acknowledged] <span class=\"sw inv-sw-line\"></span>value read "
                     "minus its lower bound (below 0: stale)"
                   : "allowed: [ok adds acknowledged before the read's invoke, adds invoked "
                     "before its completion] <span class=\"sw inv-sw-line\"></span>value read") +
         " <span class=\"sw anomaly\"></span>error <span class=\"sw info\"></span>note (click: "
         "show it on the timeline) <span class=\"sw fault\"></span>fault</figcaption></figure>";
}

std::string CounterPlots(const nlohmann::json& d, const std::vector<FaultBand>& faults,
                         const TimeAxis& axis) {
  std::vector<BoundsPoint> pts;
  for (const auto& r : Array(d, "bounds")) {
    if (!r.is_array() || r.size() < 5) continue;
    pts.push_back({AxisX(axis, Int(r[0]), Int(r[4])), double(Int(r[1])), double(Int(r[2])),
                   double(Int(r[3])), Int(r[4])});
  }
  if (pts.empty()) return "<p class=\"hint\">No ok read to plot.</p>";
  return CounterPlot(d, pts, false, faults, axis) + CounterPlot(d, pts, true, faults, axis);
}

std::string CounterTable(const nlohmann::json& d) {
  const nlohmann::json& problems = Array(d, "problems");
  if (problems.empty()) return "";
  std::string h =
      "<table class=\"counter-problems\"><thead><tr><th>problem</th><th></th><th>ops</th>"
      "<th>value</th><th>bounds</th><th>why</th></tr></thead><tbody>";
  for (const auto& p : problems) {
    if (!p.is_object()) continue;
    std::string ops;
    for (const auto& op : Array(p, "op_indices")) ops += (ops.empty() ? "" : " ") + OpLink(Int(op));
    const bool read = Array(p, "op_indices").size() == 1 || Str(p, "name") == "non-monotonic";
    const bool has_bounds = read || Str(p, "name") == "final-impossible";
    h += "<tr class=\"" + std::string(IsError(p) ? "error-row" : "note-row") + "\"><td>" +
         EscapeHtml(Str(p, "name")) + "</td><td>" + (IsError(p) ? "error" : "note") + "</td><td>" +
         ops + "</td><td>" +
         (has_bounds ? GroupDigits(Int(p.value("value", nlohmann::json()))) : "") + "</td><td>" +
         (has_bounds ? "[" + GroupDigits(Int(p.value("lower", nlohmann::json()))) + ", " +
                           GroupDigits(Int(p.value("upper", nlohmann::json()))) + "]"
                     : "") +
         "</td><td>" + EscapeHtml(Str(p, "explanation")) + "</td></tr>";
  }
  return h + "</tbody></table>" +
         Shown(problems.size(), Int(d.value("problems_total", nlohmann::json()), problems.size()),
               "problems");
}

std::string CounterSection(const nlohmann::json& d, const std::vector<FaultBand>& faults,
                           const TimeAxis& axis) {
  const std::string v = Str(d, "verdict");
  return "<section id=\"counter-section\" class=\"invariant\"><h2>Counter: reads against their "
         "bounds <span class=\"verdict " +
         EscapeHtml(v) + "\">" + EscapeHtml(v) + "</span></h2><p class=\"explanation\">" +
         EscapeHtml(Str(d, "explanation")) +
         "</p><p class=\"hint\">Consistency checked: " + EscapeHtml(Str(d, "consistency")) +
         " · final reads: " + EscapeHtml(Str(d, "final_verdict")) + "</p>" +
         CounterPlots(d, faults, axis) + CounterTable(d) + "</section>";
}

// The checker details of results.json that carry "checker": `which`.
std::vector<const nlohmann::json*> Details(const nlohmann::json& results, const char* which) {
  std::vector<const nlohmann::json*> out;
  if (!results.is_object() || !results.contains("checkers") || !results["checkers"].is_object()) {
    return out;
  }
  for (const auto& [name, detail] : results["checkers"].items()) {
    if (Str(detail, "checker") == which) out.push_back(&detail);
  }
  return out;
}

}  // namespace

std::string InvariantsHtml(const nlohmann::json& results, const std::vector<FaultBand>& faults,
                           const TimeAxis& axis) {
  std::string h;
  for (const nlohmann::json* d : Details(results, "bank")) h += BankSection(*d, faults, axis);
  for (const nlohmann::json* d : Details(results, "counter")) h += CounterSection(*d, faults, axis);
  return h;
}

std::vector<int64_t> InvariantAnomalyOps(const nlohmann::json& results) {
  std::set<int64_t> ops;
  for (const nlohmann::json* d : Details(results, "bank")) {
    for (const auto& b : Array(*d, "bad_reads")) {
      if (b.is_object()) ops.insert(Int(b.value("op_index", nlohmann::json()), -1));
    }
  }
  for (const nlohmann::json* d : Details(results, "counter")) {
    for (const auto& p : Array(*d, "problems")) {
      if (!IsError(p)) continue;
      for (const auto& op : Array(p, "op_indices")) ops.insert(Int(op, -1));
    }
  }
  ops.erase(-1);
  return {ops.begin(), ops.end()};
}

}  // namespace faultline
