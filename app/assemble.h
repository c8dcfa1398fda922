// The one place where the parts of a test meet: a TestSpec becomes a database, a workload,
// and back from test.json for `faultline analyze`. Called from the main thread.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "core/status.h"
#include "control/cluster.h"
#include "control/node_tools.h"
#include "harness/client.h"
#include "harness/nemesis.h"
#include "harness/run_log.h"
#include "harness/test_spec.h"
#include "workloads/workload.h"

namespace faultline {

// Checks the combination of options; the message names the option and what it accepts.
Status ValidateSpec(const TestSpec& spec);
Result<std::unique_ptr<Workload>> MakeWorkload(const TestSpec& spec);
// The nodes of a run: a fresh local cluster of namespaces (torn down when the returned
// object goes, unless --keep-cluster), the user's hosts over SSH, or null for --cluster
// processes. `run_id` names the cluster's resources.
Result<std::unique_ptr<Cluster>> MakeCluster(const TestSpec& spec, const std::string& run_id,
                                             RunLog& log);
// Starts the database on `cluster` (or as local processes when it is null); data and logs
// go under the nodes' directories, or run_dir for processes. Errors name the log.
Result<std::unique_ptr<Db>> MakeDb(const TestSpec& spec, const std::string& run_id,
                                   const std::string& run_dir, Cluster* cluster,
                                   const NodeTools* tools, RunLog& log);
// The run's fault schedule (null when --nemesis is empty).
Result<std::unique_ptr<Nemesis>> MakeRunNemesis(const TestSpec& spec, Db& db, Cluster* cluster,
                                                const NodeTools* tools);
// The inverse of TestSpec::ToJson, for a stored run.
Result<TestSpec> SpecFromJson(const nlohmann::json& j);

}  // namespace faultline
