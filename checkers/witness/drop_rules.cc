// Each checker's shrink rule (docs/witnesses.md): which ops of a problem's scope may go
// together, which are tried first, and what "the same problem" means to it.
#include <algorithm>
#include <map>
#include <set>
#include <unordered_set>

#include "checkers/registry.h"
#include "checkers/witness/plan.h"

namespace faultline {

HistoryIndex::HistoryIndex(const History& history) {
  std::map<std::string, std::vector<int64_t>> keys;
  for (const Op& op : history.ops()) {
    if (op.type != OpType::kInvoke) continue;
    if (op.is_nemesis()) {
      faults.push_back(op.index);
      continue;
    }
    all.push_back(op.index);
    if (op.key) keys[op.key.value()].push_back(op.index);
  }
  by_key.assign(std::make_move_iterator(keys.begin()), std::make_move_iterator(keys.end()));
}

const std::vector<int64_t>& HistoryIndex::KeyOps(const std::optional<std::string>& key) const {
  if (!key) return all;
  auto it = std::lower_bound(by_key.begin(), by_key.end(), *key,
                             [](const auto& e, const std::string& k) { return e.first < k; });
  static const std::vector<int64_t> kNone;
  return it != by_key.end() && it->first == *key ? it->second : kNone;
}

namespace {

OpType Outcome(const History& h, int64_t invoke) {
  const int64_t c = h.partner(size_t(invoke));
  return c >= 0 ? h[size_t(c)].type : OpType::kInfo;
}

// What an op of a register-like history (read/write/cas; get/put/append) observed and wrote,
// as JSON texts ("" for nothing).
struct Effects {
  std::string observed;  // the value a read returned, a cas expected, a get returned
  std::string written;   // the value a write, cas or put wrote
  bool append = false;   // a kv append that may have happened
  bool info = false;     // its outcome is unknown (info or never completed)
  bool acquire = false, release = false;
};

Effects EffectsOf(const History& h, int64_t i) {
  Effects e;
  const Op& op = h[size_t(i)];
  const OpType out = Outcome(h, i);
  e.info = out == OpType::kInfo;
  if (out == OpType::kFail) return e;  // did not happen: neither observed nor wrote anything
  const int64_t c = h.partner(size_t(i));
  if ((op.f == "read" || op.f == "get") && out == OpType::kOk) {
    e.observed = h[size_t(c)].value.ToJson();
  } else if (op.f == "write" || op.f == "put") {
    e.written = op.value.ToJson();
  } else if (op.f == "cas" && op.value.is_list() && op.value.as_list().size() == 2) {
    e.observed = op.value.as_list()[0].ToJson();
    e.written = op.value.as_list()[1].ToJson();
  } else if (op.f == "append") {
    e.append = true;
  } else if (op.f == "acquire") {
    e.acquire = true;
  } else if (op.f == "release") {
    e.release = true;
  }
  return e;
}

std::vector<std::vector<int64_t>> Singletons(const std::vector<int64_t>& ops) {
  std::vector<std::vector<int64_t>> units;
  units.reserve(ops.size());
  for (int64_t i : ops) units.push_back({i});
  return units;
}

// Units of a mutex key: an acquire with its process's next release (dropping both leaves the
// other holders' intervals as they were); everything else alone.
std::vector<std::vector<int64_t>> MutexUnits(const History& h, const std::vector<int64_t>& ops) {
  std::vector<std::vector<int64_t>> units;
  std::map<int64_t, size_t> open;  // process → unit of its acquire awaiting a release
  for (int64_t i : ops) {
    const Effects e = EffectsOf(h, i);
    const int64_t p = h[size_t(i)].process;
    if (e.release && open.count(p)) {
      units[open[p]].push_back(i);
      open.erase(p);
      continue;
    }
    units.push_back({i});
    if (e.acquire) open[p] = units.size() - 1;
  }
  return units;
}

// Register rule (linearizability's register models, and the causal checker): reads and
// failed ops may go; a write or cas may go only when no kept op observed the value it wrote
// (else that op would read "a value never written"). With `sessions` (causal), an op of
// unknown outcome may go only when its process has no kept op after it: it ends a session,
// and dropping it would join two.
std::function<bool(const std::vector<char>&)> RegisterRule(const History& h,
                                                          const ShrinkPlan& plan,
                                                          bool sessions) {
  std::vector<Effects> effects;
  for (const auto& u : plan.units) effects.push_back(EffectsOf(h, u[0]));
  const auto units = plan.units;
  return [&h, effects, units, sessions](const std::vector<char>& keep) {
    std::unordered_set<std::string> observed;
    std::map<int64_t, int64_t> last_kept;  // process → last kept invoke index
    for (size_t u = 0; u < units.size(); ++u) {
      if (!keep[u]) continue;
      if (!effects[u].observed.empty()) observed.insert(effects[u].observed);
      int64_t& last = last_kept[h[size_t(units[u][0])].process];
      last = std::max(last, units[u][0]);
    }
    for (size_t u = 0; u < units.size(); ++u) {
      if (keep[u]) continue;
      if (!effects[u].written.empty() && observed.count(effects[u].written)) return false;
      if (sessions && effects[u].info) {
        auto it = last_kept.find(h[size_t(units[u][0])].process);
        if (it != last_kept.end() && it->second > units[u][0]) return false;
      }
    }
    return true;
  };
}

// kv rule: gets and failed ops may go; a put may go only when no kept get returned a value
// that starts with what it wrote (appends extend it); an append only when no get is kept.
std::function<bool(const std::vector<char>&)> KvRule(const History& h, const ShrinkPlan& plan) {
  std::vector<Effects> effects;
  for (const auto& u : plan.units) effects.push_back(EffectsOf(h, u[0]));
  return [effects](const std::vector<char>& keep) {
    std::vector<std::string> gets;
    for (size_t u = 0; u < effects.size(); ++u) {
      if (keep[u] && !effects[u].observed.empty()) gets.push_back(effects[u].observed);
    }
    for (size_t u = 0; u < effects.size(); ++u) {
      if (keep[u]) continue;
      if (effects[u].append && !gets.empty()) return false;
      if (effects[u].written.empty()) continue;
      // JSON strings: compare the texts without their closing quote.
      const std::string prefix = effects[u].written.substr(0, effects[u].written.size() - 1);
      for (const std::string& g : gets) {
        if (g.compare(0, prefix.size(), prefix) == 0) return false;
      }
    }
    return true;
  };
}

bool AnyDropAllowed(const std::vector<char>&) { return true; }

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
  std::set<int64_t> wanted(ops.begin(), ops.end());
  std::vector<size_t> out;
  for (size_t u = 0; u < plan.units.size(); ++u) {
    for (int64_t i : plan.units[u]) {
      if (wanted.count(i)) {
        out.push_back(u);
        break;
      }
    }
  }
  return out;
}

// The hint closed under "observed": the units of `ops`, plus the writers of every value they
// observed (a register witness needs the write a read saw).
std::vector<size_t> ObservedClosure(const History& h, const ShrinkPlan& plan,
                                    const std::vector<int64_t>& ops) {
  std::vector<size_t> hint = UnitsOf(plan, ops);
  std::set<size_t> in(hint.begin(), hint.end());
  std::map<std::string, std::vector<size_t>> writers;
  for (size_t u = 0; u < plan.units.size(); ++u) {
    const Effects e = EffectsOf(h, plan.units[u][0]);
    if (!e.written.empty()) writers[e.written].push_back(u);
  }
  for (size_t k = 0; k < hint.size(); ++k) {
    const Effects e = EffectsOf(h, plan.units[hint[k]][0]);
    if (e.observed.empty()) continue;
    for (size_t w : writers[e.observed]) {
      if (in.insert(w).second) hint.push_back(w);
    }
  }
  std::sort(hint.begin(), hint.end());
  return hint;
}

void PlanLinearizability(const CheckerResult& result, const CheckerProblem& problem,
                         const History& h, const HistoryIndex& index, ShrinkPlan* plan) {
  if (problem.verdict != Verdict::kInvalid) {
    plan->note = "the checker could not decide this key, so there is nothing to shrink";
    return;
  }
  const std::string model = result.detail.value("model", "cas-register");
  const std::vector<int64_t>& ops = index.KeyOps(problem.key);
  plan->units = model == "mutex" ? MutexUnits(h, ops) : Singletons(ops);
  if (model == "kv") {
    plan->allowed = KvRule(h, *plan);
  } else if (model == "mutex") {
    plan->allowed = AnyDropAllowed;
  } else {
    plan->allowed = RegisterRule(h, *plan, false);
  }
  plan->hint = ObservedClosure(h, *plan, problem.op_indices);
  // The sub-history holds this key alone: any invalid verdict is this key's.
  plan->same = [](const CheckerResult& r, const std::vector<int64_t>&) {
    return r.verdict == Verdict::kInvalid;
  };
}

void PlanCausal(const CheckerProblem& problem, const History& h, const HistoryIndex& index,
                ShrinkPlan* plan) {
  // Causality crosses keys (a session's reads of other keys carry dependencies): the scope is
  // the whole history, the hint the checker's own ops and the writes they read.
  plan->units = Singletons(index.all);
  plan->allowed = RegisterRule(h, *plan, true);
  plan->hint = ObservedClosure(h, *plan, problem.op_indices);
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
  plan->units = Singletons(index.all);
  plan->allowed = AnyDropAllowed;
  plan->hint = UnitsOf(*plan, {problem.target});
  plan->same = SameKindOnTarget(problem);
}

void PlanCounter(const CheckerProblem& problem, const History& h, const HistoryIndex& index,
                 ShrinkPlan* plan) {
  plan->units = Singletons(index.all);
  plan->same = SameKindOnTarget(problem);
  const std::string& kind = problem.kind;
  std::vector<int64_t> hint = problem.op_indices;
  if (kind == "below-acknowledged" || kind == "final-below-acknowledged") {
    // A read below the adds acknowledged before it stays below them when any op comes back
    // (the bound only grows): every add may go; the hint is the acknowledged adds.
    plan->allowed = AnyDropAllowed;
    const int64_t read = problem.target >= 0 ? problem.target : problem.op_indices.front();
    for (int64_t i : index.all) {
      const int64_t c = h.partner(size_t(i));
      if (h[size_t(i)].f == "add" && c >= 0 && c < read && h[size_t(c)].type == OpType::kOk) {
        hint.push_back(i);
      }
    }
  } else if (kind == "above-attempted") {
    // Dropping an add lowers the bound a read is above: only adds the read cannot count
    // (invoked after it completed) may go.
    const int64_t done = h.partner(size_t(problem.target));
    std::vector<char> needed(plan->units.size(), 0);
    for (size_t u = 0; u < plan->units.size(); ++u) {
      const Op& op = h[size_t(plan->units[u][0])];
      needed[u] = op.f == "add" && Outcome(h, op.index) != OpType::kFail &&
                  (done < 0 || op.index < done);
      if (needed[u]) hint.push_back(op.index);
    }
    plan->allowed = [needed](const std::vector<char>& keep) {
      for (size_t u = 0; u < keep.size(); ++u) {
        if (!keep[u] && needed[u]) return false;
      }
      return true;
    };
  } else if (kind == "non-monotonic" || kind == "final-divergent") {
    // Two reads decide it; adds and the reads between them only add constraints.
    plan->allowed = AnyDropAllowed;
  } else {
    // A final read no subset of the adds explains: every add that may have happened counts.
    std::vector<char> needed(plan->units.size(), 0);
    for (size_t u = 0; u < plan->units.size(); ++u) {
      const Op& op = h[size_t(plan->units[u][0])];
      needed[u] = op.f == "add" && Outcome(h, op.index) != OpType::kFail;
      if (needed[u]) hint.push_back(op.index);
    }
    plan->allowed = [needed](const std::vector<char>& keep) {
      for (size_t u = 0; u < keep.size(); ++u) {
        if (!keep[u] && needed[u]) return false;
      }
      return true;
    };
  }
  plan->hint = UnitsOf(*plan, hint);
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
