#include "checkers/linearizability/version_order.h"

#include <algorithm>
#include <set>

namespace faultline {
namespace {

constexpr int64_t kMinusInf = std::numeric_limits<int64_t>::min();
constexpr int64_t kPlusInf = std::numeric_limits<int64_t>::max();

// The extreme of a set of ops, with the op that attains it (for explanations).
struct Extreme {
  int64_t at;
  size_t call = kInitialWriter;
};

// Ops of one slot of a chain: a version's writer, or a version's reads.
struct Slot {
  Extreme min_ret{kPlusInf};
  Extreme max_inv{kMinusInf};
  int version = 0;
};

class Orderer {
 public:
  Orderer(const VersionGraph& g, const std::function<std::string(size_t)>& name_call,
          const std::function<std::string(int)>& name_version)
      : g_(g), name_call_(name_call), name_version_(name_version) {}

  VersionOrderOutcome Run();

 private:
  int64_t Inv(size_t c) const { return c == kInitialWriter ? kMinusInf : g_.invoke[c]; }
  int64_t Ret(size_t c) const { return c == kInitialWriter ? kMinusInf : g_.ret[c]; }
  std::string Name(size_t c) const {
    return c == kInitialWriter ? "the initial state" : name_call_(c);
  }
  void Fail(std::string why, std::vector<size_t> culprits);
  bool BuildChains();
  void AddToSlot(Slot* s, size_t call) const;
  bool CheckChain(int chain);
  bool OrderChains();
  std::vector<size_t> Linearize() const;

  const VersionGraph& g_;
  const std::function<std::string(size_t)>& name_call_;
  const std::function<std::string(int)>& name_version_;
  std::vector<int> successor_;
  std::vector<std::vector<int>> chains_;  // versions in order
  std::vector<Extreme> chain_min_ret_, chain_max_inv_;
  std::vector<int> chain_order_;
  VersionOrderOutcome out_;
};

void Orderer::Fail(std::string why, std::vector<size_t> culprits) {
  out_.verdict = Verdict::kInvalid;
  out_.explanation = std::move(why);
  culprits.erase(std::remove(culprits.begin(), culprits.end(), kInitialWriter), culprits.end());
  out_.culprits = std::move(culprits);
}

bool Orderer::BuildChains() {
  const int n = static_cast<int>(g_.versions.size());
  successor_.assign(n, -1);
  for (int v = 0; v < n; ++v) {
    const int p = g_.versions[v].predecessor;
    if (p < 0) continue;
    if (successor_[p] >= 0) {
      const size_t a = g_.versions[successor_[p]].writer, b = g_.versions[v].writer;
      Fail(Name(a) + " and " + Name(b) + " were both applied to " + name_version_(p) +
               "; only one of them can have seen it",
           {a, b});
      return false;
    }
    successor_[p] = v;
  }
  std::vector<bool> placed(n, false);
  for (int v = 0; v < n; ++v) {
    if (g_.versions[v].predecessor >= 0) continue;  // not a chain head
    std::vector<int> chain;
    for (int x = v; x >= 0; x = successor_[x]) {
      placed[x] = true;
      chain.push_back(x);
    }
    chains_.push_back(std::move(chain));
  }
  for (int v = 0; v < n; ++v) {
    if (!placed[v]) {
      Fail(Name(g_.versions[v].writer) + " derived " + name_version_(v) +
               " from a state that only ops derived from it could have produced",
           {g_.versions[v].writer});
      return false;
    }
  }
  return true;
}

void Orderer::AddToSlot(Slot* s, size_t call) const {
  if (Ret(call) < s->min_ret.at) s->min_ret = Extreme{Ret(call), call};
  if (Inv(call) > s->max_inv.at) s->max_inv = Extreme{Inv(call), call};
}

// Inside a chain the order is forced: each version's writer, then its reads, then the next
// version's writer. No op of a later slot may complete before an op of an earlier one begins.
bool Orderer::CheckChain(int chain) {
  std::vector<Slot> slots;
  for (int v : chains_[chain]) {
    Slot w{.version = v}, r{.version = v};
    AddToSlot(&w, g_.versions[v].writer);
    for (size_t c : g_.versions[v].reads) AddToSlot(&r, c);
    slots.push_back(w);
    slots.push_back(r);
  }
  Extreme later{kPlusInf};
  int later_version = -1;
  for (size_t s = slots.size(); s-- > 0;) {
    if (later.at < slots[s].max_inv.at) {
      const int early = slots[s].version;
      std::string why = Name(later.call) + " completed before " + Name(slots[s].max_inv.call) +
                        " began, yet it must come after it: ";
      why += early == later_version
                 ? "nothing can observe " + name_version_(early) + " before it is written"
                 : name_version_(later_version) + " is derived from " + name_version_(early);
      Fail(why, {later.call, slots[s].max_inv.call});
      return false;
    }
    if (slots[s].min_ret.at < later.at) {
      later = slots[s].min_ret;
      later_version = slots[s].version;
    }
  }
  Extreme lo{kPlusInf}, hi{kMinusInf};
  for (const Slot& s : slots) {
    if (s.min_ret.at < lo.at) lo = s.min_ret;
    if (s.max_inv.at > hi.at) hi = s.max_inv;
  }
  chain_min_ret_.push_back(lo);
  chain_max_inv_.push_back(hi);
  return true;
}

// Chain C must precede chain D when an op of C completes before an op of D begins, i.e.
// min_ret(C) < max_inv(D). Kahn's algorithm; a source D has max_inv(D) <= min_ret of every
// other remaining chain, so only two candidates need looking at each step.
bool Orderer::OrderChains() {
  std::set<std::pair<int64_t, int>> by_ret, by_inv;
  for (int c = 0; c < static_cast<int>(chains_.size()); ++c) {
    by_ret.emplace(chain_min_ret_[c].at, c);
    by_inv.emplace(chain_max_inv_[c].at, c);
  }
  while (!by_ret.empty()) {
    auto first = by_ret.begin();
    const int n1 = first->second;
    const int64_t m2 = by_ret.size() > 1 ? std::next(first)->first : kPlusInf;
    int pick = -1;
    if (chain_max_inv_[n1].at <= m2) {
      pick = n1;
    } else {
      auto it = by_inv.begin();
      if (it->second == n1) ++it;
      if (it != by_inv.end() && it->first <= first->first) pick = it->second;
    }
    if (pick < 0) {
      // No source. n1 is not one, so the chain C with the next smallest min_ret must precede
      // it; C is not one either, and n1 has the smallest min_ret, so n1 must precede C.
      const int c = std::next(first)->second;
      const Extreme a = chain_min_ret_[c], b = chain_max_inv_[n1];
      const Extreme p = chain_min_ret_[n1], q = chain_max_inv_[c];
      Fail(Name(a.call) + " completed before " + Name(b.call) + " began, and " + Name(p.call) +
               " completed before " + Name(q.call) + " began: the states each pair saw or " +
               "wrote would have to come both before and after each other",
           {a.call, b.call, p.call, q.call});
      return false;
    }
    by_ret.erase({chain_min_ret_[pick].at, pick});
    by_inv.erase({chain_max_inv_[pick].at, pick});
    chain_order_.push_back(pick);
  }
  return true;
}

std::vector<size_t> Orderer::Linearize() const {
  std::vector<size_t> order;
  for (int chain : chain_order_) {
    for (int v : chains_[chain]) {
      if (g_.versions[v].writer != kInitialWriter) order.push_back(g_.versions[v].writer);
      std::vector<size_t> reads = g_.versions[v].reads;
      std::sort(reads.begin(), reads.end(), [&](size_t x, size_t y) { return Ret(x) < Ret(y); });
      order.insert(order.end(), reads.begin(), reads.end());
    }
  }
  return order;
}

VersionOrderOutcome Orderer::Run() {
  if (!BuildChains()) return out_;
  for (int c = 0; c < static_cast<int>(chains_.size()); ++c) {
    if (!CheckChain(c)) return out_;
  }
  OrderChains();  // on failure chain_order_ holds the chains placed before the conflict
  out_.order = Linearize();
  return out_;
}

}  // namespace

VersionOrderOutcome OrderVersions(const VersionGraph& graph,
                                  const std::function<std::string(size_t)>& name_call,
                                  const std::function<std::string(int)>& name_version) {
  return Orderer(graph, name_call, name_version).Run();
}

}  // namespace faultline
