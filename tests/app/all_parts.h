// The registry every faultline-run command uses (every built-in database, workload and
// fault), built once for the tests that go through it. Main thread of a test.
#pragma once

#include "app/assemble.h"

namespace faultline {

inline const Registry& AllParts() {
  static const Registry* r = [] {
    auto* registry = new Registry;
    RegisterAllParts(*registry);
    return registry;
  }();
  return *r;
}

}  // namespace faultline
