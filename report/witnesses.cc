#include "report/witnesses.h"

#include <algorithm>
#include <cstdio>
#include <map>

#include "report/html.h"

namespace faultline {
namespace {

constexpr int kLane = 46;      // px per process lane
constexpr int kStep = 86;      // px per event (an invoke or a completion)
constexpr int kLeft = 92;      // px for the lane names
constexpr size_t kMaxOps = 12; // a witness larger than this is listed, not drawn

std::string Num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::string ValueText(const nlohmann::json& v) { return v.is_null() ? "nil" : v.dump(); }

// "write 9073", "read → 9059", "cas 9058→9059": what an op did, as the sentence says it.
std::string OpLabel(const nlohmann::json& op) {
  const std::string f = op.value("f", "");
  const nlohmann::json value = op.value("value", nlohmann::json());
  if ((f == "read" || f == "get") && op.contains("result")) return f + " → " + ValueText(op["result"]);
  if (f == "cas" && value.is_array() && value.size() == 2) {
    return f + " " + ValueText(value[0]) + "→" + ValueText(value[1]);
  }
  if (value.is_null()) return f;
  std::string v = value.dump();
  return f + " " + (v.size() > 24 ? v.substr(0, 24) + "…" : v);
}

std::string Kind(const nlohmann::json& w) {
  std::string k = w.value("kind", "");
  std::replace(k.begin(), k.end(), '-', ' ');
  return k;
}

std::string Title(const nlohmann::json& w) {
  const nlohmann::json key = w.value("key", nlohmann::json());
  return Kind(w) + (key.is_string() ? " on key " + key.get<std::string>() : "");
}

}  // namespace

std::string WitnessSvg(const nlohmann::json& w) {
  const nlohmann::json ops = w.value("ops", nlohmann::json::array());
  if (!ops.is_array() || ops.empty() || ops.size() > kMaxOps) return "";
  // Events in the order they happened: invokes at their time, completions at theirs; a
  // pending op runs to the right edge.
  std::vector<std::pair<double, int>> events;  // (time, op*2 + 0 invoke / 1 completion)
  std::map<int64_t, int> lanes;
  for (size_t i = 0; i < ops.size(); ++i) {
    events.emplace_back(ops[i].value("invoke", 0.0), int(i * 2));
    if (ops[i].contains("complete") && ops[i]["complete"].is_number()) {
      events.emplace_back(ops[i]["complete"].get<double>(), int(i * 2 + 1));
    }
    lanes.emplace(ops[i].value("process", int64_t{0}), 0);
  }
  std::stable_sort(events.begin(), events.end());
  int lane = 0;
  for (auto& [process, l] : lanes) l = lane++;
  std::vector<int> x(ops.size() * 2, -1);
  for (size_t e = 0; e < events.size(); ++e) x[size_t(events[e].second)] = kLeft + 20 + int(e) * kStep;
  const int right = kLeft + 20 + int(events.size()) * kStep;
  const int height = lane * kLane + 12;
  std::string s = "<svg class=\"witness-diagram\" role=\"img\" viewBox=\"0 0 " + std::to_string(right + 20) +
                  " " + std::to_string(height) + "\" width=\"" + std::to_string(right + 20) +
                  "\" height=\"" + std::to_string(height) +
                  "\"><defs><marker id=\"wa\" viewBox=\"0 0 8 8\" refX=\"7\" refY=\"4\" markerWidth=\"7\" "
                  "markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L8,4 L0,8 z\"/></marker></defs>";
  for (const auto& [process, l] : lanes) {
    const int y = l * kLane + 30;
    s += "<text class=\"lane\" x=\"4\" y=\"" + std::to_string(y) + "\">process " +
         std::to_string(process) + "</text><line class=\"lane\" x1=\"" + std::to_string(kLeft) +
         "\" x2=\"" + std::to_string(right) + "\" y1=\"" + std::to_string(y) + "\" y2=\"" +
         std::to_string(y) + "\"/>";
  }
  std::map<int64_t, size_t> by_index;
  for (size_t i = 0; i < ops.size(); ++i) {
    const nlohmann::json& op = ops[i];
    by_index[op.value("index", int64_t{0})] = i;
    const int y = lanes[op.value("process", int64_t{0})] * kLane + 30;
    const int x0 = x[i * 2], x1 = x[i * 2 + 1] >= 0 ? x[i * 2 + 1] : right;
    const std::string type = op.value("type", "");
    nlohmann::json node = op.value("node", nlohmann::json());
    if (node.is_string()) node = NodeLabel(node.get<std::string>(), op.value("role", ""));
    const nlohmann::json complete = op.value("complete", nlohmann::json());
    const std::string times = Num(op.value("invoke", 0.0)) + "–" +
                              (complete.is_number() ? Num(complete.get<double>()) : "?") + " s";
    s += "<g class=\"wop " + EscapeHtml(type) + "\"><title>" + EscapeHtml(OpLabel(op)) + " · " +
         EscapeHtml(type) + " · " + times + (node.is_string() ? " · " + EscapeHtml(node.get<std::string>()) : "") +
         "</title><rect x=\"" + std::to_string(x0) + "\" y=\"" + std::to_string(y - 7) +
         "\" width=\"" + std::to_string(std::max(6, x1 - x0)) + "\" height=\"14\" rx=\"3\"/>" +
         "<text x=\"" + std::to_string(x0) + "\" y=\"" + std::to_string(y - 11) + "\">" +
         EscapeHtml(OpLabel(op)) + (node.is_string() ? " @" + EscapeHtml(node.get<std::string>()) : "") +
         (type == "ok" ? "" : " (" + EscapeHtml(type) + ")") + "</text><text class=\"time\" x=\"" +
         std::to_string(x0) + "\" y=\"" + std::to_string(y + 18) + "\">" + times + "</text></g>";
  }
  for (const auto& order : w.value("orders", nlohmann::json::array())) {
    if (!order.is_array() || order.size() != 2) continue;
    auto a = by_index.find(order[0].get<int64_t>()), b = by_index.find(order[1].get<int64_t>());
    if (a == by_index.end() || b == by_index.end() || x[a->second * 2 + 1] < 0) continue;
    const int xa = x[a->second * 2 + 1], xb = x[b->second * 2];
    const int ya = lanes[ops[a->second].value("process", int64_t{0})] * kLane + 30;
    const int yb = lanes[ops[b->second].value("process", int64_t{0})] * kLane + 30;
    const int mid = (xa + xb) / 2;
    s += "<path class=\"order\" marker-end=\"url(#wa)\" d=\"M" + std::to_string(xa) + "," +
         std::to_string(ya) + " C" + std::to_string(mid) + "," + std::to_string(ya) + " " +
         std::to_string(mid) + "," + std::to_string(yb) + " " + std::to_string(xb) + "," +
         std::to_string(yb) + "\"><title>completed before the other began</title></path>";
  }
  return s + "</svg>";
}

std::string WitnessesHtml(const nlohmann::json& results, size_t detailed) {
  if (!results.is_object() || !results.contains("witnesses") || !results["witnesses"].is_array() ||
      results["witnesses"].empty()) {
    return "";
  }
  const nlohmann::json& all = results["witnesses"];
  std::string h =
      "<section id=\"witnesses\"><h2>What went wrong</h2><p class=\"hint\">Each problem the "
      "checkers found, shrunk to the fewest ops that still show it (a proof: the checker finds "
      "these ops wrong on their own) and named. Lanes are processes; ops are drawn in the order "
      "they happened, not to scale; an arrow means the first op was acknowledged before the "
      "second began. <code>faultline shrink</code> writes each as a history of its own.</p>";
  const size_t shown = std::min(detailed, all.size());
  for (size_t i = 0; i < shown; ++i) {
    const nlohmann::json& w = all[i];
    const std::string fault = w.value("fault", "");
    const nlohmann::json ops = w.value("ops", nlohmann::json::array());
    h += "<article class=\"witness\"><h3>" + EscapeHtml(Title(w)) + " <span class=\"method\">" +
         EscapeHtml(w.value("checker", "")) + " · " + std::to_string(ops.size()) + " of " +
         GroupDigits(w.value("scope_ops", int64_t{0})) + " ops</span></h3><p class=\"explanation\">" +
         EscapeHtml(w.value("sentence", "")) + (fault.empty() ? "" : " <span class=\"fault\">(" + EscapeHtml(fault) + ")</span>") +
         "</p>" + WitnessSvg(w);
    if (w.contains("note")) h += "<p class=\"hint\">" + EscapeHtml(w.value("note", "")) + "</p>";
    h += "</article>";
  }
  if (shown < all.size()) {
    h += "<h3>" + GroupDigits(int64_t(all.size() - shown)) +
         " more</h3><table class=\"more-problems\"><thead><tr><th>kind</th><th>key</th><th>ops</th>"
         "<th>what happened</th></tr></thead><tbody>";
    for (size_t i = shown; i < all.size(); ++i) {
      const nlohmann::json& w = all[i];
      const nlohmann::json key = w.value("key", nlohmann::json());
      std::string text = w.value("sentence", "");
      if (text.size() > 300) text = text.substr(0, 300) + "…";
      h += "<tr><td>" + EscapeHtml(Kind(w)) + "</td><td>" +
           (key.is_string() ? EscapeHtml(key.get<std::string>()) : "—") + "</td><td>" +
           std::to_string(w.value("ops", nlohmann::json::array()).size()) + "</td><td>" +
           EscapeHtml(text) + "</td></tr>";
    }
    h += "</tbody></table>";
  }
  return h + "</section>";
}

std::vector<int64_t> WitnessOps(const nlohmann::json& results) {
  std::vector<int64_t> out;
  if (!results.is_object() || !results.contains("witnesses") || !results["witnesses"].is_array()) {
    return out;
  }
  for (const auto& w : results["witnesses"]) {
    if (!w.is_object() || !w.contains("ops") || !w["ops"].is_array()) continue;
    for (const auto& op : w["ops"]) out.push_back(op.value("index", int64_t{0}));
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace faultline
