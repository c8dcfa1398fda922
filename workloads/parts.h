// Every workload faultline runs, for the registry (harness/registry.h).
#pragma once

#include "harness/registry.h"

namespace faultline {

void RegisterWorkloads(Registry& registry);

}  // namespace faultline
