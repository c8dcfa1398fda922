// The `faultline test` flags of --db postgres: their validation (with messages naming the flag
// and what it expects) and the PostgresDb they start. Stateless; thread-safe.
#pragma once

#include <memory>

#include "control/cluster.h"
#include "control/node_tools.h"
#include "harness/client.h"
#include "harness/run_log.h"
#include "harness/test_spec.h"

namespace faultline {

// Checks the PostgreSQL flags (--synchronous-commit, --isolation, --bank-read, --failover,
// --read-from replicas) against spec.db: for --db postgres their values and combinations,
// otherwise that none was given.
Status ValidatePostgresSpec(const TestSpec& spec);

Result<std::unique_ptr<Db>> StartPostgresDb(const TestSpec& spec, Cluster* cluster,
                                         const NodeTools* tools, const std::string& logs_dir,
                                         RunLog& log);

}  // namespace faultline
