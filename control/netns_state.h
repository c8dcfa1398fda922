// The record of one local network-namespace cluster: the names derived from the cluster's
// name, where its files live, and cluster.json (what `Attach` and `Down` read back from
// another process). Plain values and pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include "core/status.h"

namespace faultline {

// Where faultline keeps local clusters: <root>/clusters/<name>/ (0700: keys, sshd configs,
// cluster.json) and <root>/nodes/<name>/nN/ (0755: node directories for databases).
inline constexpr const char* kDefaultStateRoot = "/var/lib/faultline";

struct NetnsNodeState {
  std::string name;             // "n1"
  std::string address;          // "10.77.3.11"
  std::string netns;            // "fl-<cluster>-n1"
  std::string veth;             // root-side end of the node's link, "fl<id>n1"
  std::string node_dir;         // <root>/nodes/<cluster>/n1
  std::string host_key_sha256;  // "SHA256:…" of the node's generated ed25519 host key
  int launcher_pid = 0;         // `ip netns exec … unshare`, parent of the node's init
  int init_pid = 0;             // sshd: PID 1 of the node's PID namespace
  std::string pid_ns;           // "pid:[…]" of init_pid, so a recycled PID is never signalled
};

struct NetnsClusterState {
  std::string name;
  std::string link_id;          // 6 hex digits derived from the name (interface names <= 15)
  std::string bridge;           // "fl<id>br", in the root namespace, holds control_address
  std::string subnet;           // "10.77.3.0/24"
  std::string control_address;  // "10.77.3.1"
  std::string state_dir;        // <root>/clusters/<name>
  std::string nodes_dir;        // <root>/nodes/<name>
  std::string client_key;       // <state_dir>/id_ed25519 (root@ on every node)
  std::string known_hosts;      // <state_dir>/known_hosts (for a user's `ssh`)
  std::vector<NetnsNodeState> nodes;
};

// Cluster names: 1–24 characters of a-z, 0-9 and '-', starting with a letter or digit.
Status ValidateClusterName(const std::string& name);

std::string ClusterLinkId(const std::string& name);
std::string NodeNetnsName(const std::string& cluster, int node);  // 1-based
// The cluster whose node namespace this is ("fl-NAME-nK"), or "" when it is not one.
std::string ClusterOfNetns(const std::string& netns);
// The ifalias faultline sets on a cluster's links, so `ip link` shows whose they are.
std::string ClusterLinkAlias(const std::string& name);

// The full record of a cluster about to be built in `subnet_prefix` ("10.77.3."), without
// PIDs and fingerprints.
NetnsClusterState PlanCluster(const std::string& root, const std::string& name, int node_count,
                              const std::string& subnet_prefix);

std::string ClusterStateDir(const std::string& root, const std::string& name);
std::string ClusterNodesDir(const std::string& root, const std::string& name);

Status WriteClusterState(const NetnsClusterState& state);
// Reads <root>/clusters/<name>/cluster.json. NotFound-like errors say the cluster is absent.
Result<NetnsClusterState> ReadClusterState(const std::string& root, const std::string& name);

}  // namespace faultline
