// --db builtin in the registry (harness/registry.h): the built-in replicated store's
// replication modes and read paths (its safety settings), their checks and its factory.
#pragma once

#include "harness/registry.h"

namespace faultline {

DbPart BuiltinDbPart();

}  // namespace faultline
