// ProcessCluster: --cluster processes — the nodes are processes of this machine sharing its
// loopback address (127.0.0.1), each with a directory of its own under the run; a command "on
// a node" runs here with /bin/sh. It needs no root and builds nothing, so it has nothing to
// tear down; with one address for every node no fault can cut or skew one node alone, and
// databases that need an address per node cannot run on it (their parts say so). Thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "control/cluster.h"

namespace faultline {

class ProcessCluster final : public Cluster {
 public:
  // Creates run_dir/nodes/n1..nN.
  static Result<std::unique_ptr<ProcessCluster>> Make(int nodes, const std::string& run_dir);

  std::string Describe() const override;  // "local processes (3 nodes on 127.0.0.1)"
  const std::vector<NodeAddress>& nodes() const override { return nodes_; }
  Remote& remote(size_t i) override { return *remotes_.at(i); }
  std::string control_address() const override { return "127.0.0.1"; }
  bool local() const override { return true; }
  bool shares_host() const override { return true; }
  std::string node_dir(size_t i) const override { return dirs_.at(i); }

 private:
  ProcessCluster() = default;

  std::vector<NodeAddress> nodes_;
  std::vector<std::string> dirs_;
  std::vector<std::unique_ptr<Remote>> remotes_;
};

}  // namespace faultline
