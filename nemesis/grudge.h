// Partition shapes (Jepsen's nemesis/partition): which nodes each node stops hearing from.
// Pure functions of the node list, a Random and (for isolate-primary) the primary's name.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/random.h"
#include "core/status.h"
#include "core/value.h"

namespace faultline {

// node → the nodes whose packets it drops. Symmetric for every shape here.
using Grudge = std::map<std::string, std::set<std::string>>;

inline constexpr const char* kPartitionShapes[] = {"halves", "isolate-one", "majorities-ring",
                                                   "bridge", "isolate-primary"};

// The grudge of `shape` over `nodes` (≥ 2). Errors: an unknown shape, too few nodes for it
// (bridge needs 3, majorities-ring 4), isolate-primary with no primary known.
Result<Grudge> MakeGrudge(const std::string& shape, const std::vector<std::string>& nodes,
                          Random& rng, const std::optional<std::string>& primary);

// The history value of a partition: {"n1":["n4","n5"],…}, nodes with no grudge omitted.
Value GrudgeValue(const Grudge& grudge);

}  // namespace faultline
