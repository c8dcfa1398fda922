// The inside of checkers/witness: what one problem's shrinking needs from its checker (the
// ops it may drop, the ops likely to suffice, the test of "the same problem"), and the
// namer. Not part of the witness interface (witness.h).
#pragma once

#include <functional>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "checkers/checker.h"
#include "checkers/witness/witness.h"
#include "core/history.h"

namespace faultline {

// Indices of `history` a FindWitnesses call reads over and over, built once: the client
// invokes of each key (and of the history, for checkers without keys), the fault steps, and
// what each op observed and wrote (values interned per key), for the drop rules.
struct HistoryIndex {
  // `keys`: what the ops of only these keys observed and wrote is worked out (nullptr: every
  // op's); the per-key witnesses of a few keys need no more.
  explicit HistoryIndex(const History& history, const std::set<std::string>* keys = nullptr);
  const std::vector<int64_t>& KeyOps(const std::optional<std::string>& key) const;
  std::vector<std::pair<std::string, std::vector<int64_t>>> by_key;  // sorted by key
  std::vector<int64_t> all;     // every client invoke
  std::vector<int64_t> faults;  // every nemesis invoke (a fault step issued)
  // By history index of an invoke (-1: none): the (key, value) it observed (a read's result,
  // a cas's expected value) and the one it wrote (a write, put or cas that did not fail).
  std::vector<int32_t> observed, written;
  std::vector<std::vector<int64_t>> writers;  // by value id: the invokes that wrote it
  // Per process, its invokes whose outcome is unknown (info, or never completed), in order.
  std::vector<std::pair<int64_t, std::vector<int64_t>>> unknown_by_process;  // sorted
  const std::vector<int64_t>& UnknownOf(int64_t process) const;
};

// The ops one problem's shrinking works on, as units dropped together: the invokes of
// `scope` one by one, or `groups` when set (a mutex's acquire goes with its release).
struct ShrinkPlan {
  const std::vector<int64_t>* scope = nullptr;  // sorted history indices of invokes
  std::vector<std::vector<int64_t>> groups;
  size_t size() const { return groups.empty() ? (scope ? scope->size() : 0) : groups.size(); }
  std::vector<int64_t> Unit(size_t u) const {
    return groups.empty() ? std::vector<int64_t>{(*scope)[u]} : groups[u];
  }
  // The unit holding the invoke `index`, or size() when none does.
  size_t UnitOf(int64_t index) const;

  // Units likely to show the problem by themselves: tried first. `hint_is_minimal`: built so
  // that none of its units can go (when it shows the problem, there is nothing to search).
  std::vector<size_t> hint;
  bool hint_is_minimal = false;
  // The checker's drop rule (docs/witnesses.md), as what must stay: while unit u stays, every
  // unit `needs(u)` adds stays (the write a kept read observed, …); `pinned` units never go.
  std::function<void(size_t u, std::vector<size_t>* out)> needs;
  std::vector<size_t> pinned;
  // Whether every unit `keep` leaves out may go while the kept ones stay.
  bool Allowed(const std::vector<char>& keep) const;

  // The checker that judges a sub-history (the original, or one built with the original's
  // settings made explicit), and whether its result shows the same problem; `to_original`
  // maps the sub-history's indices to the history's.
  const Checker* checker = nullptr;
  std::unique_ptr<Checker> owned;
  std::function<bool(const CheckerResult&, const std::vector<int64_t>& to_original)> same;
  std::string note;  // set (and no units) when the problem cannot be shrunk, saying why
};

ShrinkPlan MakeShrinkPlan(const Checker& checker, const CheckerResult& result,
                          const CheckerProblem& problem, const History& history,
                          const HistoryIndex& index);

// Fills w.kind and w.sentence from the witness's ops (w.op_indices), the problem and the
// whole history (what a value replaced, whether it was read again).
void NameWitness(const CheckerProblem& problem, const History& history, const HistoryIndex& index,
                 Witness* w);

}  // namespace faultline
