// Clock faults through faultline's clock library (nemesis/clock): each node's database runs
// with LD_PRELOAD=libfaultline_clock.so reading its offset from NodeTools::ClockFile, and this
// fault sets that offset with the faultline-clock tool on the node — never the host's clock.
// "bump": a random subset of nodes jumps by ±[max/10, max] ms; "strobe": a subset's clock
// oscillates by up to max ms every few ms. Recorded as start-clock {node: offset…} and
// stop-clock (all offsets back to 0). Called by one FaultSchedule at a time.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "control/cluster.h"
#include "control/node_tools.h"
#include "nemesis/fault.h"

namespace faultline {

class ClockFault : public Fault {
 public:
  ClockFault(Cluster& cluster, const NodeTools& tools, int max_skew_ms);
  std::string name() const override { return "clock"; }
  FaultStep Begin(Random& rng) override;
  // {"n2":-730} (a bump, ms) or {"n3":{"strobe_delta_ms":D,"strobe_period_ms":P}} per node.
  Result<FaultStep> BeginAs(const Value& recorded) override;
  std::optional<FaultStep> End() override;
  FaultOps ops() const override { return {"start-clock", "stop-clock"}; }

 private:
  // One node's planned skew: the faultline-clock arguments and the value to record.
  struct Skew {
    size_t node;
    std::vector<std::string> args;
    Value what;
  };
  Skew Draw(size_t node, bool strobe, Random& rng) const;
  Skew Bump(size_t node, int64_t offset_ms) const;
  Skew Strobe(size_t node, int64_t delta_ms, int64_t period_ms) const;
  FaultStep Step(const std::vector<Skew>& plan);
  // The steps' actions: set each planned skew; reset every skewed node.
  FaultEvent Apply(FaultEvent e, const std::vector<Skew>& plan);
  FaultEvent Reset(FaultEvent e);
  Status Set(size_t node, const std::vector<std::string>& args);

  Cluster& cluster_;
  const NodeTools& tools_;
  const int max_skew_ms_;
  std::set<size_t> skewed_;  // nodes whose offset is not 0
};

}  // namespace faultline
