// Whether a grow-only counter's final value can be explained by the adds that may have happened:
// a subset-sum question over the info adds, answered exactly when that is cheap. Pure
// functions; thread-safe.
#pragma once

#include <cstdint>
#include <vector>

namespace faultline {

enum class Reachable { kYes, kNo, kUndecided };

// Bounds on the exact decision: it runs a bitset over [0, sum of info adds] once per distinct
// info value (a bounded knapsack), so sum × distinct values / 64 word operations.
inline constexpr int64_t kMaxSubsetSumBits = int64_t{1} << 26;     // 8 MB of bits
inline constexpr int64_t kMaxSubsetSumWordOps = int64_t{1} << 28;  // ~0.1 s

// Is `target` the sum of some subset (each element at most once) of `values` (all >= 0)?
// kUndecided when the exact answer would cost more than the bounds above; target is then at
// least within [0, sum] and a multiple of the values' gcd.
Reachable SubsetSumReachable(const std::vector<int64_t>& values, int64_t target);

}  // namespace faultline
