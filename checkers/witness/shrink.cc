// The shrinking: delta debugging (Zeller's ddmin, by complements) over a problem's units,
// each candidate allowed by the checker's rule and re-checked by the checker; the witness is
// the last candidate that still showed the problem, so every step is a proof.
#include <tbb/parallel_for.h>

#include <algorithm>
#include <cstdio>

#include "checkers/witness/plan.h"
#include "checkers/witness/witness.h"

namespace faultline {
namespace {

// Re-checks allowed per problem: a budget, so that one odd problem cannot hold up a run. What
// was reached by then is still a proof, only maybe not the smallest.
constexpr int kMaxChecks = 2000;

std::vector<Op> SubOps(const History& history, const std::vector<int64_t>& invokes) {
  std::vector<int64_t> indices;
  indices.reserve(invokes.size() * 2);
  for (int64_t i : invokes) {
    indices.push_back(i);
    if (history.partner(size_t(i)) >= 0) indices.push_back(history.partner(size_t(i)));
  }
  std::sort(indices.begin(), indices.end());
  std::vector<Op> ops;
  ops.reserve(indices.size());
  for (int64_t i : indices) ops.push_back(history[size_t(i)]);
  return ops;
}

class Shrinker {
 public:
  Shrinker(const ShrinkPlan& plan, const History& history, const std::string& source)
      : plan_(plan), history_(history), source_(source) {}

  // Whether the units `keep` marks still show the problem (and may be what is left).
  bool Shows(const std::vector<char>& keep) {
    if (!plan_.allowed(keep)) return false;
    ++checks_;
    std::vector<int64_t> invokes;
    for (size_t u = 0; u < keep.size(); ++u) {
      if (keep[u]) invokes.insert(invokes.end(), plan_.units[u].begin(), plan_.units[u].end());
    }
    std::sort(invokes.begin(), invokes.end());
    std::vector<Op> ops = SubOps(history_, invokes);
    std::vector<int64_t> to_original;
    to_original.reserve(ops.size());
    for (const Op& op : ops) to_original.push_back(op.index);
    Result<History> sub = History::Make(std::move(ops), source_);
    if (!sub.ok()) return false;
    Result<CheckerResult> r = plan_.checker->Check(*sub, source_);
    return r.ok() && plan_.same(*r, to_original);
  }

  // ddmin by complements from everything, after trying the hint alone.
  std::vector<char> Run() {
    const size_t n = plan_.units.size();
    std::vector<char> keep(n, 1);
    if (!plan_.hint.empty() && plan_.hint.size() < n) {
      std::vector<char> hint(n, 0);
      for (size_t u : plan_.hint) hint[u] = 1;
      if (Shows(hint)) keep = hint;
    }
    size_t chunks = 2;
    while (checks_ < kMaxChecks) {
      std::vector<size_t> kept;
      for (size_t u = 0; u < n; ++u) {
        if (keep[u]) kept.push_back(u);
      }
      if (kept.size() < 2) break;
      chunks = std::min(chunks, kept.size());
      bool reduced = false;
      for (size_t c = 0; c < chunks && checks_ < kMaxChecks; ++c) {
        std::vector<char> without = keep;
        const size_t from = kept.size() * c / chunks, to = kept.size() * (c + 1) / chunks;
        for (size_t k = from; k < to; ++k) without[kept[k]] = 0;
        if (Shows(without)) {
          keep = std::move(without);
          chunks = std::max<size_t>(chunks - 1, 2);
          reduced = true;
          break;
        }
      }
      if (reduced) continue;
      if (chunks >= kept.size()) break;  // no single unit can go: 1-minimal
      chunks = std::min(chunks * 2, kept.size());
    }
    exhausted_ = checks_ >= kMaxChecks;
    return keep;
  }

  bool exhausted() const { return exhausted_; }

 private:
  const ShrinkPlan& plan_;
  const History& history_;
  const std::string& source_;
  int checks_ = 0;
  bool exhausted_ = false;
};

// The real-time orders among the witness's ops (a completed before b was invoked), less those
// two others imply.
std::vector<std::pair<int64_t, int64_t>> Orders(const History& h, const std::vector<int64_t>& ops) {
  auto before = [&](int64_t a, int64_t b) {
    const int64_t done = h.partner(size_t(a));
    return a != b && done >= 0 && h[size_t(done)].type != OpType::kInfo && done < b;
  };
  std::vector<std::pair<int64_t, int64_t>> out;
  for (int64_t a : ops) {
    for (int64_t b : ops) {
      if (!before(a, b)) continue;
      const bool implied = std::any_of(ops.begin(), ops.end(),
                                       [&](int64_t m) { return before(a, m) && before(m, b); });
      if (!implied) out.emplace_back(a, b);
    }
  }
  return out;
}

// "kill n1", "start-partition": a nemesis op as the sentence names it.
std::string FaultName(const Op& op) {
  std::string out = op.f;
  if (op.value.is_string()) return out + " " + std::string(op.value.as_string());
  if (op.value.is_list()) {
    for (const Value& v : op.value.as_list()) {
      if (v.is_string()) out += " " + std::string(v.as_string());
    }
  }
  return out;
}

// The fault that explains it, if any: the first fault step issued while the witness's ops
// were being invoked (between its first and its last), else the last one before them.
std::string FaultBefore(const History& h, const HistoryIndex& index, const std::vector<int64_t>& ops) {
  if (ops.empty() || index.faults.empty()) return "";
  const int64_t first = ops.front(), last = ops.back();  // sorted
  auto it = std::lower_bound(index.faults.begin(), index.faults.end(), first);
  char buf[48];
  if (it != index.faults.end() && *it <= last) {
    const Op& op = h[size_t(*it)];
    std::snprintf(buf, sizeof buf, " at %.2f s, between them", double(op.time) / 1e9);
    return FaultName(op) + buf;
  }
  if (it == index.faults.begin()) return "";
  const Op& op = h[size_t(*std::prev(it))];
  std::snprintf(buf, sizeof buf, "%.1f s after ", double(h[size_t(first)].time - op.time) / 1e9);
  return buf + FaultName(op);
}

Witness Find(const Checker& checker, const CheckerResult& result, const CheckerProblem& problem,
             const History& history, const HistoryIndex& index, const std::string& source) {
  Witness w;
  w.checker = checker.name();
  w.key = problem.key;
  ShrinkPlan plan = MakeShrinkPlan(checker, result, problem, history, index);
  for (const auto& u : plan.units) w.scope_ops += u.size();
  // No rule (a checker this does not know), or nothing decided: no witness (its kind stays
  // empty, and callers leave it out).
  if (!plan.note.empty() || plan.units.empty()) return w;
  Shrinker s(plan, history, source);
  const std::vector<char> keep = s.Run();
  for (size_t u = 0; u < keep.size(); ++u) {
    if (keep[u]) w.op_indices.insert(w.op_indices.end(), plan.units[u].begin(), plan.units[u].end());
  }
  std::sort(w.op_indices.begin(), w.op_indices.end());
  w.shrunk = true;
  if (s.exhausted()) w.note = "the re-check budget ran out: a proof, but maybe not the smallest";
  w.orders = Orders(history, w.op_indices);
  w.fault = FaultBefore(history, index, w.op_indices);
  NameWitness(problem, history, index, &w);
  return w;
}

}  // namespace

std::vector<Witness> FindWitnesses(const Checker& checker, const CheckerResult& result,
                                   const History& history, const std::string& source,
                                   size_t max_problems) {
  const size_t n = std::min(result.problems.size(), max_problems);
  std::vector<Witness> out(n);
  if (n == 0) return out;
  const HistoryIndex index(history);
  tbb::parallel_for(size_t{0}, n, [&](size_t i) {
    out[i] = Find(checker, result, result.problems[i], history, index, source);
  });
  return out;
}

History WitnessHistory(const History& history, const Witness& w) {
  Result<History> h = History::Make(SubOps(history, w.op_indices), "witness");
  return h.ok() ? std::move(h).value() : History();
}

nlohmann::json ToJson(const Witness& w, const History& h) {
  nlohmann::json ops = nlohmann::json::array();
  for (int64_t i : w.op_indices) {
    const Op& op = h[size_t(i)];
    const int64_t c = h.partner(size_t(i));
    const Op* done = c >= 0 ? &h[size_t(c)] : nullptr;
    const Op& answered = done && done->node ? *done : op;
    nlohmann::json j = {{"index", i},
                        {"process", op.process},
                        {"f", op.f.str()},
                        {"type", done ? OpTypeName(done->type) : "pending"},
                        {"value", nlohmann::json::parse(op.value.ToJson())},
                        {"invoke", double(op.time) / 1e9},
                        {"complete", done ? nlohmann::json(double(done->time) / 1e9) : nullptr},
                        {"node", answered.node ? nlohmann::json(answered.node.value()) : nullptr}};
    // What the op returned (a read's value, nil included), when it completed ok.
    if (done && done->type == OpType::kOk) j["result"] = nlohmann::json::parse(done->value.ToJson());
    if (op.final) j["final"] = true;
    ops.push_back(std::move(j));
  }
  nlohmann::json orders = nlohmann::json::array();
  for (auto [a, b] : w.orders) orders.push_back({a, b});
  nlohmann::json j = {{"checker", w.checker},
                      {"key", w.key ? nlohmann::json(*w.key) : nullptr},
                      {"kind", w.kind},
                      {"sentence", w.sentence},
                      {"fault", w.fault},
                      {"scope_ops", w.scope_ops},
                      {"shrunk", w.shrunk},
                      {"ops", std::move(ops)},
                      {"orders", std::move(orders)}};
  if (!w.note.empty()) j["note"] = w.note;
  return j;
}

std::string WitnessLine(const Witness& w) {
  std::string name = w.kind;
  std::replace(name.begin(), name.end(), '-', ' ');
  return name + (w.key ? " on key " + *w.key : "") + ": " + w.sentence +
         (w.fault.empty() ? "" : " (" + w.fault + ")");
}

}  // namespace faultline
