// Where a run's parts are made from the registry (harness/registry.h): the cluster, the
// database (wrapped in external clients for --client-cmd), the workload and the fault schedule,
// as the factories harness Run calls (harness/run.h). Main thread only.
#pragma once

#include <string>

#include "harness/registry.h"
#include "harness/run.h"
#include "harness/test_spec.h"

namespace faultline {

// Every built-in part: databases, workloads, faults and checkers.
void RegisterAllParts(Registry& registry);

// The factories of a run of `spec` (validated); `run_id` names the cluster's resources.
Result<RunParts> AssembleRun(const TestSpec& spec, const Registry& registry,
                             const std::string& run_id, const std::string& run_dir);

}  // namespace faultline
