// The shrinking: delta debugging (Zeller's ddmin, by complements) over a problem's units,
// each candidate allowed by the checker's rule and re-checked by the checker; the witness is
// the last candidate that still showed the problem, so every step is a proof.
#include <tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <set>

#include "checkers/witness/plan.h"
#include "checkers/witness/witness.h"

namespace faultline {
namespace {

using Clock = std::chrono::steady_clock;

// Re-checks allowed per problem, and ops re-checked in all: a budget, so that one odd problem
// cannot hold up a run. What was reached by then is still a proof, only maybe not the
// smallest.
constexpr int kMaxChecks = 2000;
constexpr size_t kMaxCheckedOps = size_t{20} << 20;
// A scope larger than this (a whole history) is searched only from the hint: a failed hint
// gives no witness rather than a search through every op.
constexpr size_t kMaxSearchedScope = 20000;
// All the problems of one check together: a history with many thousands of problems of the
// whole-history checkers stops getting witnesses after this, and a re-check still searching
// then (linearizability on a large key of repeated values) gives up, rather than holding up
// the run.
constexpr auto kMaxShrinkTime = std::chrono::seconds(20);
// The checkers whose problems span the whole history (causal, bank, counter) get witnesses for
// their first 1,000 problems, as many as their details list.
constexpr size_t kMaxHistoryWideWitnesses = 1000;

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

// Units are kept as sorted lists of unit numbers (a problem's scope may be the whole history,
// its witness a handful of ops): each candidate costs its own size, not the scope's.
class Shrinker {
 public:
  Shrinker(const ShrinkPlan& plan, const History& history, const std::string& source,
           Clock::time_point deadline)
      : plan_(plan), history_(history), source_(source), deadline_(deadline),
        mark_(plan.size(), 0) {}

  // Whether the units of `candidate` may be all that is left (the rule) and still show the
  // problem (the checker).
  bool Shows(const std::vector<size_t>& candidate) {
    // Past the deadline nothing more is tried; before it, a checker that can search for long
    // (linearizability) gives up at the deadline (unknown: not the same problem).
    const auto now = Clock::now();
    if (now >= deadline_) {
      out_of_time_ = true;
      return false;
    }
    if (!Allowed(candidate)) return false;
    const std::unique_ptr<Checker> bounded =
        plan_.checker->Bounded(std::chrono::duration<double>(deadline_ - now).count());
    const Checker& checker = bounded ? *bounded : *plan_.checker;
    ++checks_;
    std::vector<int64_t> invokes;
    for (size_t u : candidate) {
      const std::vector<int64_t> ops = plan_.Unit(u);
      invokes.insert(invokes.end(), ops.begin(), ops.end());
    }
    checked_ops_ += invokes.size();
    std::sort(invokes.begin(), invokes.end());
    std::vector<Op> ops = SubOps(history_, invokes);
    std::vector<int64_t> to_original;
    to_original.reserve(ops.size());
    for (const Op& op : ops) to_original.push_back(op.index);
    Result<History> sub = History::Make(std::move(ops), source_);
    if (!sub.ok()) return false;
    Result<CheckerResult> r = checker.Check(*sub, source_);
    return r.ok() && plan_.same(*r, to_original);
  }

  // ddmin by complements, after trying the hint alone. Returns the units kept, or nothing
  // when the budget ran out before any unit could go.
  std::vector<size_t> Run() {
    const size_t n = plan_.size();
    std::vector<size_t> kept;
    if (!plan_.hint.empty() && plan_.hint.size() < n && Shows(plan_.hint)) {
      if (plan_.hint_is_minimal) return plan_.hint;
      kept = plan_.hint;
    } else if (n > kMaxSearchedScope) {
      return {};
    } else {
      kept.resize(n);
      for (size_t u = 0; u < n; ++u) kept[u] = u;
    }
    size_t chunks = 2;
    while (!Exhausted() && kept.size() >= 2) {
      chunks = std::min(chunks, kept.size());
      bool reduced = false;
      for (size_t c = 0; c < chunks && !Exhausted(); ++c) {
        const size_t from = kept.size() * c / chunks, to = kept.size() * (c + 1) / chunks;
        std::vector<size_t> without(kept.begin(), kept.begin() + long(from));
        without.insert(without.end(), kept.begin() + long(to), kept.end());
        if (Shows(without)) {
          kept = std::move(without);
          chunks = std::max<size_t>(chunks - 1, 2);
          reduced = true;
          break;
        }
      }
      if (reduced) continue;
      if (chunks >= kept.size()) break;  // no single unit can go: 1-minimal
      chunks = std::min(chunks * 2, kept.size());
    }
    exhausted_ = Exhausted();
    // The budget ran out before anything could go: the whole scope is no witness to show.
    if (exhausted_ && kept.size() == n) kept.clear();
    return kept;
  }

  bool exhausted() const { return exhausted_; }

 private:
  bool Exhausted() const {
    return out_of_time_ || checks_ >= kMaxChecks || checked_ops_ >= kMaxCheckedOps;
  }

  // The rule: pinned units stay, and what every kept unit needs stays.
  bool Allowed(const std::vector<size_t>& candidate) {
    for (size_t u : candidate) mark_[u] = 1;
    bool ok = std::all_of(plan_.pinned.begin(), plan_.pinned.end(),
                          [&](size_t u) { return mark_[u] != 0; });
    std::vector<size_t> needed;
    for (size_t k = 0; ok && plan_.needs && k < candidate.size(); ++k) {
      needed.clear();
      plan_.needs(candidate[k], &needed);
      for (size_t r : needed) {
        if (r < mark_.size() && !mark_[r]) ok = false;
      }
    }
    for (size_t u : candidate) mark_[u] = 0;
    return ok;
  }

  const ShrinkPlan& plan_;
  const History& history_;
  const std::string& source_;
  const Clock::time_point deadline_;
  std::vector<char> mark_;
  int checks_ = 0;
  size_t checked_ops_ = 0;
  bool exhausted_ = false;
  bool out_of_time_ = false;
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
             const History& history, const HistoryIndex& index, const std::string& source,
             Clock::time_point deadline) {
  Witness w;
  w.checker = checker.name();
  w.key = problem.key;
  ShrinkPlan plan = MakeShrinkPlan(checker, result, problem, history, index);
  // No rule (a checker this does not know), or nothing decided: no witness (its kind stays
  // empty, and callers leave it out).
  if (!plan.note.empty() || plan.size() == 0) {
    w.note = plan.note;
    return w;
  }
  w.scope_ops = plan.groups.empty() ? plan.size() : 0;
  for (const auto& g : plan.groups) w.scope_ops += g.size();
  Shrinker s(plan, history, source, deadline);
  const std::vector<size_t> kept = s.Run();
  if (kept.empty()) return w;  // the budget ran out before anything could go
  for (size_t u : kept) {
    const std::vector<int64_t> ops = plan.Unit(u);
    w.op_indices.insert(w.op_indices.end(), ops.begin(), ops.end());
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
  const size_t cap = checker.name() == "linearizability"
                        ? max_problems
                        : std::min(max_problems, kMaxHistoryWideWitnesses);
  const size_t n = std::min(result.problems.size(), cap);
  std::vector<Witness> out(n);
  if (n == 0) return out;
  const auto deadline = Clock::now() + kMaxShrinkTime;
  // Linearizability's witnesses stay within their keys: only those keys' values are needed.
  std::set<std::string> keys;
  bool keyed = checker.name() == "linearizability";
  for (size_t i = 0; i < n && keyed; ++i) {
    if (result.problems[i].key) {
      keys.insert(*result.problems[i].key);
    } else {
      keyed = false;
    }
  }
  const HistoryIndex index(history, keyed ? &keys : nullptr);
  tbb::parallel_for(size_t{0}, n, [&](size_t i) {
    if (Clock::now() > deadline) return;  // left without a witness
    out[i] = Find(checker, result, result.problems[i], history, index, source, deadline);
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
    if (done && done->role) j["role"] = done->role.value();
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
