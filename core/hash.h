// Fnv1a32: the 32-bit FNV-1a hash of a string — short, stable names derived from longer ones
// (a local cluster's link id, a sweep's cell id). Not for tables under attack. Thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

namespace faultline {

inline uint32_t Fnv1a32(std::string_view s) {
  uint32_t h = 2166136261u;
  for (unsigned char c : s) h = (h ^ c) * 16777619u;
  return h;
}

}  // namespace faultline
