// The kernel side of a local cluster: choosing a free /24, creating the bridge, namespaces
// and veth links (with `ip -batch`), finding and killing the processes inside a node's
// namespace, and removing it all by name. Needs root. Functions are thread-safe; two
// processes picking subnets at once are serialized by SubnetLock.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include "control/netns_state.h"
#include "core/status.h"

namespace faultline {

// An exclusive lock (flock) on <root>/clusters/.lock, held while a subnet is chosen and its
// bridge created, so concurrent `up`s never choose the same one.
class SubnetLock {
 public:
  static Result<SubnetLock> Acquire(const std::string& root);
  SubnetLock(SubnetLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  SubnetLock& operator=(SubnetLock&&) = delete;
  ~SubnetLock();

 private:
  explicit SubnetLock(int fd) : fd_(fd) {}
  int fd_;
};

// A "10.x.y." prefix whose /24 no address or route on this machine overlaps and that no
// other faultline cluster under `root` has recorded. REQUIRES: SubnetLock held.
Result<std::string> PickFreeSubnet(const std::string& root, const std::string& name);

// Bridge with the control address, one namespace per node with lo up and eth0 at its
// address, veth peers on the bridge. No default route, forwarding untouched.
Status CreateClusterNetwork(const NetnsClusterState& state);

// Namespaces named fl-<name>-nK that exist now.
std::vector<std::string> ClusterNamespaces(const std::string& name);
// Every cluster name that has a node namespace now.
std::vector<std::string> NamespaceClusterNames();

// PIDs of the processes whose network namespace is /run/netns/<netns>.
std::vector<pid_t> PidsInNetns(const std::string& netns);
// "pid:[…]" of a process's PID namespace, "" if it is gone.
std::string PidNamespaceOf(pid_t pid);
// SIGKILLs `pids` and waits until they have exited (reaping own children). False on timeout.
bool KillAndWait(const std::vector<pid_t>& pids, std::chrono::milliseconds timeout);

// Deletes the cluster's links (those carrying its alias) and namespaces. Safe when some or
// all are already gone.
Status RemoveClusterNetwork(const std::string& name, const std::vector<std::string>& namespaces);

}  // namespace faultline
