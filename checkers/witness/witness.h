// Witnesses: each problem a checker found, shrunk to the smallest sub-history the same checker
// still finds wrong in the same way, and named the way an engineer retells it ("lost write",
// "stale read", "money destroyed"). A witness is a proof: it drops only ops whose absence can
// never turn a valid history invalid (the rule of each checker is in docs/witnesses.md), so
// the original history is invalid because the witness is. FindWitnesses is a pure function of
// its arguments and thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "checkers/checker.h"
#include "core/history.h"

namespace faultline {

struct Witness {
  std::string checker;             // the checker whose problem it shows
  std::optional<std::string> key;  // the problem's key, if it has one
  // The engineer's name: "stale-read", "lost-write", "never-written", "impossible-cas",
  // "non-monotonic-reads", "not-linearizable"; "read-below-acknowledged", "lost-add",
  // "read-above-attempted", …; "money-created", "money-destroyed", "negative-balance", …; the
  // causal checker's guarantee names.
  std::string kind;
  std::string sentence;             // one sentence quoting values, times, nodes and processes
  std::vector<int64_t> op_indices;  // the witness's invokes: history indices, sorted
  // Real-time orders between them that matter (a completed before b was invoked), as pairs
  // of invoke indices, without those implied by two others.
  std::vector<std::pair<int64_t, int64_t>> orders;
  std::string fault;         // "0.8 s after kill n1", or "" when no fault came before it
  size_t scope_ops = 0;      // ops the shrinking started from (the key's, or the history's)
  bool shrunk = false;       // it was shrunk (always, for a witness with a kind)
  std::string note;          // e.g. that the re-check budget ran out before it was minimal
};

// One witness per problem of `result` (for up to `max_problems` problems, and 1,000 for the
// checkers whose problems span the whole history; the rest are left, and the return says
// nothing of them; all of them within 20 s), in the problems' order; a problem no
// rule covers (a checker without one, a key left unknown) gets a witness with an empty kind,
// to be left out. Each is found by
// checking sub-histories of `history` with `checker` (built anew with the detail's settings
// where the original's depend on the whole history, e.g. the bank's accounts). Problems run in
// parallel (oneTBB).
std::vector<Witness> FindWitnesses(const Checker& checker, const CheckerResult& result,
                                   const History& history, const std::string& source,
                                   size_t max_problems = 10000);

// The witness's ops (invokes and completions as recorded, times kept) as a history of its own:
// what `faultline shrink` writes and `faultline check` finds invalid alone.
History WitnessHistory(const History& history, const Witness& w);

// results.json's "witnesses" entry: checker, key, kind, sentence, fault, scope_ops, shrunk,
// note, orders, and ops (each index, process, node, f, type, value, invoke and completion
// times in seconds), which the report draws.
nlohmann::json ToJson(const Witness& w, const History& history);

// "lost write on key 3: " + sentence — what a terminal prints.
std::string WitnessLine(const Witness& w);

}  // namespace faultline
