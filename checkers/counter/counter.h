// The grow-only counter checker (Jepsen's bounds): every ok read lies between what was surely
// added and what may have been added by then, each process's reads never go down, and the
// final reads after recovery agree on a possible total. CheckCounter is a pure function of the
// history and thread-safe (it shares nothing between calls).
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "checkers/verdict.h"
#include "core/history.h"
#include "core/status.h"

namespace faultline {

// The names a CounterProblem may carry.
inline constexpr const char* kCounterProblemNames[] = {
    "out-of-bounds",     // a read outside [lower, upper] (for kEventual: above upper only)
    "stale-read",        // a note, kEventual only: a read below its lower bound
    "non-monotonic",     // a process read less than its previous read
    "final-divergent",   // final reads disagree
    "final-impossible",  // a final read no set of the adds that may have happened can explain
    "no-final-reads"};   // a note: the history has no ok final read; convergence is unknown

enum class CounterConsistency {
  kLinearizable,  // reads must lie within their bounds
  kEventual,      // only monotonic reads and final convergence; low reads are "stale" notes
};

struct CounterOptions {
  CounterConsistency consistency = CounterConsistency::kLinearizable;
};

const char* CounterConsistencyName(CounterConsistency c);  // "linearizable", "eventual"

struct CounterProblem {
  std::string name;                 // one of kCounterProblemNames
  bool error = true;                // false: a note that does not make the history invalid
  std::vector<int64_t> op_indices;  // history indices of the invokes involved, sorted
  // For a single read's problem: what it returned and its bounds (0 otherwise).
  int64_t value = 0, lower = 0, upper = 0;
  std::string explanation;  // a sentence naming processes, values and bounds
};

// One ok read against its bounds, for the report's plot.
struct CounterReadPoint {
  int64_t time = 0;   // ns, when the read completed
  int64_t lower = 0;  // sum of ok adds completed before the read was invoked
  int64_t upper = 0;  // sum of adds (ok, info, pending) invoked before the read completed
  int64_t value = 0;
  int64_t op_index = 0;  // history index of its invoke
  bool final = false;    // a final-phase read
};

struct CounterResult {
  Verdict verdict = Verdict::kValid;
  CounterConsistency consistency = CounterConsistency::kLinearizable;
  std::vector<CounterProblem> problems;  // errors and notes, by offending read
  int64_t errors = 0, notes = 0;         // how many problems are each
  int64_t reads = 0;                     // ok reads checked
  int64_t adds = 0, adds_ok = 0, adds_fail = 0, adds_info = 0;  // add invokes by outcome
  int64_t ok_sum = 0, info_sum = 0;           // sums of ok adds and of info/pending adds
  int64_t final_reads = 0;                    // ok final reads
  Verdict final_verdict = Verdict::kUnknown;  // of the convergence check alone
  std::vector<CounterReadPoint> bounds;       // every ok read, in history order
  std::string explanation;                    // one-paragraph summary of the verdict
};

// Fails (InvalidInput, "SOURCE:LINE: …; expected …") on an op that is not a counter add or
// read, an add whose value is not a non-negative integer, an ok read that is not an integer,
// or an op with a key.
Result<CounterResult> CheckCounter(const History& history, const std::string& source,
                                   const CounterOptions& options);

// Problems are ordered by the history index of the offending read (a final-reads problem: its
// first final read). The results.json form: checker, verdict, consistency, explanation, counts,
// final_verdict, problems (at most the first 1,000; problems_total says how many) and bounds:
// the plot series ([time, lower, upper, value, op_index] rows, down-sampled to at most ~2,000
// rows keeping every final read and every read a listed problem names).
nlohmann::json ToJson(const CounterResult& result);

}  // namespace faultline
