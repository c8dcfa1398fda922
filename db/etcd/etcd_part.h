// --db etcd in the registry (harness/registry.h): how reads are served and --pre-vote (its
// safety settings), and its factory.
#pragma once

#include "harness/registry.h"

namespace faultline {

DbPart EtcdDbPart();

}  // namespace faultline
