// Which checkers judge each workload's history, by name (checkers/registry.h): the one table
// the workloads' registration (`faultline list`) and `faultline check`'s default read.
// Header-only, so that `faultline check` reads it without linking the workloads. Pure.
#pragma once

#include <string>
#include <vector>

namespace faultline {

inline std::vector<std::string> WorkloadCheckers(const std::string& workload) {
  if (workload == "register") return {"linearizability", "causal"};
  if (workload == "bank") return {"bank"};
  if (workload == "counter") return {"counter"};
  return {"linearizability"};  // a history of unknown origin: as `faultline check` always did
}

}  // namespace faultline
