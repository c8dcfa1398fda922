// Shared pieces of the synthetic register histories bench/ generates: the record of one
// simulated call and a random duration. Plain values and a pure function; thread-safe.
#pragma once

#include <cmath>
#include <cstdint>
#include <limits>

#include "core/random.h"

namespace faultline::bench {

inline constexpr int64_t kNil = std::numeric_limits<int64_t>::min();    // the empty register
inline constexpr int64_t kNever = std::numeric_limits<int64_t>::max();  // no end / no effect

// An exponentially distributed duration (ns) with the given mean, from `rng`.
inline int64_t Exponential(Random& rng, double mean) {
  return static_cast<int64_t>(-std::log(1 - rng.UniformDouble()) * mean);
}

enum class F : uint8_t { kRead, kWrite, kCas };
enum class Outcome : uint8_t { kOk, kFail, kInfo };

// One call on one key. Times are ns since the start; invoke < lin < complete, except that an
// info call may take effect after its completion record (or never: lin == kNever).
struct SimOp {
  int64_t process = 0;
  int64_t invoke = 0, lin = kNever, complete = 0;
  int64_t a = kNil;       // read: the value returned; write: the value; cas: the expected value
  int64_t b = kNil;       // cas: the new value
  int64_t before = kNil;  // the register's value when the call took effect
  int32_t source = -1;    // read, cas that took effect: the call whose value it saw (-1: null)
  F f = F::kRead;
  Outcome outcome = Outcome::kOk;
};

}  // namespace faultline::bench
