// Every fault (--nemesis word) faultline injects, for the registry (harness/registry.h).
#pragma once

#include "harness/registry.h"

namespace faultline {

void RegisterFaults(Registry& registry);

}  // namespace faultline
