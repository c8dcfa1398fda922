#include "checkers/linearizability/checker.h"

#include <tbb/parallel_for_each.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <numeric>
#include <type_traits>
#include <unordered_map>

#include "checkers/linearizability/impossible_ops.h"
#include "checkers/linearizability/keyed_model.h"
#include "checkers/linearizability/kv_model.h"
#include "checkers/linearizability/register_model.h"
#include "checkers/linearizability/search.h"
#include "checkers/linearizability/unique_values.h"

namespace faultline {
namespace {

// The state budget of the first search pass (see CheckWith).
constexpr uint64_t kCheapStates = 100000;
// The state budget of the search that finds a prefix to show for an impossible op.
constexpr uint64_t kExplainStates = 500;

template <typename Input>
struct Partition {
  std::optional<std::string> key;
  std::vector<Call<Input>> calls;
};

// Decodes every client op once, grouped by key in order of first appearance.
template <LinearizabilityModel M>
Result<std::vector<Partition<typename M::Input>>> DecodeByKey(const M& model, const History& h,
                                                              const std::string& source) {
  std::vector<Partition<typename M::Input>> parts;
  std::unordered_map<uint32_t, size_t> index;  // key symbol id (no key and "" are 0) → partition
  for (size_t i = 0; i < h.size(); ++i) {
    const Op& op = h[i];
    if (op.is_nemesis() || op.type != OpType::kInvoke) continue;
    const int64_t done = h.partner(i);
    auto in = model.Decode(op, done >= 0 ? &h[done] : nullptr, source);
    if (!in.ok()) return in.status();
    if (!in->has_value()) continue;
    auto [it, fresh] = index.try_emplace(op.key ? op.key.symbol().id() : 0, parts.size());
    if (fresh) parts.push_back({op.key, {}});
    const int64_t ret = (*in)->known ? done : kPendingReturn;
    parts[it->second].calls.push_back({op.index, ret, std::move(**in)});
  }
  return parts;
}

// Folds all keys into one partition over KeyedModel<M> (--no-partition).
template <SearchModel M>
Partition<typename KeyedModel<M>::Input> Merge(std::vector<Partition<typename M::Input>> parts,
                                              std::vector<std::string>* keys) {
  Partition<typename KeyedModel<M>::Input> all;
  for (uint32_t k = 0; k < parts.size(); ++k) {
    keys->push_back(parts[k].key.value_or("-"));
    for (auto& c : parts[k].calls) {
      all.calls.push_back({c.invoke, c.ret, {k, c.input.known, std::move(c.input)}});
    }
  }
  std::sort(all.calls.begin(), all.calls.end(),
            [](const auto& a, const auto& b) { return a.invoke < b.invoke; });
  return all;
}

template <SearchModel M>
ExplainedOp Explain(const M& model, const History& h, const Call<typename M::Input>& c,
                    std::string note) {
  const Op& op = h[c.invoke];
  return ExplainedOp{op.index, op.process, model.DescribeInput(c.input), std::move(note)};
}

template <SearchModel M>
std::string Name(const M& model, const History& h, const Call<typename M::Input>& c) {
  const Op& op = h[c.invoke];
  return "op " + std::to_string(op.index) + " (process " + std::to_string(op.process) + ": " +
         model.DescribeInput(c.input) + ")";
}

// Fills prefix/prefix_length from a linearizable order; returns the state after it.
template <SearchModel M>
typename M::State FillPrefix(const M& model, const History& h,
                             const std::vector<Call<typename M::Input>>& calls,
                             const std::vector<size_t>& order, KeyResult* r) {
  r->prefix_length = order.size();
  const size_t first_shown = order.size() > kShownPrefix ? order.size() - kShownPrefix : 0;
  typename M::State s = model.Init();
  for (size_t i = 0; i < order.size(); ++i) {
    typename M::State next = s;
    model.Step(s, calls[order[i]].input, &next);
    s = std::move(next);
    if (i >= first_shown) r->prefix.push_back(Explain(model, h, calls[order[i]], model.DescribeState(s)));
  }
  return s;
}

template <SearchModel M>
void ExplainSearch(const M& model, const History& h,
                   const std::vector<Call<typename M::Input>>& calls, const SearchOutcome& o,
                   KeyResult* r) {
  const typename M::State s = FillPrefix(model, h, calls, o.order, r);
  const std::string state = model.DescribeState(s);
  auto allowed = [&](size_t c) {
    typename M::State next = s;
    return model.Step(s, calls[c].input, &next);
  };
  if (o.stuck != SIZE_MAX) {
    r->unplaced.push_back(Explain(
        model, h, calls[o.stuck],
        "must take effect before it completes (op " + std::to_string(calls[o.stuck].ret) + "); " +
            (allowed(o.stuck) ? "allowed in state " + state + ", but then another op cannot be placed"
                              : "not allowed in state " + state)));
  }
  for (size_t c : o.tried) {
    if (c == o.stuck) continue;
    r->unplaced.push_back(Explain(model, h, calls[c],
                                  allowed(c) ? "allowed in state " + state +
                                                   ", but no order continuing from it works"
                                             : "not allowed in state " + state));
  }
  const std::string prefix = "longest linearizable prefix: " + std::to_string(o.order.size()) +
                             " of " + std::to_string(calls.size()) + " ops, ending in state " + state;
  if (o.verdict == Verdict::kInvalid) {
    r->explanation = "not linearizable: " + prefix + "; " +
                     (o.stuck != SIZE_MAX ? Name(model, h, calls[o.stuck]) : std::string("an op")) +
                     " cannot be placed before it completes, in any order";
  } else {
    r->explanation = "search stopped (" + o.reason + ") after " + std::to_string(o.states) +
                     " states; " + prefix;
  }
}

// The polynomial path, where the model has one; false when the key does not qualify.
template <SearchModel M>
bool TryUniqueValues(const M& model, const History& h, const Partition<typename M::Input>& part,
                     KeyResult* r) {
  if constexpr (std::is_same_v<M, RegisterModel> || std::is_same_v<M, KvModel>) {
    const auto start = std::chrono::steady_clock::now();
    auto name = [&](size_t c) { return Name(model, h, part.calls[c]); };
    auto fast = CheckUniqueValues(model, part.calls, name);
    if (!fast) return false;
    r->method = "unique-values";
    r->verdict = fast->verdict;
    if (fast->verdict == Verdict::kInvalid) {
      const auto s = FillPrefix(model, h, part.calls, fast->order, r);
      r->explanation = "not linearizable: " + fast->explanation;
      for (size_t c : fast->culprits) {
        r->unplaced.push_back(Explain(model, h, part.calls[c],
                                      "in the conflict (state after the prefix: " +
                                          model.DescribeState(s) + ")"));
      }
    }
    r->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return true;
  }
  return false;
}

// The register models' witness of a call that can never take effect (impossible_ops.h);
// false when the model has none or none is found. The verdict is then certain; a short
// search supplies the linearizable prefix the explanation shows.
template <SearchModel M>
bool TryImpossibleOp(const M& model, const History& h, const Partition<typename M::Input>& part,
                     KeyResult* r) {
  if constexpr (std::is_same_v<M, RegisterModel>) {
    const auto start = std::chrono::steady_clock::now();
    const std::optional<ImpossibleOp> imp = FindImpossibleOp(model, part.calls);
    if (!imp) return false;
    SearchLimits brief;
    brief.max_states = kExplainStates;
    const SearchOutcome o = Searcher<M>(model, part.calls, brief).Run();
    if (o.verdict == Verdict::kValid) return false;  // cannot happen (see impossible_ops.cc)
    r->method = "impossible-op";
    r->verdict = Verdict::kInvalid;
    r->states = o.states;
    const auto s = FillPrefix(model, h, part.calls, o.order, r);
    const std::string v = model.DescribeState(imp->needed);
    const std::string cause =
        imp->overwriter == SIZE_MAX
            ? "the register starts at " + model.DescribeState(model.Init())
            : Name(model, h, part.calls[imp->overwriter]) + " completed before it was invoked";
    r->unplaced.push_back(Explain(model, h, part.calls[imp->call],
                                  "needs " + v + ", which no op can set in time"));
    if (imp->overwriter != SIZE_MAX) {
      r->unplaced.push_back(Explain(model, h, part.calls[imp->overwriter],
                                    "certainly overwrote " + v + " before it"));
    }
    r->explanation = "not linearizable: " + Name(model, h, part.calls[imp->call]) + " needs " +
                     v + ", but " + cause + " and no op that sets " + v +
                     " can be placed between them; a linearizable prefix (short search): " +
                     std::to_string(o.order.size()) + " of " + std::to_string(part.calls.size()) +
                     " ops, ending in state " + model.DescribeState(s);
    r->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return true;
  }
  return false;
}

template <SearchModel M>
void SearchKey(const M& model, const History& h, const Partition<typename M::Input>& part,
               const SearchLimits& limits, KeyResult* r) {
  const auto start = std::chrono::steady_clock::now();
  KeyResult fresh;  // forget an earlier pass
  fresh.key = r->key;
  fresh.ops = r->ops;
  fresh.method = "search";
  *r = std::move(fresh);
  SearchOutcome o = Searcher<M>(model, part.calls, limits).Run();
  if (o.verdict == Verdict::kUnknown && o.reason == kCancelledReason) {
    r->method = "skipped";  // --fail-fast stopped it; not a verdict about this key
    return;
  }
  r->verdict = o.verdict;
  r->states = o.states;
  if (o.verdict != Verdict::kValid) ExplainSearch(model, h, part.calls, o, r);
  r->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

template <LinearizabilityModel M>
Result<LinearizabilityResult> CheckWith(const M& model, const History& h,
                                        const std::string& source,
                                        const LinearizabilityOptions& opts) {
  auto decoded = DecodeByKey(model, h, source);
  if (!decoded.ok()) return decoded.status();
  std::atomic<bool> cancel{false};
  std::atomic<int64_t> memory{0};
  SearchLimits limits;
  limits.cancel = &cancel;
  limits.memory_used = &memory;
  limits.memory_budget = opts.memory_budget_bytes;
  if (opts.timeout_seconds > 0) {
    limits.deadline = std::chrono::steady_clock::now() +
                      std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                          std::chrono::duration<double>(opts.timeout_seconds));
  }
  LinearizabilityResult result;
  std::vector<KeyResult> keys;
  if (!opts.partition_by_key) {
    std::vector<std::string> names;
    auto all = Merge<M>(std::move(decoded).value(), &names);
    KeyedModel<M> keyed(model, std::move(names));
    keys.emplace_back();
    keys[0].ops = all.calls.size();
    SearchKey(keyed, h, all, limits, &keys[0]);
  } else {
    // Two phases: the polynomial path for every key first (cheap, and with --fail-fast an
    // invalid key found here stops the searches before they start), then the search for
    // the rest, largest first so the long ones do not start last.
    auto& parts = decoded.value();
    keys.resize(parts.size());
    std::vector<size_t> pending;
    for (size_t p = 0; p < parts.size(); ++p) {
      keys[p].key = parts[p].key;
      keys[p].ops = parts[p].calls.size();
      pending.push_back(p);
    }
    if (opts.unique_values) {
      std::vector<char> settled(parts.size(), 0);
      tbb::parallel_for_each(pending.begin(), pending.end(), [&](size_t p) {
        settled[p] = TryUniqueValues(model, h, parts[p], &keys[p]) ||
                     TryImpossibleOp(model, h, parts[p], &keys[p]);
        if (settled[p] && opts.fail_fast && keys[p].verdict == Verdict::kInvalid) cancel = true;
      });
      std::erase_if(pending, [&](size_t p) { return settled[p]; });
    }
    // With --fail-fast the search runs twice: first every key with a small state budget, so
    // the many cheap keys are done (and an invalid one stops everything) before the few
    // expensive ones, which then run again without that budget.
    // The same holds under a --timeout: the cheap keys get their verdicts before the clock
    // runs out on the expensive ones. (Otherwise the order changes nothing but wall time,
    // so one pass suffices.)
    SearchLimits cheap = limits;
    cheap.max_states = kCheapStates;
    std::vector<char> again(parts.size(), 0);
    std::vector<const SearchLimits*> passes = {&cheap, &limits};
    if ((!opts.fail_fast && opts.timeout_seconds <= 0) || pending.size() < 2) {
      passes.erase(passes.begin());
    }
    for (const SearchLimits* l : passes) {
      // The budgeted pass goes smallest first (the likeliest to finish, and to stop the rest
      // under --fail-fast); the unbounded one largest first, so no long key starts last.
      const bool ascending = l == &cheap;
      std::stable_sort(pending.begin(), pending.end(), [&](size_t a, size_t b) {
        const size_t x = parts[a].calls.size(), y = parts[b].calls.size();
        return ascending ? x < y : x > y;
      });
      tbb::parallel_for_each(pending.begin(), pending.end(), [&](size_t p) {
        if (cancel.load(std::memory_order_relaxed)) {
          keys[p].method = "skipped";
          return;
        }
        SearchKey(model, h, parts[p], *l, &keys[p]);
        again[p] = keys[p].verdict == Verdict::kUnknown && l == &cheap &&
                   keys[p].explanation.find(kStateBudgetReason) != std::string::npos;
        if (opts.fail_fast && keys[p].verdict == Verdict::kInvalid) cancel = true;
      });
      std::erase_if(pending, [&](size_t p) { return !again[p]; });
    }
  }
  result.keys = keys.size();
  for (KeyResult& k : keys) {
    result.ops += k.ops;
    result.states += k.states;
    if (k.method == "skipped") {
      ++result.skipped_keys;
      continue;
    }
    result.unique_value_keys += k.method == "unique-values";
    result.impossible_op_keys += k.method == "impossible-op";
    if (k.verdict == Verdict::kValid) continue;
    ++(k.verdict == Verdict::kInvalid ? result.invalid_keys : result.unknown_keys);
    result.verdict = Worst(result.verdict, k.verdict);
    result.problems.push_back(std::move(k));
  }
  return result;
}

}  // namespace

std::string GuessModel(const History& history) {
  for (const Op& op : history.ops()) {
    if (op.is_nemesis()) continue;
    if (op.f == "get" || op.f == "put" || op.f == "append") return "kv";
    if (op.f == "acquire" || op.f == "release") return "mutex";
  }
  return "cas-register";
}

Result<LinearizabilityResult> CheckLinearizability(const History& history,
                                                   const std::string& source,
                                                   const LinearizabilityOptions& options) {
  Result<LinearizabilityResult> r = Status::InvalidArgument(
      "unknown model \"" + options.model + "\"; expected register, cas-register, etcd, kv or mutex");
  const std::string& m = options.model;
  if (m == "register" || m == "cas-register" || m == "etcd") {
    auto flavor = m == "register"       ? RegisterModel::Flavor::kRegister
                  : m == "cas-register" ? RegisterModel::Flavor::kCasRegister
                                        : RegisterModel::Flavor::kEtcd;
    auto model = RegisterModel::Make(flavor, options.model_options);
    if (!model.ok()) return model.status();
    r = CheckWith(*model, history, source, options);
  } else if (m == "kv") {
    auto model = KvModel::Make(options.model_options);
    if (!model.ok()) return model.status();
    r = CheckWith(*model, history, source, options);
  } else if (m == "mutex") {
    r = CheckWith(MutexModel(), history, source, options);
  }
  if (r.ok()) r->model = m;
  return r;
}

}  // namespace faultline
