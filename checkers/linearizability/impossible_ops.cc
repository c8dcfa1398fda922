#include "checkers/linearizability/impossible_ops.h"

#include <algorithm>
#include <unordered_map>
#include <utility>

namespace faultline {
namespace {

// Why a found call is impossible. Let r need value v (a known read of v, or a known ok cas
// from v), and let w be a known call that sets a fixed value other than v (a write, or an
// ok cas to that value) and completed before r was invoked, so every linearization puts w
// before r. Right after w the register holds w's value, not v, and right before r it holds
// v, so some call x between them sets v: a write of v or a cas to v, of known or unknown
// outcome (a read or an observed failed cas sets nothing). x after w in a linearization
// means x did not complete before w was invoked (ret_x > inv_w); x before r means x was
// invoked before r completed (inv_x < ret_r). If no call other than r fits, no
// linearization exists. The start of the history acts as a w setting the initial value.
// Choosing, among all such w, the one invoked last leaves the fewest x, so only it is
// tried. (The bench generator's CertainlyNot, register_anomalies.cc, is this same test.)

struct Overwrite {
  int64_t invoke = -1;  // -1: none
  int64_t value = 0;
  size_t call = SIZE_MAX;
};

// The latest-invoked overwrite among those added, and the latest-invoked one whose value
// differs from it: together they answer "latest whose value is not v" for every v.
class LatestOverwrites {
 public:
  void Add(const Overwrite& o) {
    if (first_.invoke >= 0 && o.value == first_.value) {
      if (o.invoke > first_.invoke) first_ = o;
    } else if (o.invoke > first_.invoke) {
      second_ = first_;
      first_ = o;
    } else if (o.invoke > second_.invoke) {
      second_ = o;
    }
  }
  const Overwrite* LatestNot(int64_t v) const {
    if (first_.invoke >= 0 && first_.value != v) return &first_;
    if (second_.invoke >= 0) return &second_;
    return nullptr;
  }

 private:
  Overwrite first_, second_;
};

// For one value: the calls that may set it, sorted by invoke, with the latest completion
// among each prefix.
struct Setters {
  std::vector<int64_t> invoke;
  std::vector<int64_t> max_ret;
  // Whether some setter was invoked before `before` and completed after `after`.
  bool AnyFits(int64_t after, int64_t before) const {
    const size_t n = std::lower_bound(invoke.begin(), invoke.end(), before) - invoke.begin();
    return n > 0 && max_ret[n - 1] > after;
  }
};

using Kind = RegisterInput::Kind;

// The value a call sets when it takes effect (std::nullopt: it sets none).
std::optional<int64_t> SetValue(const RegisterInput& in) {
  if (in.kind == Kind::kWrite) return in.a;
  if (in.kind == Kind::kCas) return in.b;
  return std::nullopt;
}

std::unordered_map<int64_t, Setters> CollectSetters(const std::vector<Call<RegisterInput>>& calls) {
  std::unordered_map<int64_t, Setters> out;
  for (const auto& c : calls) {  // calls are sorted by invoke
    std::optional<int64_t> v = SetValue(c.input);
    if (!v) continue;
    Setters& s = out[*v];
    s.invoke.push_back(c.invoke);
    s.max_ret.push_back(std::max(c.ret, s.max_ret.empty() ? c.ret : s.max_ret.back()));
  }
  return out;
}

}  // namespace

std::optional<ImpossibleOp> FindImpossibleOp(const RegisterModel& model,
                                             const std::vector<Call<RegisterInput>>& calls) {
  const auto setters = CollectSetters(calls);
  // Known calls that set a fixed value, by completion.
  std::vector<size_t> overwrites;
  for (size_t c = 0; c < calls.size(); ++c) {
    if (calls[c].input.known && SetValue(calls[c].input)) overwrites.push_back(c);
  }
  std::sort(overwrites.begin(), overwrites.end(),
            [&](size_t a, size_t b) { return calls[a].ret < calls[b].ret; });
  LatestOverwrites latest;
  size_t next = 0;
  for (size_t r = 0; r < calls.size(); ++r) {  // by invoke
    const RegisterInput& in = calls[r].input;
    while (next < overwrites.size() && calls[overwrites[next]].ret < calls[r].invoke) {
      const size_t w = overwrites[next++];
      latest.Add({calls[w].invoke, *SetValue(calls[w].input), w});
    }
    const bool needs = in.known && (in.kind == Kind::kRead || in.kind == Kind::kCas);
    if (!needs || (in.kind == Kind::kCas && in.b == in.a)) continue;  // a cas v→v sets v itself
    const int64_t v = in.a;
    const Overwrite* w = latest.LatestNot(v);
    Overwrite start;  // the initial value, set before everything
    if (!w) {
      if (model.Init() == v) continue;
      w = &start;
    }
    auto it = setters.find(v);
    if (it == setters.end() || !it->second.AnyFits(w->invoke, calls[r].ret)) {
      return ImpossibleOp{r, w->call, v};
    }
  }
  return std::nullopt;
}

}  // namespace faultline
