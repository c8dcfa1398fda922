// What the built-in store promises for a run (DbPart::predict): its README's expected verdicts
// (db/builtin/README.md) as a function of the replication mode and its settings, the workload
// and the faults. A pure function; safe from any thread.
#pragma once

#include "harness/registry.h"

namespace faultline {

// Safe, unsafe or no promise for `test` (a spec naming --db builtin), with the one-sentence
// reason. Every mode is covered; option values a spec leaves out count as their defaults.
Prediction PredictBuiltin(const TestSpec& test);

}  // namespace faultline
