// OrderVersions: linearizability of an object whose every state ("version") can be told
// apart, so each read names the version it saw and each derived write (a cas, an append)
// names the version it came from. Versions then form chains (a fresh write followed by the
// derived writes it leads to), each chain occupies one contiguous stretch of any
// linearization, and the question becomes whether real time allows an order of the chains:
// polynomial, after Gibbons & Korach, "Testing shared memories" (1997). The front ends that
// build a VersionGraph per model live in unique_values.cc; docs/linearizability.md has the
// argument. Pure function; thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "checkers/verdict.h"

namespace faultline {

// The writer of version 0, the initial state: a virtual op before everything.
inline constexpr size_t kInitialWriter = SIZE_MAX;

struct VersionGraph {
  struct Version {
    size_t writer = kInitialWriter;  // the call that produced it
    int predecessor = -1;            // the version it was derived from; -1: a fresh write
    std::vector<size_t> reads;       // calls that observed it (and changed nothing)
  };
  std::vector<Version> versions;     // versions[0] is the initial state
  std::vector<int64_t> invoke, ret;  // per call; ret = INT64_MAX: outcome unknown
};

struct VersionOrderOutcome {
  Verdict verdict = Verdict::kValid;
  // valid: a linearization of every call in the graph; invalid: a linearizable prefix that
  // precedes the conflict.
  std::vector<size_t> order;
  std::vector<size_t> culprits;  // invalid: the calls that cannot all be placed
  std::string explanation;       // invalid: one sentence naming the conflict
};

// `name_call(c)` and `name_version(v)` are used in the explanation only.
VersionOrderOutcome OrderVersions(const VersionGraph& graph,
                                  const std::function<std::string(size_t)>& name_call,
                                  const std::function<std::string(int)>& name_version);

}  // namespace faultline
