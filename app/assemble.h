// The one place where the parts of a test meet: a TestSpec becomes a database, a workload,
// and back from test.json for `faultline analyze`. Called from the main thread.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "core/status.h"
#include "harness/client.h"
#include "harness/run_log.h"
#include "harness/test_spec.h"
#include "workloads/workload.h"

namespace faultline {

// Checks the combination of options; the message names the option and what it accepts.
Status ValidateSpec(const TestSpec& spec);
Result<std::unique_ptr<Workload>> MakeWorkload(const TestSpec& spec);
// Starts the database's nodes; their data and logs go under run_dir. Errors name the log.
Result<std::unique_ptr<Db>> MakeDb(const TestSpec& spec, const std::string& run_dir, RunLog& log);
// The inverse of TestSpec::ToJson, for a stored run.
Result<TestSpec> SpecFromJson(const nlohmann::json& j);

}  // namespace faultline
