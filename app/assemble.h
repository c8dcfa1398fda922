// Where a run's parts are made from the registry (harness/registry.h): the cluster, the
// database (wrapped in external clients for --client-cmd), the workload and the fault schedule,
// as the factories harness Run calls (harness/run.h). Main thread only.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "harness/registry.h"
#include "harness/run.h"
#include "harness/test_spec.h"
#include "nemesis/replay.h"

namespace faultline {

// Every built-in part: databases, workloads, faults and checkers.
void RegisterAllParts(Registry& registry);

// The factories of a run of `spec` (validated); `run_id` names the cluster's resources. With
// `replay`, the faults take those recorded steps (`faultline replay`) instead of a schedule.
Result<RunParts> AssembleRun(const TestSpec& spec, const Registry& registry,
                             const std::string& run_id, const std::string& run_dir,
                             std::optional<std::vector<RecordedStep>> replay = std::nullopt);

}  // namespace faultline
