// Each checker's shrink rule (docs/witnesses.md): which ops of a problem's scope may go
// together, which are tried first, and what "the same problem" means to it.
#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "checkers/registry.h"
#include "checkers/witness/plan.h"

namespace faultline {

namespace {

// The position of `index` in the sorted `scope`, or scope.size() when it is not there.
size_t Position(const std::vector<int64_t>& scope, int64_t index) {
  auto it = std::lower_bound(scope.begin(), scope.end(), index);
  return it != scope.end() && *it == index ? size_t(it - scope.begin()) : scope.size();
}

}  // namespace

HistoryIndex::HistoryIndex(const History& history, const std::set<std::string>* only)
    : observed(history.size(), -1), written(history.size(), -1) {
  std::map<std::string, std::vector<int64_t>> keys;
  std::map<int64_t, std::vector<int64_t>> unknown;
  std::unordered_map<std::string, int32_t> ids;
  auto id = [&](const Op& op, const Value& v) {
    std::string text = op.key ? op.key.value() : std::string();
    text += '\0';
    v.AppendJson(&text);
    auto [it, fresh] = ids.try_emplace(std::move(text), int32_t(writers.size()));
    if (fresh) writers.emplace_back();
    return it->second;
  };
  for (const Op& op : history.ops()) {
    if (op.type != OpType::kInvoke) continue;
    if (op.is_nemesis()) {
      faults.push_back(op.index);
      continue;
    }
    all.push_back(op.index);
    if (op.key) keys[op.key.value()].push_back(op.index);
    const int64_t c = history.partner(size_t(op.index));
    const OpType out = c >= 0 ? history[size_t(c)].type : OpType::kInfo;
    if (out == OpType::kInfo) unknown[op.process].push_back(op.index);
    if (out == OpType::kFail) continue;  // did not happen: observed and wrote nothing
    if (only && (!op.key || !only->count(op.key.value()))) continue;
    const bool pair = op.value.is_list() && op.value.as_list().size() == 2;
    if ((op.f == "read" || op.f == "get") && out == OpType::kOk) {
      observed[size_t(op.index)] = id(op, history[size_t(c)].value);
    } else if (op.f == "write" || op.f == "put") {
      written[size_t(op.index)] = id(op, op.value);
    } else if (op.f == "cas" && pair) {
      observed[size_t(op.index)] = id(op, op.value.as_list()[0]);
      written[size_t(op.index)] = id(op, op.value.as_list()[1]);
    }
    if (written[size_t(op.index)] >= 0) writers[size_t(written[size_t(op.index)])].push_back(op.index);
  }
  by_key.assign(std::make_move_iterator(keys.begin()), std::make_move_iterator(keys.end()));
  unknown_by_process.assign(std::make_move_iterator(unknown.begin()),
                            std::make_move_iterator(unknown.end()));
}

const std::vector<int64_t>& HistoryIndex::KeyOps(const std::optional<std::string>& key) const {
  if (!key) return all;
  auto it = std::lower_bound(by_key.begin(), by_key.end(), *key,
                             [](const auto& e, const std::string& k) { return e.first < k; });
  static const std::vector<int64_t> kNone;
  return it != by_key.end() && it->first == *key ? it->second : kNone;
}

const std::vector<int64_t>& HistoryIndex::UnknownOf(int64_t process) const {
  auto it = std::lower_bound(unknown_by_process.begin(), unknown_by_process.end(), process,
                             [](const auto& e, int64_t p) { return e.first < p; });
  static const std::vector<int64_t> kNone;
  return it != unknown_by_process.end() && it->first == process ? it->second : kNone;
}

size_t ShrinkPlan::UnitOf(int64_t index) const {
  if (groups.empty()) return Position(*scope, index);
  for (size_t u = 0; u < groups.size(); ++u) {
    if (std::find(groups[u].begin(), groups[u].end(), index) != groups[u].end()) return u;
  }
  return size();
}

bool ShrinkPlan::Allowed(const std::vector<char>& keep) const {
  for (size_t u : pinned) {
    if (!keep[u]) return false;
  }
  if (!needs) return true;
  std::vector<size_t> needed;
  for (size_t u = 0; u < keep.size(); ++u) {
    if (!keep[u]) continue;
    needed.clear();
    needs(u, &needed);
    for (size_t r : needed) {
      if (r < keep.size() && !keep[r]) return false;
    }
  }
  return true;
}

namespace {

OpType Outcome(const History& h, int64_t invoke) {
  const int64_t c = h.partner(size_t(invoke));
  return c >= 0 ? h[size_t(c)].type : OpType::kInfo;
}

// Units of a mutex key: an acquire with its process's next release (dropping both leaves the
// other holders' intervals as they were); everything else alone.
std::vector<std::vector<int64_t>> MutexUnits(const History& h, const std::vector<int64_t>& ops) {
  std::vector<std::vector<int64_t>> units;
  std::map<int64_t, size_t> open;  // process → unit of its acquire awaiting a release
  for (int64_t i : ops) {
    const Op& op = h[size_t(i)];
    const bool happened = Outcome(h, i) != OpType::kFail;
    if (op.f == "release" && happened && open.count(op.process)) {
      units[open[op.process]].push_back(i);
      open.erase(op.process);
      continue;
    }
    units.push_back({i});
    if (op.f == "acquire" && happened) open[op.process] = units.size() - 1;
  }
  return units;
}

// Register rule (linearizability's register models, and the causal checker): reads and
// failed ops may go; a write or cas may go only when no kept op observed the value it wrote
// (else that op would read "a value never written"), so a kept op needs every writer of
// what it observed. With `sessions` (causal), an op of unknown outcome may go only when its
// process has no kept op after it: it ends a session, and dropping it would join two.
std::function<void(size_t, std::vector<size_t>*)> RegisterRule(const History& h,
                                                               const HistoryIndex& index,
                                                               const std::vector<int64_t>* scope,
                                                               bool sessions) {
  return [&h, &index, scope, sessions](size_t u, std::vector<size_t>* out) {
    const int64_t i = (*scope)[u];
    if (const int32_t v = index.observed[size_t(i)]; v >= 0) {
      for (int64_t w : index.writers[size_t(v)]) out->push_back(Position(*scope, w));
    }
    if (!sessions) return;
    for (int64_t x : index.UnknownOf(h[size_t(i)].process)) {
      if (x >= i) break;
      out->push_back(Position(*scope, x));
    }
  };
}

// kv rule: gets and failed ops may go; a put may go only when no kept get returned a value
// that starts with what it wrote (appends extend it); an append only when no get is kept.
std::function<void(size_t, std::vector<size_t>*)> KvRule(const History& h,
                                                         const std::vector<int64_t>* scope) {
  return [&h, scope](size_t u, std::vector<size_t>* out) {
    const int64_t i = (*scope)[u];
    const int64_t c = h.partner(size_t(i));
    if (h[size_t(i)].f != "get" || c < 0 || h[size_t(c)].type != OpType::kOk) return;
    const std::string got = h[size_t(c)].value.is_string() ? std::string(h[size_t(c)].value.as_string()) : "";
    for (size_t k = 0; k < scope->size(); ++k) {
      const int64_t j = (*scope)[k];
      const Op& op = h[size_t(j)];
      if (Outcome(h, j) == OpType::kFail) continue;
      if (op.f == "append") out->push_back(k);
      if (op.f == "put" && op.value.is_string() && got.starts_with(op.value.as_string())) {
        out->push_back(k);
      }
    }
  };
}

// Maps a sub-history's invoke index back, for comparing targets.
int64_t Original(int64_t sub, const std::vector<int64_t>& to_original) {
  return sub >= 0 && size_t(sub) < to_original.size() ? to_original[size_t(sub)] : -1;
}

// "The same problem": one of the same kind on the same op (any op when the problem has no
// one target).
std::function<bool(const CheckerResult&, const std::vector<int64_t>&)> SameKindOnTarget(
    const CheckerProblem& problem) {
  return [kind = problem.kind, target = problem.target](const CheckerResult& r,
                                                         const std::vector<int64_t>& to_original) {
    for (const CheckerProblem& p : r.problems) {
      if (p.verdict != Verdict::kInvalid || p.kind != kind) continue;
      if (target < 0 || Original(p.target, to_original) == target) return true;
    }
    return false;
  };
}

std::vector<size_t> UnitsOf(const ShrinkPlan& plan, const std::vector<int64_t>& ops) {
  std::set<size_t> out;
  for (int64_t i : ops) {
    if (const size_t u = plan.UnitOf(i); u < plan.size()) out.insert(u);
  }
  return {out.begin(), out.end()};
}

// The hint closed under the plan's rule: the units of `ops`, plus what they require (the
// writers of what they observed, …), until nothing more is required.
std::vector<size_t> Closure(const ShrinkPlan& plan, const std::vector<int64_t>& ops) {
  std::vector<size_t> hint = UnitsOf(plan, ops);
  std::set<size_t> in(hint.begin(), hint.end());
  in.insert(plan.pinned.begin(), plan.pinned.end());
  hint.assign(in.begin(), in.end());
  std::vector<size_t> needed;
  for (size_t k = 0; k < hint.size() && plan.needs; ++k) {
    needed.clear();
    plan.needs(hint[k], &needed);
    for (size_t r : needed) {
      if (r < plan.size() && in.insert(r).second) hint.push_back(r);
    }
  }
  std::sort(hint.begin(), hint.end());
  return hint;
}

// The register rule's requirements over `scope` in all (each op, the writers of what it
// observed): with values written once, about the scope's size; with values repeated (Jepsen's
// 0..4, Porcupine's etcd logs) about its square, past what a search can check a candidate
// against. Then a witness is not looked for.
constexpr size_t kMaxRuleNeeds = size_t{4} << 20;

bool RuleTooLarge(const HistoryIndex& index, const std::vector<int64_t>& scope) {
  size_t needs = 0;
  for (int64_t i : scope) {
    if (const int32_t v = index.observed[size_t(i)]; v >= 0) needs += index.writers[size_t(v)].size();
    if (needs > kMaxRuleNeeds) return true;
  }
  return false;
}

void PlanLinearizability(const CheckerResult& result, const CheckerProblem& problem,
                         const History& h, const HistoryIndex& index, ShrinkPlan* plan) {
  if (problem.verdict != Verdict::kInvalid) {
    plan->note = "the checker could not decide this key, so there is nothing to shrink";
    return;
  }
  const std::string model = result.detail.value("model", "cas-register");
  plan->scope = &index.KeyOps(problem.key);
  if (model == "mutex") {
    plan->groups = MutexUnits(h, *plan->scope);
  } else if (model == "kv") {
    plan->needs = KvRule(h, plan->scope);
  } else if (RuleTooLarge(index, *plan->scope)) {
    plan->note = "its values repeat (each read needs every write of its value kept), too many "
                 "requirements to search: witnesses need values written once";
    return;
  } else {
    plan->needs = RegisterRule(h, index, plan->scope, false);
  }
  plan->hint = Closure(*plan, problem.op_indices);
  // The sub-history holds this key alone: any invalid verdict is this key's.
  plan->same = [](const CheckerResult& r, const std::vector<int64_t>&) {
    return r.verdict == Verdict::kInvalid;
  };
}

void PlanCausal(const CheckerProblem& problem, const History& h, const HistoryIndex& index,
                ShrinkPlan* plan) {
  // Causality crosses keys (a session's reads of other keys carry dependencies): the scope is
  // the whole history, the hint the checker's own ops and what they require.
  plan->scope = &index.all;
  if (RuleTooLarge(index, *plan->scope)) {
    plan->note = "its values repeat, too many requirements to search: witnesses need values "
                 "written once";
    return;
  }
  plan->needs = RegisterRule(h, index, plan->scope, true);
  plan->hint = Closure(*plan, problem.op_indices);
  plan->same = SameKindOnTarget(problem);
}

void PlanBank(const CheckerResult& result, const CheckerProblem& problem,
              const HistoryIndex& index, ShrinkPlan* plan) {
  // Each read is judged against the accounts and total alone; transfers never change that.
  // The accounts the original took from its first read are made explicit, so that the
  // witness is judged as the history was.
  auto bank = MakeChecker("bank", {{"total", result.detail.value("total", int64_t{0})},
                                   {"accounts", result.detail.value("accounts", 0)}});
  if (!bank.ok()) {
    plan->note = bank.status().message();
    return;
  }
  plan->owned = std::move(bank).value();
  plan->checker = plan->owned.get();
  plan->scope = &index.all;
  plan->hint = UnitsOf(*plan, {problem.target});
  plan->same = SameKindOnTarget(problem);
}

void PlanCounter(const CheckerProblem& problem, const History& h, const HistoryIndex& index,
                 ShrinkPlan* plan) {
  plan->scope = &index.all;
  plan->same = SameKindOnTarget(problem);
  const std::string& kind = problem.kind;
  std::vector<int64_t> hint = problem.op_indices;
  auto add_may_count = [&](int64_t i, int64_t before) {
    return h[size_t(i)].f == "add" && Outcome(h, i) != OpType::kFail && (before < 0 || i < before);
  };
  if (kind == "below-acknowledged" || kind == "final-below-acknowledged") {
    // A read below the adds acknowledged before it stays below them when any op comes back
    // (the bound only grows): every add may go. The hint is built, not searched: the read and
    // the largest acknowledged adds until they sum to more than it returned (a final read's
    // bound counts every ok add, before it or not).
    const int64_t read = problem.target >= 0 ? problem.target : problem.op_indices.front();
    const bool final = kind == "final-below-acknowledged";
    const int64_t done = h.partner(size_t(read));
    const Value& got = done >= 0 ? h[size_t(done)].value : Value();
    const int64_t value = got.is_int() ? got.as_int() : 0;
    std::vector<std::pair<int64_t, int64_t>> adds;  // (amount, invoke)
    for (int64_t i : index.all) {
      const int64_t c = h.partner(size_t(i));
      const Op& op = h[size_t(i)];
      if (op.f == "add" && c >= 0 && (final || c < read) && h[size_t(c)].type == OpType::kOk &&
          op.value.is_int()) {
        adds.emplace_back(op.value.as_int(), i);
      }
    }
    // Largest first: the fewest adds that exceed it, and without any one of them the rest do
    // not (the smallest taken is what tipped it): the hint is already 1-minimal.
    std::make_heap(adds.begin(), adds.end());
    hint = {read};
    int64_t sum = 0;
    for (auto end = adds.end(); sum <= value && end != adds.begin(); --end) {
      std::pop_heap(adds.begin(), end);
      sum += (end - 1)->first;
      hint.push_back((end - 1)->second);
    }
    plan->hint_is_minimal = sum > value;
  } else if (kind == "above-attempted" || kind == "final-impossible") {
    // Dropping an add lowers the bound a read is above (or the sums a final read must be
    // one of): every add the read may count stays; for a read above its bound, adds invoked
    // after it completed cannot count and may go.
    const int64_t done = kind == "above-attempted" ? h.partner(size_t(problem.target)) : -1;
    for (int64_t i : index.all) {
      if (add_may_count(i, done)) plan->pinned.push_back(Position(index.all, i));
    }
  }
  // Non-monotonic reads and final reads that disagree: two reads decide it; adds and the
  // reads between them only add constraints.
  plan->hint = UnitsOf(*plan, hint);
  plan->hint.insert(plan->hint.end(), plan->pinned.begin(), plan->pinned.end());
  std::sort(plan->hint.begin(), plan->hint.end());
  plan->hint.erase(std::unique(plan->hint.begin(), plan->hint.end()), plan->hint.end());
}

}  // namespace

ShrinkPlan MakeShrinkPlan(const Checker& checker, const CheckerResult& result,
                          const CheckerProblem& problem, const History& history,
                          const HistoryIndex& index) {
  ShrinkPlan plan;
  plan.checker = &checker;
  const std::string name = checker.name();
  if (name == "linearizability") {
    PlanLinearizability(result, problem, history, index, &plan);
  } else if (name == "causal") {
    PlanCausal(problem, history, index, &plan);
  } else if (name == "bank") {
    PlanBank(result, problem, index, &plan);
  } else if (name == "counter") {
    PlanCounter(problem, history, index, &plan);
  } else {
    plan.note = "checker " + name + " has no shrink rule";
  }
  return plan;
}

}  // namespace faultline
