// The anomalies gen_register_history injects into a simulated register key, each one certainly
// non-linearizable (the reasoning is at CertainlyNot in register_anomalies.cc). Functions of
// their arguments only (they change the calls given); no shared state.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "bench/register_sim.h"

namespace faultline::bench {

enum class Anomaly { kStaleRead, kLostWrite, kPhantomRead, kImpossibleCas };
// "stale-read", "lost-write", "phantom-read", "impossible-cas".
const char* AnomalyName(Anomaly a);

struct Injected {
  Anomaly kind;
  size_t op;         // the call whose result was changed (index in the key's calls)
  std::string what;  // for people
  int64_t line = 0;  // 1-based line of its completion in the file
};

// Changes the results of one key's calls (in invoke order, from a linearizable simulation) so
// that the key is certainly not linearizable: a random kind first, then the others. nullopt
// when no call fits any kind (no ok read and no failed cas). `unique`: values are unique.
std::optional<Injected> InjectAnomaly(std::vector<SimOp>& ops, Random& rng, bool unique);

}  // namespace faultline::bench
