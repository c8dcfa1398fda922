// Network faults on a cluster of namespaces or hosts, through NodeNetwork's iptables chains:
// partitions (the shapes of grudge.h), packet loss, and packet delay (faultline-delayd on
// each target node behind an NFQUEUE rule). Recorded as start-/stop-partition, -loss, -delay.
// Called by one FaultSchedule at a time.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "control/node_daemon.h"
#include "control/node_tools.h"
#include "harness/db.h"
#include "nemesis/fault.h"
#include "nemesis/node_network.h"

namespace faultline {

class PartitionFault : public Fault {
 public:
  // `shapes`: the shapes to choose from at random (kPartitionShapes names); `name`: the
  // --nemesis word. `db` names the primary for isolate-primary.
  PartitionFault(std::string name, std::vector<std::string> shapes, NodeNetwork& net,
                 std::vector<std::string> nodes, Db& db);
  std::string name() const override { return name_; }
  FaultStep Begin(Random& rng) override;
  // The recorded value is the grudge ({"n1":["n4","n5"],…}), whatever shape drew it; a
  // shape's name is a begin that could not draw one.
  Result<FaultStep> BeginAs(const Value& recorded) override;
  std::optional<FaultStep> End() override;
  FaultOps ops() const override { return {"start-partition", "stop-partition"}; }

 private:
  // The steps' actions: put `grudge` (of `shape`) in force; heal it.
  FaultEvent Apply(FaultEvent e, const Grudge& grudge, const std::string& shape);
  FaultEvent Heal(FaultEvent e);
  const std::string name_;
  const std::vector<std::string> shapes_;
  NodeNetwork& net_;
  const std::vector<std::string> nodes_;
  Db& db_;
  bool active_ = false;
};

// Random loss of `probability` on the packets arriving at a random non-empty set of nodes.
class LossFault : public Fault {
 public:
  LossFault(NodeNetwork& net, std::vector<std::string> nodes, double probability);
  std::string name() const override { return "loss"; }
  FaultStep Begin(Random& rng) override;
  // {"nodes":[…],"probability":P}; P must be this run's --loss-probability.
  Result<FaultStep> BeginAs(const Value& recorded) override;
  std::optional<FaultStep> End() override;
  FaultOps ops() const override { return {"start-loss", "stop-loss"}; }

 private:
  FaultStep Step(const std::vector<std::string>& targets);
  FaultEvent Apply(FaultEvent e, const std::set<std::string>& targets);
  FaultEvent Heal(FaultEvent e);
  NodeNetwork& net_;
  const std::vector<std::string> nodes_;
  const double probability_;
  bool active_ = false;
};

// Every packet leaving a random non-empty set of nodes held `delay_ms` (± jitter).
class DelayFault : public Fault {
 public:
  DelayFault(NodeNetwork& net, Cluster& cluster, const NodeTools& tools, int delay_ms,
             int jitter_ms, uint64_t seed);
  std::string name() const override { return "delay"; }
  FaultStep Begin(Random& rng) override;
  // {"nodes":[…],"delay_ms":D,"jitter_ms":J}; D and J must be this run's (the daemons are
  // started with them).
  Result<FaultStep> BeginAs(const Value& recorded) override;
  std::optional<FaultStep> End() override;
  FaultOps ops() const override { return {"start-delay", "stop-delay"}; }

 private:
  static constexpr int kQueue = 7;
  std::vector<std::string> NodeNames() const;
  FaultStep Step(const std::vector<std::string>& targets);
  FaultEvent Apply(FaultEvent e, const std::vector<std::string>& targets);
  FaultEvent Heal(FaultEvent e);
  // Starts node i's daemon on a fresh log and waits until it has bound the queue.
  Status StartDaemon(size_t i);
  NodeNetwork& net_;
  Cluster& cluster_;
  const int delay_ms_, jitter_ms_;
  std::vector<std::unique_ptr<NodeDaemon>> daemons_;  // per node; started ones are running
  std::set<std::string> active_;
};

// A random non-empty subset of `nodes`, in node order.
std::vector<std::string> RandomSubset(const std::vector<std::string>& nodes, Random& rng);
Value NodeList(const std::vector<std::string>& nodes);

}  // namespace faultline
