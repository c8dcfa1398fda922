// NetnsCluster: faultline's local cluster. Each node is a network namespace on a bridge with
// its own hostname, PID namespace and sshd, reached over SSH exactly like a real host. It is
// recorded under /var/lib/faultline so another process can Attach to it or take it Down.
// Needs root. Thread-safe after construction (each node's Remote serializes its calls).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "control/cluster.h"
#include "control/netns_state.h"
#include "control/ssh_remote.h"

namespace faultline {

struct NetnsClusterOptions {
  std::string name = "faultline";  // 1-24 of a-z, 0-9, '-'; namespaces are fl-<name>-nK
  int node_count = 5;              // 1..9: n1..nN at <subnet>.11..19
  std::string state_root = kDefaultStateRoot;
  std::string sshd = "/usr/sbin/sshd";
  std::chrono::milliseconds ready_timeout{10000};  // until every node accepts SSH
};

struct NetnsNodeHealth {
  std::string name;
  std::string address;
  bool sshd_alive = false;  // the node's init (its sshd) is running
  bool ssh_ok = false;      // `hostname` over SSH answered the node's name
  std::string detail;       // what went wrong, when something did
};

class NetnsCluster final : public Cluster {
 public:
  // Builds cluster `options.name`, first removing leftovers of the same name, and waits
  // until every node accepts SSH. The returned object owns the cluster: its destructor
  // takes it down. On error nothing of the cluster is left behind.
  static Result<std::unique_ptr<NetnsCluster>> Up(const NetnsClusterOptions& options);
  // A cluster built by another process (`faultline cluster up`); not owned: the object's
  // destructor leaves it running.
  static Result<std::unique_ptr<NetnsCluster>> Attach(
      const std::string& name, const std::string& state_root = kDefaultStateRoot);
  // Removes everything of cluster `name`: every process in its nodes (databases included),
  // namespaces, links, /etc/netns/<ns>, state and node directories. OK when it is absent or
  // half-built.
  static Status Down(const std::string& name, const std::string& state_root = kDefaultStateRoot);
  // The names of the local clusters present (recorded, or with namespaces left).
  static std::vector<std::string> List(const std::string& state_root = kDefaultStateRoot);
  // Root, sshd, ip, unshare and ssh-keygen are present; the error says what is missing.
  static Status CheckEnvironment(const std::string& sshd = "/usr/sbin/sshd");

  ~NetnsCluster() override;

  std::string Describe() const override;  // "local cluster NAME (5 nodes, 10.77.3.0/24)"
  const std::vector<NodeAddress>& nodes() const override { return nodes_; }
  Remote& remote(size_t i) override { return *remotes_.at(i); }
  std::string control_address() const override { return state_.control_address; }
  bool local() const override { return true; }
  std::string node_dir(size_t i) const override { return state_.nodes.at(i).node_dir; }

  const NetnsClusterState& state() const { return state_; }
  SshRemote& ssh(size_t i) { return *remotes_.at(i); }
  // Each node's sshd and SSH reachability (runs `hostname` on each, in parallel).
  std::vector<NetnsNodeHealth> Probe(std::chrono::milliseconds timeout);
  // Takes this cluster down now, owned or not; afterwards the destructor does nothing.
  Status TearDown() override;
  // From now on the destructor leaves the cluster up (faultline test --keep-cluster,
  // `faultline cluster up`).
  void Disown() { owned_ = false; }
  std::string Keep() override {
    Disown();
    return "faultline cluster down --name " + state_.name;
  }

 private:
  NetnsCluster(NetnsClusterState state, std::string state_root, bool owned);
  Status ConnectAll();

  NetnsClusterState state_;
  const std::string state_root_;
  bool owned_;
  std::vector<NodeAddress> nodes_;
  std::vector<std::unique_ptr<SshRemote>> remotes_;
};

}  // namespace faultline
