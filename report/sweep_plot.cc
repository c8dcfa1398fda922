#include "report/sweep_plot.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "report/html.h"
#include "report/json_fields.h"

namespace faultline {
namespace {

// The drawing area inside the SVG, in px.
constexpr double kWidth = 520, kHeight = 280;
constexpr double kLeft = 58, kRight = 30, kTop = 12, kBottom = 42;  // room for tick labels

struct Dot {
  double x = 0, fraction_invalid = 0;
  std::string outcome, name;
};

std::string Fixed(double v, int digits) {
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  return buf;
}

// The smallest of 1, 2, 5 × 10^k at or above `v`, so the ticks fall on round numbers.
double NiceCeiling(double v) {
  if (!(v > 0)) return 1;
  const double magnitude = std::pow(10.0, std::floor(std::log10(v)));
  for (double step : {1.0, 2.0, 5.0, 10.0}) {
    if (step * magnitude >= v) return step * magnitude;
  }
  return 10 * magnitude;
}

// Whole numbers grouped ("2,500"); a quarter of a round top may need a decimal ("12.5").
std::string TickLabel(double v, double top) {
  if (top >= 10 && v == std::round(v)) return GroupDigits(std::llround(v));
  return Fixed(v, top >= 1 ? 1 : 3);
}

std::string CellName(const nlohmann::json& cell) {
  std::string name = TextField(cell, "label");
  for (const char* part : {"row", "column"}) {
    const std::string s = TextField(cell, part);
    if (!s.empty()) name += (name.empty() ? "" : " · ") + s;
  }
  return name.empty() ? TextField(cell, "id") : name;
}

std::vector<Dot> Dots(const nlohmann::json& cells, const char* metric) {
  std::vector<Dot> dots;
  for (const nlohmann::json& cell : cells) {
    const int64_t done = IntField(cell, "runs_done");
    const std::optional<double> x = NumberField(ObjectField(cell, "summary"), metric);
    if (done <= 0 || !x) continue;
    dots.push_back({*x, double(IntField(cell, "invalid")) / double(done),
                    TextField(cell, "outcome"), CellName(cell)});
  }
  return dots;
}

std::string Grid(double x_top, const std::string& x_title) {
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  std::string s;
  for (int i = 0; i <= 4; ++i) {
    const double y = kTop + plot_h * (1 - i / 4.0), x = kLeft + plot_w * i / 4.0;
    s += "<line class=\"grid\" x1=\"" + Fixed(kLeft, 1) + "\" x2=\"" + Fixed(kWidth - kRight, 1) +
         "\" y1=\"" + Fixed(y, 1) + "\" y2=\"" + Fixed(y, 1) + "\"/>";
    s += "<text x=\"" + Fixed(kLeft - 6, 1) + "\" y=\"" + Fixed(y + 4, 1) +
         "\" text-anchor=\"end\">" + std::to_string(i * 25) + "%</text>";
    s += "<text x=\"" + Fixed(x, 1) + "\" y=\"" + Fixed(kHeight - kBottom + 15, 1) +
         "\" text-anchor=\"middle\">" + EscapeHtml(TickLabel(x_top * i / 4.0, x_top)) + "</text>";
  }
  s += "<line class=\"axis\" x1=\"" + Fixed(kLeft, 1) + "\" x2=\"" + Fixed(kLeft, 1) + "\" y1=\"" +
       Fixed(kTop, 1) + "\" y2=\"" + Fixed(kHeight - kBottom, 1) + "\"/>";
  s += "<line class=\"axis\" x1=\"" + Fixed(kLeft, 1) + "\" x2=\"" + Fixed(kWidth - kRight, 1) +
       "\" y1=\"" + Fixed(kHeight - kBottom, 1) + "\" y2=\"" + Fixed(kHeight - kBottom, 1) + "\"/>";
  s += "<text x=\"" + Fixed(kLeft + plot_w / 2, 1) + "\" y=\"" + Fixed(kHeight - 6, 1) +
       "\" text-anchor=\"middle\">" + EscapeHtml(x_title) + "</text>";
  s += "<text transform=\"rotate(-90)\" x=\"" + Fixed(-(kTop + plot_h / 2), 1) +
       "\" y=\"14\" text-anchor=\"middle\">runs invalid</text>";
  return s;
}

std::string DotSvg(const Dot& d, double x_top) {
  const double plot_w = kWidth - kLeft - kRight, plot_h = kHeight - kTop - kBottom;
  const double cx = kLeft + plot_w * std::clamp(d.x / x_top, 0.0, 1.0);
  const double cy = kTop + plot_h * (1 - std::clamp(d.fraction_invalid, 0.0, 1.0));
  return "<circle class=\"" + EscapeHtml(d.outcome) + "\" cx=\"" + Fixed(cx, 1) + "\" cy=\"" +
         Fixed(cy, 1) + "\" r=\"6\"><title>" + EscapeHtml(d.name) + ": " +
         Fixed(100 * d.fraction_invalid, 0) + "% of runs invalid, " +
         EscapeHtml(d.x >= 100 ? GroupDigits(std::llround(d.x)) : Fixed(d.x, 2)) + " (" +
         EscapeHtml(d.outcome) + ")</title></circle>";
}

}  // namespace

std::string SafetyCostSvg(const nlohmann::json& cells, const char* metric,
                          const std::string& x_title) {
  const std::vector<Dot> dots = Dots(cells, metric);
  double x_max = 0;
  for (const Dot& d : dots) x_max = std::max(x_max, d.x);
  const double x_top = NiceCeiling(x_max);
  std::string s = "<figure class=\"plot\" data-metric=\"" + EscapeHtml(metric) +
                  "\"><svg class=\"scatter\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
                  Fixed(kWidth, 0) + "\" height=\"" + Fixed(kHeight, 0) + "\" viewBox=\"0 0 " +
                  Fixed(kWidth, 0) + " " + Fixed(kHeight, 0) + "\" role=\"img\" aria-label=\"" +
                  EscapeHtml("runs invalid against " + x_title) + "\">";
  s += Grid(x_top, x_title);
  for (const Dot& d : dots) s += DotSvg(d, x_top);
  s += "</svg>";
  const size_t left_out = cells.is_array() ? cells.size() - dots.size() : 0;
  if (left_out > 0) {
    s += "<figcaption class=\"legend\">" + std::to_string(left_out) + " cell" +
         (left_out == 1 ? "" : "s") + " without runs or figures not drawn</figcaption>";
  }
  return s + "</figure>";
}

}  // namespace faultline
