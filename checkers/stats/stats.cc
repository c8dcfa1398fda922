#include "checkers/stats/stats.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <vector>

namespace faultline {

HistoryStats ComputeStats(const History& h) {
  HistoryStats s;
  std::vector<int64_t> latencies;
  int64_t first = -1, last = 0;
  for (size_t i = 0; i < h.size(); ++i) {
    const Op& op = h[i];
    if (op.is_nemesis() || op.type != OpType::kInvoke) continue;
    if (first < 0) first = op.time;
    HistoryStats::Counts& c = s.by_f[op.f];
    const int64_t done = h.partner(i);
    const OpType outcome = done < 0 ? OpType::kInvoke : h[done].type;
    for (HistoryStats::Counts* x : {&c, &s.total}) {
      (outcome == OpType::kOk     ? x->ok
       : outcome == OpType::kFail ? x->fail
       : outcome == OpType::kInfo ? x->info
                                  : x->pending)++;
    }
    if (done < 0) continue;
    last = std::max(last, h[done].time);
    if (outcome == OpType::kOk) latencies.push_back(h[done].time - op.time);
  }
  if (first >= 0) s.seconds = (last - first) / 1e9;
  if (s.seconds > 0) s.ok_per_second = s.total.ok / s.seconds;
  if (!latencies.empty()) {
    std::sort(latencies.begin(), latencies.end());
    auto q = [&](double p) {
      return latencies[std::min(latencies.size() - 1, static_cast<size_t>(p * latencies.size()))] / 1e6;
    };
    s.p50_ms = q(0.50);
    s.p95_ms = q(0.95);
    s.p99_ms = q(0.99);
    s.max_ms = latencies.back() / 1e6;
  }
  return s;
}

static nlohmann::json ToJson(const HistoryStats::Counts& c) {
  return {{"ok", c.ok}, {"fail", c.fail}, {"info", c.info}, {"pending", c.pending}};
}

nlohmann::json ToJson(const HistoryStats& s) {
  nlohmann::json by_f = nlohmann::json::object();
  for (const auto& [f, c] : s.by_f) by_f[f] = ToJson(c);
  return {{"total", ToJson(s.total)},
          {"by_f", by_f},
          {"seconds", s.seconds},
          {"ok_per_second", s.ok_per_second},
          {"latency_ms", {{"p50", s.p50_ms}, {"p95", s.p95_ms}, {"p99", s.p99_ms}, {"max", s.max_ms}}}};
}

std::string Summary(const HistoryStats& s) {
  char buf[160];
  std::snprintf(buf, sizeof buf, "%.0f ok/s over %.1f s; latency p50 %.2f ms, p99 %.2f ms",
                s.ok_per_second, s.seconds, s.p50_ms, s.p99_ms);
  return buf;
}

}  // namespace faultline
