// --db postgres in the registry (harness/registry.h): commit durability, isolation, replica
// reads and failover (its safety settings), their checks and its factory.
#pragma once

#include "harness/registry.h"

namespace faultline {

DbPart PostgresDbPart();

}  // namespace faultline
