// The inside of checkers/witness: what one problem's shrinking needs from its checker (the
// ops it may drop, the ops likely to suffice, the test of "the same problem"), and the
// namer. Not part of the witness interface (witness.h).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "checkers/checker.h"
#include "checkers/witness/witness.h"
#include "core/history.h"

namespace faultline {

// The ops one problem's shrinking works on, as units dropped together (each unit the history
// indices of invokes; most units are one op, a mutex's acquire goes with its release).
struct ShrinkPlan {
  std::vector<std::vector<int64_t>> units;
  // Units (indices into `units`) likely to show the problem by themselves: tried first.
  std::vector<size_t> hint;
  // Whether every unit `keep` leaves out may go while the kept ones stay: the checker's rule
  // that a drop never turns a valid history invalid (docs/witnesses.md).
  std::function<bool(const std::vector<char>& keep)> allowed;
  // The checker that judges a sub-history (the original, or one built with the original's
  // settings made explicit), and whether its result shows the same problem; `to_original`
  // maps the sub-history's indices to the history's.
  const Checker* checker = nullptr;
  std::unique_ptr<Checker> owned;
  std::function<bool(const CheckerResult&, const std::vector<int64_t>& to_original)> same;
  std::string note;  // set (and no units) when the problem cannot be shrunk, saying why
};

// Indices of `history` a FindWitnesses call reads over and over: the client invokes of each
// key (and of the history, for checkers without keys).
struct HistoryIndex {
  explicit HistoryIndex(const History& history);
  const std::vector<int64_t>& KeyOps(const std::optional<std::string>& key) const;
  std::vector<std::pair<std::string, std::vector<int64_t>>> by_key;  // sorted by key
  std::vector<int64_t> all;     // every client invoke
  std::vector<int64_t> faults;  // every nemesis invoke (a fault step issued)
};

ShrinkPlan MakeShrinkPlan(const Checker& checker, const CheckerResult& result,
                          const CheckerProblem& problem, const History& history,
                          const HistoryIndex& index);

// Fills w.kind and w.sentence from the witness's ops (w.op_indices), the problem and the
// whole history (what a value replaced, whether it was read again).
void NameWitness(const CheckerProblem& problem, const History& history, const HistoryIndex& index,
                 Witness* w);

}  // namespace faultline
