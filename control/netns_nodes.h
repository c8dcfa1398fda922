// The per-node side of a local cluster: generated SSH keys, the files each node sees
// (/etc/netns/<ns>/hosts and hostname, its sshd_config), and its sshd started as the init
// of a fresh PID and UTS namespace inside the node's network namespace. Needs root.
// Thread-safe (no shared state); each function works on the state it is given.
#pragma once

#include <chrono>
#include <string>

#include "control/netns_state.h"
#include "core/status.h"

namespace faultline {

// Creates the state directory (0700) and the node directories (0755, usable by non-root
// database users), /etc/netns/<ns>/ and /run/sshd.
Status CreateClusterDirs(const NetnsClusterState& state);

// ed25519 client key (state.client_key) and one host key per node; fills in each node's
// host_key_sha256.
Status GenerateClusterKeys(NetnsClusterState* state);

// authorized_keys, known_hosts, per-node sshd_config, /etc/netns/<ns>/{hosts,hostname}.
Status WriteNodeFiles(const NetnsClusterState& state);

// Starts each node's sshd (detached: it outlives this process) and records launcher_pid,
// init_pid and pid_ns. `sshd` is the sshd binary.
Status StartNodeSshds(NetnsClusterState* state, const std::string& sshd);

// Waits until every node accepts TCP connections on port 22; an sshd that exits instead is
// an error quoting its log.
Status WaitForSshdPorts(const NetnsClusterState& state, std::chrono::milliseconds timeout);

// Path of a node's sshd log (in the state directory).
std::string NodeSshdLog(const NetnsClusterState& state, const NetnsNodeState& node);

}  // namespace faultline
