// The `faultline test` flags of --db redis: validation and the RedisDb they start. Stateless.
#pragma once

#include <memory>

#include "control/cluster.h"
#include "control/node_tools.h"
#include "harness/client.h"
#include "harness/run_log.h"
#include "harness/test_spec.h"

namespace faultline {

// For --db redis: a cluster, the register or counter workload, --redis-wait 0..nodes-1;
// otherwise that --redis-wait was not given.
Status ValidateRedisSpec(const TestSpec& spec);

Result<std::unique_ptr<Db>> StartRedisDb(const TestSpec& spec, Cluster* cluster,
                                         const NodeTools* tools, const std::string& logs_dir,
                                         RunLog& log);

}  // namespace faultline
