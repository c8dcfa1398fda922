// The anomaly kinds of a stored run, read from its results.json, and whether a replay brought
// the original's back (`faultline replay`, docs/replay.md). Pure functions of JSON values;
// thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <set>
#include <string>

namespace faultline {

// True when results.json names its anomalies: a top-level "witnesses" array whose elements
// each have a "kind" ("lost-write", "stale-read", …).
bool HasWitnesses(const nlohmann::json& results);

// The kinds of a run's anomalies. With `from_witnesses`, the witnesses' "kind"s. Otherwise
// (runs stored before witnesses were named) what each invalid checker's detail names — a
// causal violation's "name", a bank read's "kind", a counter problem's "name", as
// "CHECKER: NAME" — or, for a checker that names none (linearizability), "CHECKER invalid".
std::set<std::string> AnomalyKinds(const nlohmann::json& results, bool from_witnesses);

// A replay brought the failure back: its verdict is invalid and it shares a kind with the
// original's (any invalid verdict when the original has no kind to compare).
bool SameAnomaly(const std::set<std::string>& original, const nlohmann::json& replay_results,
                 const std::set<std::string>& replay_kinds);

// "lost-write, stale-read", or "none".
std::string KindsText(const std::set<std::string>& kinds);

}  // namespace faultline
