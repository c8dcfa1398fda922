#include "nemesis/clock_fault.h"

#include <algorithm>

#include "nemesis/network_faults.h"
#include "nemesis/recorded_value.h"

namespace faultline {

ClockFault::ClockFault(Cluster& cluster, const NodeTools& tools, int max_skew_ms)
    : cluster_(cluster), tools_(tools), max_skew_ms_(max_skew_ms) {}

Status ClockFault::Set(size_t node, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {tools_.path(node, NodeTool::kClockTool)};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = ExecChecked(cluster_.remote(node), ShellJoin(argv), std::chrono::seconds(10));
  return r.ok() ? Status::Ok() : r.status();
}

FaultStep ClockFault::Begin(Random& rng) {
  std::vector<std::string> names;
  for (const auto& n : cluster_.nodes()) names.push_back(n.name);
  std::vector<std::string> targets = RandomSubset(names, rng);
  const bool strobe = rng.OneIn(0.3);
  std::vector<Skew> plan;
  for (size_t i = 0; i < names.size(); ++i) {
    if (std::find(targets.begin(), targets.end(), names[i]) == targets.end()) continue;
    plan.push_back(Draw(i, strobe, rng));
  }
  return Step(plan);
}

Result<FaultStep> ClockFault::BeginAs(const Value& recorded) {
  const std::string what = "recorded start-clock";
  if (!recorded.is_map() || recorded.as_map().empty()) {
    return Status::InvalidArgument(what + " " + recorded.ToJson() +
                                   ": expected each node's offset in ms or its strobe");
  }
  std::vector<std::string> names;
  for (const auto& n : cluster_.nodes()) names.push_back(n.name);
  std::vector<Skew> plan;
  for (const auto& [node, skew] : recorded.as_map()) {
    FAULTLINE_RETURN_IF_ERROR(CheckRecordedNode(what, node, names));
    const size_t i = std::find(names.begin(), names.end(), node) - names.begin();
    if (skew.is_int()) {
      plan.push_back(Bump(i, skew.as_int()));
      continue;
    }
    auto delta = RecordedInt(what + " (" + node + ")", skew, "strobe_delta_ms");
    if (!delta.ok()) return delta.status();
    auto period = RecordedInt(what + " (" + node + ")", skew, "strobe_period_ms");
    if (!period.ok()) return period.status();
    plan.push_back(Strobe(i, *delta, *period));
  }
  return Step(plan);
}

FaultStep ClockFault::Step(const std::vector<Skew>& plan) {
  Value::Map planned;
  for (const Skew& skew : plan) planned.emplace_back(cluster_.nodes()[skew.node].name, skew.what);
  FaultEvent e{"start-clock", Value::MakeMap(std::move(planned)), ""};
  return {e, [this, e, plan] { return Apply(e, plan); }};
}

ClockFault::Skew ClockFault::Draw(size_t node, bool strobe, Random& rng) const {
  if (strobe) {
    const int delta = 1 + static_cast<int>(rng.Uniform(max_skew_ms_));
    const int period = 1 + static_cast<int>(rng.Uniform(20));
    return Strobe(node, delta, period);
  }
  const int lo = std::max(1, max_skew_ms_ / 10);
  int offset = lo + static_cast<int>(rng.Uniform(max_skew_ms_ - lo + 1));
  if (rng.OneIn(0.5)) offset = -offset;
  return Bump(node, offset);
}

ClockFault::Skew ClockFault::Bump(size_t node, int64_t offset_ms) const {
  return {node,
          {"set", NodeTools::ClockFile(cluster_, node), "--offset-ms", std::to_string(offset_ms)},
          Value::Int(offset_ms)};
}

ClockFault::Skew ClockFault::Strobe(size_t node, int64_t delta_ms, int64_t period_ms) const {
  return {node,
          {"set", NodeTools::ClockFile(cluster_, node), "--offset-ms", "0", "--strobe-delta-ms",
           std::to_string(delta_ms), "--strobe-period-ms", std::to_string(period_ms)},
          Value::MakeMap({{"strobe_delta_ms", Value::Int(delta_ms)},
                          {"strobe_period_ms", Value::Int(period_ms)}})};
}

FaultEvent ClockFault::Apply(FaultEvent e, const std::vector<Skew>& plan) {
  Value::Map hit;  // the nodes whose clock was set
  for (const Skew& skew : plan) {
    skewed_.insert(skew.node);
    if (Status s = Set(skew.node, skew.args); !s.ok()) {
      e.error += (e.error.empty() ? "" : "; ") + s.message();
      continue;
    }
    hit.emplace_back(cluster_.nodes()[skew.node].name, skew.what);
  }
  e.value = Value::MakeMap(std::move(hit));
  return e;
}

std::optional<FaultStep> ClockFault::End() {
  if (skewed_.empty()) return std::nullopt;
  std::vector<std::string> nodes;
  for (size_t i : skewed_) nodes.push_back(cluster_.nodes()[i].name);
  FaultEvent e{"stop-clock", NodeList(nodes), ""};
  return FaultStep{e, [this, e] { return Reset(e); }};
}

FaultEvent ClockFault::Reset(FaultEvent e) {
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
