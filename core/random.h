// Random: a small seeded generator (xoshiro256**), so every run and every test is
// reproducible from the seed recorded in test.json. Not thread-safe: one per thread.
#pragma once

#include <cstdint>

namespace faultline {

class Random {
 public:
  explicit Random(uint64_t seed) {
    for (uint64_t& w : s_) w = SplitMix(&seed);
  }
  // An independent stream for `stream` (e.g. a worker id) from the same seed.
  static Random Stream(uint64_t seed, uint64_t stream) {
    return Random(seed ^ (0x9E3779B97F4A7C15ULL * (stream + 1)));
  }

  uint64_t Next() {
    const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = Rotl(s_[3], 45);
    return result;
  }
  // Uniform in [0, n). REQUIRES: n > 0.
  uint64_t Uniform(uint64_t n) { return static_cast<uint64_t>((__uint128_t{Next()} * n) >> 64); }
  // Uniform in [0, 1).
  double UniformDouble() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  bool OneIn(double p) { return UniformDouble() < p; }

  // SplitMix64: advances *x and returns the next value of its sequence; also a good 64-bit
  // mix of a single value (SplitMix(&copy)).
  static uint64_t SplitMix(uint64_t* x) {
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t s_[4];
};

}  // namespace faultline
