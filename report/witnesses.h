// The report's first word on a failure: each witness (results.json "witnesses",
// checkers/witness/) with its name, its sentence, the fault around it and its few ops drawn
// small — one lane per process, the ops not to scale but in the order they happened, arrows
// for the real-time orders that make it impossible. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace faultline {

// The "What went wrong" section: the first `detailed` witnesses drawn, the rest one line
// each; "" when results.json has none.
std::string WitnessesHtml(const nlohmann::json& results, size_t detailed);

// One witness drawn as inline SVG (exposed for tests).
std::string WitnessSvg(const nlohmann::json& witness);

// Invoke indices of every witness op, sorted: the ops the timeline always draws.
std::vector<int64_t> WitnessOps(const nlohmann::json& results);

}  // namespace faultline
