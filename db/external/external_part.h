// --db external in the registry (harness/registry.h): its options (the commands, given by
// flags or --db-commands FILE.json), their checks and its factory.
#pragma once

#include "harness/registry.h"

namespace faultline {

DbPart ExternalDbPart();

}  // namespace faultline
