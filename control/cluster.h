// Cluster: the nodes a test runs on and how to reach them — a local cluster of network
// namespaces built by faultline (netns_cluster.h), or remote hosts over SSH
// (remote_cluster.h). Databases and the nemesis only see this interface. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "control/node_address.h"
#include "control/remote.h"

namespace faultline {

class Cluster {
 public:
  virtual ~Cluster() = default;
  virtual std::string Describe() const = 0;  // "local cluster fl-ab12 (5 nodes, 10.77.3.0/24)"
  // Each node's name and host (port 0).
  virtual const std::vector<NodeAddress>& nodes() const = 0;
  // The SSH session to nodes()[i].
  virtual Remote& remote(size_t i) = 0;
  // The address the nodes see the control host (faultline) as. Partitions never cut it.
  virtual std::string control_address() const = 0;
  // True when the nodes share this machine's filesystem and clock (the local cluster):
  // binaries are used in place rather than uploaded, and clock faults go through
  // faultline's LD_PRELOAD clock library instead of changing a host's clock.
  virtual bool local() const = 0;
  // A directory on node i that belongs to this run (exists; data, logs, sockets go below).
  virtual std::string node_dir(size_t i) const = 0;
  // True when the nodes are processes of this machine sharing one address (--cluster
  // processes): their servers need distinct ports, and no fault can cut or skew one node alone.
  virtual bool shares_host() const { return false; }
  // Removes now what was built for the run (a local cluster's namespaces and processes);
  // hosts reached over SSH have nothing to remove. Idempotent.
  virtual Status TearDown() { return Status::Ok(); }
  // Leaves the cluster up when this object goes (--keep-cluster); returns the command that
  // takes it down later, or "" when there is nothing to keep.
  virtual std::string Keep() { return ""; }
};

}  // namespace faultline
