// Reading what a recorded fault hit back out of its history value, for Fault::BeginAs: node
// names checked against the cluster's, node lists, numbers. Every error names the recorded op
// (`what`: "recorded start-loss"), the value and what was expected. Pure functions.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"
#include "core/value.h"

namespace faultline {

// Ok when `node` is one of `nodes`; else an error naming the nodes there are.
Status CheckRecordedNode(const std::string& what, const std::string& node,
                         const std::vector<std::string>& nodes);

// `list` (a map entry, null when missing) as a non-empty list of node names, each one of
// `nodes`.
Result<std::vector<std::string>> RecordedNodeList(const std::string& what, const Value* list,
                                                  const std::vector<std::string>& nodes);

// The map entry `key` of `recorded` as an int / a number; an error when it is missing or of
// another kind.
Result<int64_t> RecordedInt(const std::string& what, const Value& recorded, const char* key);
Result<double> RecordedNumber(const std::string& what, const Value& recorded, const char* key);

}  // namespace faultline
