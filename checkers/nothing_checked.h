// The rule for histories that give a checker nothing to judge, shared by every command that
// gives a verdict (`check`, `analyze`, `test`). Pure functions of the history; thread-safe.
//
// A client op is *completed* when its invocation ended `ok`: the op took effect and its
// result is known. `fail` (it did nothing) and `info` or no completion at all (it may or may
// not have taken effect, at any time after its invocation) constrain no model: a history
// made only of them is linearizable by letting none of them happen, as Knossos and Porcupine
// would say, which shows nothing about the system. Such a history is `unknown`, not valid.
// The one exception is the `etcd` model (Porcupine's), which reads a failed cas as an
// observed failed compare (docs/linearizability.md): there it counts as completed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/history.h"

namespace faultline {

// Client invocations (nemesis ops are not counted) by how they ended.
struct ClientOpCounts {
  int64_t invoked = 0;
  int64_t ok = 0, fail = 0, info = 0, pending = 0;  // pending: no completion recorded
};

ClientOpCounts CountClientOps(const History& h);

// "nothing was checked: 3 ops invoked, none completed (2 failed, 1 indeterminate)", or
// nullopt when at least one client op completed (ok; or a failed cas, when `model` is "etcd").
// For a history file (`faultline check`).
std::optional<std::string> NothingCheckedReason(const History& h, const std::string& model = "");

// The same rule worded for a run faultline drove (`faultline test` and `analyze`): "the
// database never answered: 0 of 12 ops succeeded (12 indeterminate)" ("no client op was
// run: nothing was checked" when none was invoked), or nullopt.
std::optional<std::string> NeverAnsweredReason(const History& h);

}  // namespace faultline
