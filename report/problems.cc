#include "report/problems.h"

#include <algorithm>
#include <set>

#include "report/html.h"

namespace faultline {
namespace {

constexpr size_t kMaxUnplaced = 100;  // per problem; a conflict names a handful

std::vector<ExplainedStep> Steps(const nlohmann::json& list, const char* note, bool dedupe) {
  std::vector<ExplainedStep> out;
  std::set<std::pair<int64_t, std::string>> seen;
  if (!list.is_array()) return out;
  for (const auto& e : list) {
    if (!e.is_object() || !e.contains("op_index")) continue;
    ExplainedStep s{e.value("op_index", int64_t{0}), e.value("process", int64_t{0}),
                    e.value("op", std::string()), e.value(note, std::string())};
    if (dedupe && !seen.insert({s.op_index, s.note}).second) continue;
    out.push_back(std::move(s));
    if (dedupe && out.size() == kMaxUnplaced) break;
  }
  return out;
}

Problem ParseProblem(const std::string& checker, const nlohmann::json& p) {
  Problem out;
  out.checker = checker;
  if (p.contains("key") && p["key"].is_string()) out.key = p["key"].get<std::string>();
  out.verdict = p.value("verdict", "invalid");
  out.method = p.value("method", "");
  out.explanation = p.value("explanation", "");
  out.prefix = Steps(p.value("prefix", nlohmann::json()), "state_after", false);
  out.unplaced = Steps(p.value("unplaced", nlohmann::json()), "why", true);
  out.prefix_length = p.value("prefix_length", static_cast<int64_t>(out.prefix.size()));
  return out;
}

nlohmann::json StepsJson(const std::vector<ExplainedStep>& steps) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : steps) out.push_back({s.op_index, s.process, s.op, s.note});
  return out;
}

std::string OpLink(int64_t op_index) {
  const std::string n = std::to_string(op_index);
  return "<a class=\"op-link\" href=\"#timeline-section\" data-op=\"" + n + "\">" + n + "</a>";
}

std::string StepsTable(const std::vector<ExplainedStep>& steps, const char* cls, const char* note,
                       int64_t first_number) {
  std::string h = std::string("<table class=\"") + cls + "\"><thead><tr>" +
                  (first_number >= 0 ? "<th>#</th>" : "") +
                  "<th>op</th><th>process</th><th>operation</th><th>" + note +
                  "</th></tr></thead><tbody>";
  for (size_t i = 0; i < steps.size(); ++i) {
    const ExplainedStep& s = steps[i];
    h += "<tr>";
    if (first_number >= 0) h += "<td>" + std::to_string(first_number + int64_t(i)) + "</td>";
    h += "<td>" + OpLink(s.op_index) + "</td><td>" + std::to_string(s.process) + "</td><td>" +
         EscapeHtml(s.op) + "</td><td>" + EscapeHtml(s.note) + "</td></tr>";
  }
  return h + "</tbody></table>";
}

std::string KeyTitle(const Problem& p) {
  return p.key ? "key " + EscapeHtml(*p.key) : std::string("the history (no keys)");
}

std::string DetailedProblem(const Problem& p, size_t i) {
  const std::string id = std::to_string(i);
  std::string h = "<article class=\"problem\" id=\"problem-" + id + "\"><h3>" + KeyTitle(p) +
                  " <span class=\"verdict " + EscapeHtml(p.verdict) + "\">" +
                  EscapeHtml(p.verdict) + "</span> <span class=\"method\">" +
                  EscapeHtml(p.checker) + (p.method.empty() ? "" : " · " + EscapeHtml(p.method)) +
                  "</span> <button type=\"button\" class=\"show-on-timeline\" data-problem=\"" +
                  id + "\">show on timeline</button></h3><p class=\"explanation\">" +
                  EscapeHtml(p.explanation) + "</p>";
  h += "<div class=\"cx-diagram\" data-problem=\"" + id + "\"></div>";
  if (!p.unplaced.empty()) {
    h += "<h4>Ops that could not be placed after the prefix</h4>" +
         StepsTable(p.unplaced, "unplaced", "why", -1);
  }
  if (!p.prefix.empty()) {
    const int64_t first = p.prefix_length - static_cast<int64_t>(p.prefix.size()) + 1;
    h += "<details class=\"prefix\"><summary>Longest linearizable prefix: " +
         GroupDigits(p.prefix_length) + " ops" +
         (first > 1 ? " (the last " + std::to_string(p.prefix.size()) + " shown)" : "") +
         ", with the model state after each</summary>" +
         StepsTable(p.prefix, "prefix", "state after", first) + "</details>";
  }
  return h + "</article>";
}

std::string RestTable(const std::vector<Problem>& problems, size_t from) {
  std::string h = "<h3>" + GroupDigits(int64_t(problems.size() - from)) +
                  " more</h3><table class=\"more-problems\"><thead><tr><th>key</th><th>verdict</th>"
                  "<th>explanation</th><th>ops not placed</th></tr></thead><tbody>";
  for (size_t i = from; i < problems.size(); ++i) {
    const Problem& p = problems[i];
    std::string ops;
    for (const auto& s : p.unplaced) ops += (ops.empty() ? "" : " ") + OpLink(s.op_index);
    std::string text =
        p.explanation.size() > 400 ? p.explanation.substr(0, 400) + "…" : p.explanation;
    h += "<tr><td>" + (p.key ? EscapeHtml(*p.key) : "—") + "</td><td class=\"verdict " +
         EscapeHtml(p.verdict) + "\">" + EscapeHtml(p.verdict) + "</td><td>" + EscapeHtml(text) +
         "</td><td>" + ops + "</td></tr>";
  }
  return h + "</tbody></table>";
}

}  // namespace

std::vector<Problem> CollectProblems(const nlohmann::json& results) {
  std::vector<Problem> out;
  if (!results.is_object() || !results.contains("checkers") || !results["checkers"].is_object()) {
    return out;
  }
  for (const auto& [name, detail] : results["checkers"].items()) {
    if (!detail.is_object() || !detail.contains("problems") || !detail["problems"].is_array())
      continue;
    // The counter checker's problems are reads against bounds, drawn by report/invariants.cc.
    if (detail.contains("checker") && detail["checker"] == "counter") continue;
    for (const auto& p : detail["problems"]) {
      if (p.is_object()) out.push_back(ParseProblem(name, p));
    }
  }
  return out;
}

nlohmann::json ProblemsForScript(const std::vector<Problem>& problems, size_t budget) {
  nlohmann::json out = nlohmann::json::array();
  size_t used = 0;
  for (const Problem& p : problems) {
    nlohmann::json j = {{"key", p.key ? nlohmann::json(*p.key) : nlohmann::json()},
                        {"verdict", p.verdict},
                        {"prefix_length", p.prefix_length},
                        {"unplaced", StepsJson(p.unplaced)}};
    nlohmann::json prefix = StepsJson(p.prefix);
    const size_t size = prefix.dump().size();
    if (used + size <= budget) {
      j["prefix"] = std::move(prefix);
      used += size;
    } else {
      j["prefix"] = nlohmann::json::array();
      j["prefix_omitted"] = true;
    }
    out.push_back(std::move(j));
  }
  return out;
}

std::vector<int64_t> AnomalyOps(const std::vector<Problem>& problems) {
  std::vector<int64_t> out;
  for (const Problem& p : problems) {
    for (const auto& s : p.unplaced) out.push_back(s.op_index);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::string ProblemsHtml(const std::vector<Problem>& problems, size_t detailed) {
  if (problems.empty()) return "";
  std::string h =
      "<section id=\"anomalies\"><h2>Counterexamples</h2><p class=\"hint\">Each diagram shows, "
      "Porcupine-style, the ops of one key in history order: the longest linearizable prefix "
      "(numbered in linearization order, with the model state after each and a line through "
      "their linearization points), then in red the ops that could not be placed after it. "
      "Shaded: faults.</p>";
  const size_t shown = std::min(detailed, problems.size());
  for (size_t i = 0; i < shown; ++i) h += DetailedProblem(problems[i], i);
  if (shown < problems.size()) h += RestTable(problems, shown);
  return h + "</section>";
}

}  // namespace faultline
