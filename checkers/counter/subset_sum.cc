#include "checkers/counter/subset_sum.h"

#include <algorithm>
#include <map>
#include <numeric>

namespace faultline {
namespace {

// bits |= bits << shift, over a bitset of `words` 64-bit words.
void OrShifted(std::vector<uint64_t>* bits, int64_t shift) {
  std::vector<uint64_t>& b = *bits;
  const int64_t words = static_cast<int64_t>(b.size());
  const int64_t whole = shift / 64, part = shift % 64;
  for (int64_t w = words - 1; w >= whole; --w) {
    uint64_t v = b[w - whole] << part;
    if (part != 0 && w - whole - 1 >= 0) v |= b[w - whole - 1] >> (64 - part);
    b[w] |= v;
  }
}

}  // namespace

Reachable SubsetSumReachable(const std::vector<int64_t>& values, int64_t target) {
  std::map<int64_t, int64_t> counts;  // value → how many adds of it (zeros change nothing)
  int64_t sum = 0, gcd = 0;
  for (int64_t v : values) {
    if (v <= 0) continue;
    ++counts[v];
    sum += v;
    gcd = std::gcd(gcd, v);
  }
  if (target == 0) return Reachable::kYes;
  if (target < 0 || target > sum || target % gcd != 0) return Reachable::kNo;
  if (counts.size() == 1) return Reachable::kYes;  // k copies of v reach every multiple ≤ k·v
  // Everything is a multiple of gcd: scale down, which shrinks the bitset.
  const int64_t bits = sum / gcd + 1;
  // Binary splitting turns c copies of v into ~log2(c) items v, 2v, 4v, …
  int64_t items = 0;
  for (const auto& [v, c] : counts) items += 64 - __builtin_clzll(static_cast<uint64_t>(c));
  if (bits > kMaxSubsetSumBits || items * (bits / 64 + 1) > kMaxSubsetSumWordOps) {
    return Reachable::kUndecided;
  }
  std::vector<uint64_t> set(static_cast<size_t>(bits / 64 + 1), 0);
  set[0] = 1;  // the empty subset
  for (const auto& [v, c] : counts) {
    int64_t left = c;
    for (int64_t chunk = 1; left > 0; chunk *= 2) {
      const int64_t take = std::min(chunk, left);
      OrShifted(&set, take * (v / gcd));
      left -= take;
    }
  }
  const int64_t t = target / gcd;
  return (set[t / 64] >> (t % 64)) & 1 ? Reachable::kYes : Reachable::kNo;
}

}  // namespace faultline
