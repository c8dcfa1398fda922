// The command line of `faultline test`: the common options, then the options of the parts
// the line selects (--db, --workload, --nemesis), read from the registry. A flag that no
// selected part accepts is an error naming the part that does. Main thread only.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "harness/registry.h"
#include "harness/test_spec.h"

namespace faultline {

// Parses `args` into *spec (validated). When --help is given, *help is set to the help text
// (the common options and the selected parts' options) and nothing is validated.
Status ParseTestFlags(const std::vector<std::string>& args, const Registry& registry,
                      TestSpec* spec, std::string* help);

}  // namespace faultline
