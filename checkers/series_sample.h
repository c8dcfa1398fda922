// SampleSeries: picks which points of a long plot series to keep so a report stays small but
// still shows every extreme and every point that matters. A pure function; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace faultline {

// Indices (ascending) of the points of an n-point series to draw. With n <= max_rows, all of
// them. Otherwise the series is cut into max_rows / 2 equal buckets and each bucket keeps its
// points with the least and the greatest y(i); in addition the first `max_keep` points for
// which keep(i) holds are kept (e.g. the reads a checker flagged), so the result may exceed
// max_rows by up to max_keep.
template <typename Y, typename Keep>
std::vector<size_t> SampleSeries(size_t n, size_t max_rows, size_t max_keep, Y y, Keep keep) {
  std::vector<size_t> out;
  if (n <= max_rows) {
    out.reserve(n);
    for (size_t i = 0; i < n; ++i) out.push_back(i);
    return out;
  }
  const size_t buckets = max_rows / 2 > 0 ? max_rows / 2 : 1;
  size_t kept = 0;
  for (size_t b = 0; b < buckets; ++b) {
    const size_t begin = n * b / buckets, end = n * (b + 1) / buckets;
    if (begin == end) continue;
    size_t lo = begin, hi = begin;
    for (size_t i = begin; i < end; ++i) {
      if (y(i) < y(lo)) lo = i;
      if (y(i) > y(hi)) hi = i;
    }
    for (size_t i = begin; i < end; ++i) {
      const bool flagged = kept < max_keep && keep(i);
      kept += flagged;
      if (i == lo || i == hi || flagged) out.push_back(i);
    }
  }
  return out;
}

}  // namespace faultline
