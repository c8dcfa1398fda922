#include "checkers/causal/causal.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <optional>
#include <tbb/parallel_for.h>
#include <unordered_map>

#include "checkers/causal/causal_graph.h"

namespace faultline {
namespace {

using causal::Clocks;
using causal::Graph;
using causal::kInitialWrite;
using causal::Node;

// Vector clocks cost nodes × sessions entries; beyond this the answer is unknown, not a crash.
constexpr size_t kMaxClockEntries = size_t{1} << 28;

// "p3 read 5 (op 12)"-style description of a node.
std::string Describe(const Graph& g, int32_t n) {
  const Node& x = g.nodes[n];
  const causal::NodeText& t = g.text[n];
  std::string what = x.reads && x.writes ? "cas " + t.read_value + "→" + t.write_value
                     : x.writes          ? "wrote " + t.write_value
                                         : "read " + t.read_value;
  return "p" + std::to_string(x.process) + " " + what + " (op " + std::to_string(x.index) + ")";
}

std::string Source(const Graph& g, int32_t w) {
  return w == kInitialWrite ? "the initial null" : Describe(g, w);
}

// What one session has seen so far while its ops are walked in order.
struct SessionView {
  std::unordered_map<uint32_t, int32_t> last_write, last_read;  // key → node
  // session → the latest write of it this session read directly, and the read that did.
  std::unordered_map<uint32_t, std::pair<int32_t, int32_t>> read_from;
};

class Checker {
 public:
  Checker(const Graph& g, const Clocks& c) : g_(g), c_(c) {}

  void CheckSession(const std::vector<int32_t>& ops,
                    std::vector<std::pair<int64_t, CausalViolation>>* out) {
    SessionView view;
    for (int32_t r : ops) {
      const Node& x = g_.nodes[r];
      if (x.reads && x.rf != causal::kNoRead) {
        if (auto v = CheckRead(view, r)) out->push_back({x.index, std::move(*v)});
        view.last_read[x.key] = r;
        if (x.rf >= 0) {
          const Node& w = g_.nodes[x.rf];
          auto [it, fresh] = view.read_from.try_emplace(w.session, x.rf, r);
          if (!fresh && g_.nodes[it->second.first].pos < w.pos) it->second = {x.rf, r};
        }
      }
      if (x.writes) view.last_write[x.key] = r;
    }
  }

 private:
  // w is older than w2: the initial write is older than every write; otherwise hb.
  bool Older(int32_t w, int32_t w2) const {
    if (w == w2 || w2 == kInitialWrite) return false;
    return w == kInitialWrite || causal::HappensBefore(g_, c_, w, w2);
  }

  CausalViolation Make(const char* name, int32_t r, std::vector<int32_t> ops,
                       std::string why) const {
    CausalViolation v;
    v.name = name;
    v.key = g_.keys[g_.nodes[r].key];
    v.explanation = std::move(why);
    v.read = g_.nodes[r].index;
    ops.push_back(r);
    if (g_.nodes[r].rf >= 0) ops.push_back(g_.nodes[r].rf);
    for (int32_t n : ops) v.op_indices.push_back(g_.nodes[n].index);
    std::sort(v.op_indices.begin(), v.op_indices.end());
    v.op_indices.erase(std::unique(v.op_indices.begin(), v.op_indices.end()), v.op_indices.end());
    return v;
  }

  std::optional<CausalViolation> CheckRead(const SessionView& view, int32_t r) const {
    const Node& x = g_.nodes[r];
    const int32_t w = x.rf;
    if (auto it = view.last_write.find(x.key);
        it != view.last_write.end() && Older(w, it->second)) {
      return Make("read-your-writes", r, {it->second},
                  Describe(g_, r) + " after its own " + Describe(g_, it->second) + ", but " +
                      Source(g_, w) + " is causally older than that write");
    }
    if (auto it = view.last_read.find(x.key); it != view.last_read.end()) {
      const int32_t w2 = g_.nodes[it->second].rf;
      if (w2 != causal::kNoRead && Older(w, w2)) {
        return Make("monotonic-reads", r, {it->second, w2},
                    Describe(g_, r) + " after " + Describe(g_, it->second) + ", but " +
                        Source(g_, w) + " is causally older than " + Source(g_, w2));
      }
    }
    return CheckVisibility(view, r);
  }

  // A write to the key that happens before r and after r's source: classify how r learnt of it.
  std::optional<CausalViolation> CheckVisibility(const SessionView& view, int32_t r) const {
    const Node& x = g_.nodes[r];
    const int32_t w = x.rf;
    std::optional<CausalViolation> found;
    const uint32_t* clock = c_.row(r);
    // What r's source w knew of each session. A write w2 with w hb w2 lies beyond it (had w
    // known w2, w2 would happen before w as well: a cycle, and there is none here), so most
    // sessions are ruled out from w's one clock row without touching w2's.
    const uint32_t* source_clock = w >= 0 ? c_.row(w) : nullptr;
    for (const causal::SessionWrites& sw : g_.writes_by_key[x.key]) {
      if (sw.session == x.session) continue;  // own writes: read-your-writes above
      const uint32_t known = clock[sw.session];
      auto pos = std::upper_bound(sw.pos.begin(), sw.pos.end(), known);
      if (pos == sw.pos.begin()) continue;
      if (source_clock != nullptr && *(pos - 1) <= source_clock[sw.session]) continue;
      // The latest write of session sw.session to the key r knows of.
      const int32_t w2 = sw.nodes[size_t(pos - sw.pos.begin()) - 1];
      if (!Older(w, w2)) continue;
      auto v = Classify(view, r, w2);
      if (!found || Rank(v.name) < Rank(found->name)) found = std::move(v);
      if (found->name == "monotonic-writes") break;
    }
    return found;
  }

  static int Rank(const std::string& name) {
    return name == "monotonic-writes" ? 0 : name == "writes-follow-reads" ? 1 : 2;
  }

  CausalViolation Classify(const SessionView& view, int32_t r, int32_t w2) const {
    const Node& x2 = g_.nodes[w2];
    const std::string tail = ", yet " + Describe(g_, r) + " and " + Source(g_, g_.nodes[r].rf) +
                             " is causally older than " + Describe(g_, w2);
    // Monotonic writes: this session read a later write of w2's session.
    if (auto it = view.read_from.find(x2.session);
        it != view.read_from.end() && g_.nodes[it->second.first].pos > x2.pos) {
      auto [later, reader] = it->second;
      return Make("monotonic-writes", r, {w2, later, reader},
                  Describe(g_, reader) + " saw " + Describe(g_, later) + ", written after " +
                      Describe(g_, w2) + tail);
    }
    // Writes follow reads: this session read a write made after its writer had read w2.
    for (int32_t y : g_.readers[w2]) {
      auto it = view.read_from.find(g_.nodes[y].session);
      if (it == view.read_from.end() || g_.nodes[it->second.first].pos <= g_.nodes[y].pos) continue;
      auto [later, reader] = it->second;
      return Make("writes-follow-reads", r, {w2, y, later, reader},
                  Describe(g_, reader) + " saw " + Describe(g_, later) + ", written after " +
                      Describe(g_, y) + tail);
    }
    return Make(
        "causal-visibility", r, {w2},
        Describe(g_, w2) + " happens before " + Describe(g_, r) + " through other sessions" + tail);
  }

  const Graph& g_;
  const Clocks& c_;
};

CausalViolation CycleViolation(const Graph& g, const std::vector<int32_t>& cycle) {
  CausalViolation v;
  v.name = "cycle";
  v.key = g.keys[g.nodes[cycle.front()].key];
  std::string path;
  for (int32_t n : cycle) {
    v.op_indices.push_back(g.nodes[n].index);
    if (g.keys[g.nodes[n].key] != v.key) v.key = "";
    path += Describe(g, n) + " → ";
  }
  std::sort(v.op_indices.begin(), v.op_indices.end());
  v.explanation = "happens-before has a cycle: " + path + Describe(g, cycle.front());
  return v;
}

}  // namespace

Result<CausalResult> CheckCausal(const History& history, const std::string& source) {
  auto g = causal::BuildGraph(history, source);
  if (!g.ok()) return g.status();
  CausalResult result;
  result.ops = g->nodes.size();
  result.keys = g->keys.size();
  result.sessions = g->sessions.size();
  std::vector<std::pair<int64_t, CausalViolation>> found;
  for (const auto& u : g->unwritten) {
    CausalViolation v{"unwritten-value",
                      g->keys[u.key],
                      {u.index},
                      "p" + std::to_string(u.process) + " read " + u.value + " (op " +
                          std::to_string(u.index) + "), which no ok or info op wrote" +
                          (u.failed ? " (its write failed)" : ""),
                      u.index};
    found.push_back({u.index, std::move(v)});
  }
  if (g->nodes.size() * g->sessions.size() > kMaxClockEntries) {
    result.verdict = Verdict::kUnknown;
    result.explanation = "vector clocks would need " + std::to_string(g->nodes.size()) + " ops × " +
                         std::to_string(g->sessions.size()) +
                         " sessions entries; too many to check";
  } else {
    std::vector<int32_t> cycle;
    Clocks clocks = causal::ComputeClocks(*g, &cycle);
    if (!cycle.empty()) {
      found.push_back({g->nodes[cycle.front()].index, CycleViolation(*g, cycle)});
      result.explanation = "happens-before is cyclic, so the per-read checks did not run";
    } else {
      // Sessions are independent once the clocks exist: check them in parallel, then append
      // their violations in session order, exactly as a sequential walk would.
      Checker checker(*g, clocks);
      std::vector<std::vector<std::pair<int64_t, CausalViolation>>> per_session(
          g->sessions.size());
      tbb::parallel_for(size_t{0}, g->sessions.size(), [&](size_t s) {
        checker.CheckSession(g->sessions[s], &per_session[s]);
      });
      for (auto& vs : per_session) {
        for (auto& v : vs) found.push_back(std::move(v));
      }
    }
  }
  std::stable_sort(found.begin(), found.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (auto& [index, v] : found) result.violations.push_back(std::move(v));
  if (!result.violations.empty()) result.verdict = Verdict::kInvalid;
  return result;
}

nlohmann::json ToJson(const CausalResult& r) {
  nlohmann::json j = {{"checker", "causal"},
                      {"verdict", VerdictName(r.verdict)},
                      {"model", "CC"},
                      {"ops", r.ops},
                      {"keys", r.keys},
                      {"sessions", r.sessions},
                      {"explanation", r.explanation}};
  nlohmann::json& vs = j["violations"] = nlohmann::json::array();
  for (const CausalViolation& v : r.violations) {
    vs.push_back({{"name", v.name},
                  {"key", v.key},
                  {"op_indices", v.op_indices},
                  {"explanation", v.explanation}});
  }
  return j;
}

}  // namespace faultline
