// Every database faultline drives, for the registry (harness/registry.h).
#pragma once

#include "harness/registry.h"

namespace faultline {

void RegisterDbs(Registry& registry);

}  // namespace faultline
