// --db redis in the registry (harness/registry.h): WAIT after writes (its safety setting),
// its checks and its factory.
#pragma once

#include "harness/registry.h"

namespace faultline {

DbPart RedisDbPart();

}  // namespace faultline
