#include "nemesis/clock_fault.h"

#include "nemesis/network_faults.h"

namespace faultline {

ClockFault::ClockFault(Cluster& cluster, const NodeTools& tools, int max_skew_ms)
    : cluster_(cluster), tools_(tools), max_skew_ms_(max_skew_ms) {}

Status ClockFault::Set(size_t node, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {tools_.path(node, NodeTool::kClockTool)};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = ExecChecked(cluster_.remote(node), ShellJoin(argv), std::chrono::seconds(10));
  return r.ok() ? Status::Ok() : r.status();
}

FaultEvent ClockFault::Begin(Random& rng) {
  std::vector<std::string> names;
  for (const auto& n : cluster_.nodes()) names.push_back(n.name);
  std::vector<std::string> targets = RandomSubset(names, rng);
  const bool strobe = rng.OneIn(0.3);
  FaultEvent e;
  e.f = "start-clock";
  Value::Map hit;
  for (size_t i = 0; i < names.size(); ++i) {
    if (std::find(targets.begin(), targets.end(), names[i]) == targets.end()) continue;
    const std::string file = NodeTools::ClockFile(cluster_, i);
    std::vector<std::string> args;
    Value what;
    if (strobe) {
      const int delta = 1 + static_cast<int>(rng.Uniform(max_skew_ms_));
      const int period = 1 + static_cast<int>(rng.Uniform(20));
      args = {"set", file, "--offset-ms", "0", "--strobe-delta-ms", std::to_string(delta),
              "--strobe-period-ms", std::to_string(period)};
      what = Value::MakeMap({{"strobe_delta_ms", Value::Int(delta)},
                             {"strobe_period_ms", Value::Int(period)}});
    } else {
      const int lo = std::max(1, max_skew_ms_ / 10);
      int offset = lo + static_cast<int>(rng.Uniform(max_skew_ms_ - lo + 1));
      if (rng.OneIn(0.5)) offset = -offset;
      args = {"set", file, "--offset-ms", std::to_string(offset)};
      what = Value::Int(offset);
    }
    skewed_.insert(i);
    if (Status s = Set(i, args); !s.ok()) {
      e.error += (e.error.empty() ? "" : "; ") + s.message();
      continue;
    }
    hit.emplace_back(names[i], std::move(what));
  }
  e.value = Value::MakeMap(std::move(hit));
  return e;
}

std::optional<FaultEvent> ClockFault::End() {
  if (skewed_.empty()) return std::nullopt;
  FaultEvent e;
  e.f = "stop-clock";
  std::vector<std::string> reset;
  for (auto it = skewed_.begin(); it != skewed_.end();) {
    if (Status s = Set(*it, {"reset", NodeTools::ClockFile(cluster_, *it)}); !s.ok()) {
      e.error += (e.error.empty() ? "" : "; ") + s.message();
      ++it;
    } else {
      reset.push_back(cluster_.nodes()[*it].name);
      it = skewed_.erase(it);
    }
  }
  e.value = NodeList(reset);
  return e;
}

}  // namespace faultline
