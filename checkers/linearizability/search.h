// The Wing–Gong linearizability search with Lowe's memoisation, over one partition's calls
// (Porcupine's algorithm: a doubly linked list of call/return entries, lifted as calls are
// linearized, and a cache of (linearized set, state) configurations). Calls of unknown
// outcome live in a second list and are tried after the known ones: they never have to be
// linearized, and a valid history is usually found linearizable without most of them.
// One Searcher per partition; not thread-safe; many run in parallel on separate partitions.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "checkers/linearizability/memo_table.h"
#include "checkers/linearizability/model.h"
#include "checkers/verdict.h"

namespace faultline {

inline constexpr int64_t kPendingReturn = std::numeric_limits<int64_t>::max();

// One operation as the search sees it. `ret` is the history index of an ok (or observed
// failed) completion, or kPendingReturn when the outcome is unknown: such a call may take
// effect at any time after its invoke, or never (Jepsen's :info).
template <typename Input>
struct Call {
  int64_t invoke = 0;
  int64_t ret = kPendingReturn;
  Input input;
};

// Shared limits of one check: a deadline, a cancellation flag (--fail-fast) and a memory
// budget for all memo tables together. Safe to share between concurrent searches.
struct SearchLimits {
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  std::atomic<bool>* cancel = nullptr;
  std::atomic<int64_t>* memory_used = nullptr;
  int64_t memory_budget = std::numeric_limits<int64_t>::max();
  // Give up (unknown, reason kStateBudgetReason) past this many configurations; 0: no limit.
  uint64_t max_states = 0;
};

inline constexpr const char* kStateBudgetReason = "state budget";
inline constexpr const char* kCancelledReason = "cancelled (--fail-fast: another key was invalid)";

struct SearchOutcome {
  Verdict verdict = Verdict::kValid;
  std::string reason;            // why unknown
  std::vector<size_t> order;     // valid: a full linearization (call indices); otherwise the
                                 // longest linearizable prefix found
  size_t stuck = SIZE_MAX;       // invalid/unknown: the call whose completion could not be passed
  std::vector<size_t> tried;     // calls that were candidates after the prefix
  uint64_t states = 0;           // configurations explored
};

template <SearchModel M>
class Searcher {
 public:
  using State = typename M::State;
  using CallT = Call<typename M::Input>;

  // REQUIRES: calls sorted by invoke; every call with ret != kPendingReturn has invoke < ret.
  Searcher(const M& model, const std::vector<CallT>& calls, const SearchLimits& limits)
      : model_(model), calls_(calls), limits_(limits), memo_((calls.size() + 63) / 64) {}

  SearchOutcome Run();

 private:
  static constexpr size_t kKnownHead = 0, kUnknownHead = 1, kNone = SIZE_MAX;
  struct Frame {
    size_t call;
    bool read_only;  // linearized greedily: no alternative to try (see Backtrack)
    size_t stop;     // the return entry that bounded the scan when it was linearized
    State before;
  };
  bool Backtrack(State* state, size_t* known_left, size_t* entry, size_t* stop);
  void FindTwins();
  // Symmetry reduction over identical calls (see FindTwins): a call may be linearized only
  // after its twin, the nearest earlier identical call it can always be swapped with.
  bool TwinReady(size_t c) const {
    const size_t t = twin_[c];
    return t == SIZE_MAX || (bits_[t / 64] >> (t % 64) & 1);
  }
  void BuildList();
  void Lift(size_t call_entry);
  void Unlift(size_t call_entry);
  void RecordDeepest(size_t return_entry);
  bool OverLimits(SearchOutcome* out);
  void Flip(size_t call) {
    bits_[call / 64] ^= uint64_t{1} << (call % 64);
    bits_hash_ ^= MixHash(call * 0x9E3779B97F4A7C15ULL + 1);
  }
  uint64_t ConfigHash(const State& s) const {
    return bits_hash_ ^ (model_.Hash(s) * 0xD6E8FEB86659FD93ULL);
  }

  const M& model_;
  const std::vector<CallT>& calls_;
  const SearchLimits& limits_;
  MemoTable<State> memo_;
  // Two circular lists: from kKnownHead the call and return entries of known calls, in
  // history order; from kUnknownHead the call entries of unknown ones, by invoke.
  // entry_call_[e]: its call; is_return_[e]; match_[call entry]: its return entry (0: none).
  std::vector<size_t> next_, prev_, entry_call_, match_, call_entry_;
  std::vector<bool> is_return_;
  std::vector<uint64_t> bits_;
  uint64_t bits_hash_ = 0;
  std::vector<size_t> twin_;  // the previous identical call of unknown outcome, or SIZE_MAX
  std::vector<Frame> stack_;
  std::vector<size_t> deepest_;
  size_t stable_ = 0;  // deepest_[0..stable_) equals stack_[0..stable_)
  size_t stuck_ = SIZE_MAX;
  std::vector<size_t> tried_;
  int64_t memory_reported_ = 0;
};

template <SearchModel M>
void Searcher<M>::BuildList() {
  std::vector<std::pair<int64_t, size_t>> known, unknown;  // (position, entry)
  const size_t n = calls_.size();
  entry_call_.assign(2, SIZE_MAX);
  is_return_.assign(2, false);
  match_.assign(2, 0);
  call_entry_.resize(n);
  for (size_t c = 0; c < n; ++c) {
    size_t ce = entry_call_.size();
    call_entry_[c] = ce;
    entry_call_.push_back(c);
    is_return_.push_back(false);
    match_.push_back(0);
    if (calls_[c].ret == kPendingReturn) {
      unknown.emplace_back(calls_[c].invoke, ce);
      continue;
    }
    known.emplace_back(calls_[c].invoke, ce);
    size_t re = entry_call_.size();
    entry_call_.push_back(c);
    is_return_.push_back(true);
    match_.push_back(ce);
    match_[ce] = re;
    known.emplace_back(calls_[c].ret, re);
  }
  next_.assign(entry_call_.size(), 0);
  prev_.assign(entry_call_.size(), 0);
  for (auto [events, head] : {std::pair{&known, kKnownHead}, std::pair{&unknown, kUnknownHead}}) {
    std::sort(events->begin(), events->end());
    size_t last = head;
    for (const auto& ev : *events) {
      next_[last] = ev.second;
      prev_[ev.second] = last;
      last = ev.second;
    }
    next_[last] = head;
    prev_[head] = last;
  }
}

template <SearchModel M>
void Searcher<M>::Lift(size_t ce) {
  next_[prev_[ce]] = next_[ce];
  prev_[next_[ce]] = prev_[ce];
  if (size_t re = match_[ce]) {
    next_[prev_[re]] = next_[re];
    prev_[next_[re]] = prev_[re];
  }
}

template <SearchModel M>
void Searcher<M>::Unlift(size_t ce) {
  if (size_t re = match_[ce]) {
    next_[prev_[re]] = re;
    prev_[next_[re]] = re;
  }
  next_[prev_[ce]] = ce;
  prev_[next_[ce]] = ce;
}

template <SearchModel M>
void Searcher<M>::RecordDeepest(size_t return_entry) {
  if (stack_.size() <= deepest_.size() && stuck_ != SIZE_MAX) return;
  deepest_.resize(std::min(stable_, deepest_.size()));
  for (size_t i = deepest_.size(); i < stack_.size(); ++i) deepest_.push_back(stack_[i].call);
  stable_ = stack_.size();
  stuck_ = entry_call_[return_entry];
  tried_.clear();
  for (size_t e = next_[kKnownHead]; e != return_entry && tried_.size() < 32; e = next_[e]) {
    tried_.push_back(entry_call_[e]);  // every entry before the first return is a call
  }
  const int64_t bound = calls_[entry_call_[return_entry]].ret;
  for (size_t e = next_[kUnknownHead]; e != kUnknownHead && tried_.size() < 32; e = next_[e]) {
    if (calls_[entry_call_[e]].invoke > bound) break;
    tried_.push_back(entry_call_[e]);
  }
}

template <SearchModel M>
bool Searcher<M>::OverLimits(SearchOutcome* out) {
  if (limits_.cancel && limits_.cancel->load(std::memory_order_relaxed)) {
    out->reason = kCancelledReason;
    return true;
  }
  if (limits_.max_states && memo_.size() > limits_.max_states) {
    out->reason = kStateBudgetReason;
    return true;
  }
  if (std::chrono::steady_clock::now() > limits_.deadline) {
    out->reason = "timeout";
    return true;
  }
  if (limits_.memory_used) {
    int64_t now = static_cast<int64_t>(memo_.bytes());
    int64_t total = limits_.memory_used->fetch_add(now - memory_reported_) + now - memory_reported_;
    memory_reported_ = now;
    if (total > limits_.memory_budget) {
      out->reason = "memory budget exhausted";
      return true;
    }
  }
  return false;
}

// Undoes linearized calls until one has an alternative left; false when none has.
// A read-only call that was enabled needs no alternative: moving it to the front of any
// completion is allowed (its invoke precedes every pending completion, since the scan
// reached it before any return entry) and changes no state, so if linearizing it first
// fails, so does every order (Lowe's observation; it prunes read-heavy histories hugely).
template <SearchModel M>
bool Searcher<M>::Backtrack(State* state, size_t* known_left, size_t* entry, size_t* stop) {
  while (!stack_.empty()) {
    Frame top = std::move(stack_.back());
    stack_.pop_back();
    stable_ = std::min(stable_, stack_.size());
    *state = std::move(top.before);
    Flip(top.call);
    const size_t ce = call_entry_[top.call];
    if (match_[ce]) ++*known_left;
    Unlift(ce);
    if (!top.read_only) {
      *entry = next_[ce];
      *stop = top.stop;
      return true;
    }
  }
  return false;
}

// Symmetry reduction. Let a and b be calls with equal inputs, a invoked before b and
// completing no later (ret_a <= ret_b, where an unknown outcome completes "never"). Then
// some linearization, if any exists, puts a before b whenever b is in it:
//  - both in, b first: swap them. Real time still holds: in b's old place, a has before it
//    only calls that preceded a already, and after it only calls that followed b, which was
//    invoked after a; in a's old place, b has after it only calls that followed b already,
//    and before it only calls that preceded a, which completes no later than b. The inputs
//    go in the same order, so the states are unchanged.
//  - b in, a left out (so a, and then b, are of unknown outcome): put a in b's place and
//    leave b out, by the same argument.
// Each step lowers (the sum of the invoke ranks of the included calls, the number of pairs
// in the wrong order), so repeating them ends in a linearization with no such pair reversed.
// The search may therefore require "b after a" for any set of such pairs; it requires one
// per call b: its twin_, the latest-invoked such a. That rule depends only on the set of
// linearized calls, so the memo of failed (set, state) configurations stays exact; and the
// greedy read-only step (Backtrack) still holds: the read it moves to the front passed
// TwinReady, so its twin is already linearized, and moving a call earlier cannot put it
// before a call it must follow. On Jepsen-style histories (values 0..4, 20 clients per key)
// it removes about 40% of the configurations.
template <SearchModel M>
void Searcher<M>::FindTwins() {
  // Twins interleave only while both are open, so a short look back finds nearly all of
  // them among known calls; further back, only calls of unknown outcome (capped: pairwise).
  constexpr size_t kWindow = 128, kMaxUnknown = 4096;
  twin_.assign(calls_.size(), SIZE_MAX);
  std::vector<size_t> unknown;
  for (size_t c = 0; c < calls_.size(); ++c) {
    const size_t low = c > kWindow ? c - kWindow : 0;
    for (size_t j = c; j-- > low;) {
      if (calls_[j].ret <= calls_[c].ret && calls_[j].input == calls_[c].input) {
        twin_[c] = j;
        break;
      }
    }
    if (calls_[c].ret == kPendingReturn) unknown.push_back(c);
  }
  if (unknown.size() > kMaxUnknown) return;
  for (size_t i = 0; i < unknown.size(); ++i) {
    if (twin_[unknown[i]] != SIZE_MAX) continue;
    for (size_t j = i; j-- > 0;) {
      if (calls_[unknown[j]].input == calls_[unknown[i]].input) {
        twin_[unknown[i]] = unknown[j];
        break;
      }
    }
  }
}

template <SearchModel M>
SearchOutcome Searcher<M>::Run() {
  SearchOutcome out;
  size_t known_left = 0;
  for (const CallT& c : calls_) known_left += c.ret != kPendingReturn;
  BuildList();
  FindTwins();
  bits_.assign((calls_.size() + 63) / 64, 0);
  State state = model_.Init();
  State next_state = state;
  uint64_t iterations = 0;
  size_t entry = next_[kKnownHead];
  size_t stop = kNone;  // kNone: scanning known calls; else scanning unknown ones up to it
  bool done = known_left == 0;
  while (!done) {
    if ((++iterations & 0xFFF) == 0 && OverLimits(&out)) {
      out.verdict = Verdict::kUnknown;
      break;
    }
    bool dead = false;
    if (stop == kNone && is_return_[entry]) {
      // The first return entry bounds the candidates; now try the unknown calls invoked
      // before it.
      stop = entry;
      entry = next_[kUnknownHead];
      continue;
    }
    if (stop != kNone &&
        (entry == kUnknownHead || calls_[entry_call_[entry]].invoke > calls_[entry_call_[stop]].ret)) {
      RecordDeepest(stop);  // the call of `stop` must be linearized by now, and cannot be
      dead = true;
    } else {
      const size_t c = entry_call_[entry];
      if (TwinReady(c) && model_.Step(state, calls_[c].input, &next_state)) {
        Flip(c);
        if (memo_.Insert(ConfigHash(next_state), bits_.data(), next_state)) {
          stack_.push_back(Frame{c, model_.ReadOnly(calls_[c].input), stop, std::move(state)});
          state = std::move(next_state);
          Lift(entry);
          if (match_[entry] && --known_left == 0) break;
          entry = next_[kKnownHead];
          stop = kNone;
          continue;
        }
        Flip(c);
        // An enabled read-only call whose configuration already failed: this one fails too.
        dead = model_.ReadOnly(calls_[c].input);
      }
    }
    if (!dead) {
      entry = next_[entry];
      continue;
    }
    if (!Backtrack(&state, &known_left, &entry, &stop)) {
      out.verdict = Verdict::kInvalid;
      break;
    }
  }
  if (limits_.memory_used) limits_.memory_used->fetch_sub(memory_reported_);
  out.states = memo_.size();
  if (out.verdict == Verdict::kValid) {
    for (const Frame& f : stack_) out.order.push_back(f.call);
  } else if (out.verdict == Verdict::kUnknown && stack_.size() > deepest_.size()) {
    for (const Frame& f : stack_) out.order.push_back(f.call);
  } else {
    out.order = std::move(deepest_);
    out.stuck = stuck_;
    out.tried = std::move(tried_);
  }
  return out;
}

}  // namespace faultline
