// NodeNetwork: faultline's iptables rules inside every node, in chains of its own so healing
// is a flush and teardown removes exactly what faultline added:
//   faultline-partition (INPUT)  drops packets from the nodes a node holds a grudge against;
//   faultline-loss      (INPUT)  drops a random share of packets (iptables statistic);
//   faultline-delay     (OUTPUT) hands packets to faultline-delayd (NFQUEUE, queue-bypass).
// Each chain first returns packets of the control host and of loopback, so faultline never
// cuts itself off and a node always reaches itself. Commands run on all nodes in parallel
// over their Remotes. Thread-safe (the Remotes serialize per node).
#pragma once

#include <functional>
#include <set>
#include <string>

#include "control/cluster.h"
#include "nemesis/grudge.h"

namespace faultline {

class NodeNetwork {
 public:
  explicit NodeNetwork(Cluster& cluster) : cluster_(cluster) {}

  // Creates the chains and their jumps on every node (idempotent; empties them).
  Status Prepare();
  // Replaces the partition: node X drops packets from every node in grudge[X]. An empty
  // grudge heals.
  Status SetPartition(const Grudge& grudge);
  // Drops packets arriving at `nodes` with probability p (0 < p < 1); other nodes' loss
  // rules are cleared. An empty set heals.
  Status SetLoss(const std::set<std::string>& nodes, double p);
  // Queues packets leaving `nodes` to NFQUEUE `queue` (bypassed when no daemon listens);
  // other nodes' delay rules are cleared. An empty set heals.
  Status SetDelay(const std::set<std::string>& nodes, int queue);
  // Removes the chains and jumps from every node. Idempotent.
  Status Teardown();

  // Index of a node by name; -1 if none.
  int IndexOf(const std::string& node) const;

 private:
  // Runs script(i) on every node i with a non-empty script, in parallel; the first error.
  Status OnNodes(const std::function<std::string(size_t)>& script);
  Cluster& cluster_;
};

}  // namespace faultline
