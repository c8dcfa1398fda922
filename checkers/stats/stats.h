// Stats of a history: counts by f and outcome, latency quantiles of completed client ops,
// and throughput. A pure function of the history; thread-safe.
#pragma once

#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>

#include "core/history.h"

namespace faultline {

struct HistoryStats {
  struct Counts {
    int64_t ok = 0, fail = 0, info = 0, pending = 0;
  };
  std::map<std::string, Counts> by_f;
  Counts total;
  // Latency of ok ops, in milliseconds (invoke to completion).
  double p50_ms = 0, p95_ms = 0, p99_ms = 0, max_ms = 0;
  double seconds = 0;         // first invoke to last completion
  double ok_per_second = 0;   // ok ops over that span
};

HistoryStats ComputeStats(const History& h);
nlohmann::json ToJson(const HistoryStats& s);
// "12,345 ok/s over 20.0 s; latency p50 0.4 ms, p99 3.1 ms"
std::string Summary(const HistoryStats& s);

}  // namespace faultline
