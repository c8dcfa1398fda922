// RemoteCluster: a Cluster over hosts the user gives (`--nodes h1,h2,…`), reached over SSH
// with host keys checked strictly against known_hosts. Node names are the host names as
// given; each host gets a per-run node directory, with an `owner` file naming the faultline
// process that runs it: a later run from the same control host that finds the owner gone
// (SIGKILL, a crash) kills whatever still runs in that directory. Thread-safe after
// construction (each host's Remote serializes its calls).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "control/cluster.h"
#include "control/ssh_remote.h"

namespace faultline {

struct RemoteClusterOptions {
  std::vector<std::string> hosts;  // DNS names or IPv4 addresses, in node order
  std::string user = "root";
  std::string private_key_file;  // ed25519 or ECDSA (see SshRemoteOptions)
  std::string passphrase;        // of the key, if any
  int port = 22;
  std::string known_hosts_file;  // default: ~/.ssh/known_hosts of the user running faultline
  // node_dir(i) = <base_dir>/<run_id>/<host> on host i; a run id is made from the time and PID
  // when empty. Letters, digits, '.', '_' and '-' only.
  std::string base_dir = "/var/tmp/faultline";
  std::string run_id;
  std::chrono::milliseconds connect_timeout{10000};
};

class RemoteCluster final : public Cluster {
 public:
  // Resolves every host to IPv4, connects to all of them in parallel (an unknown host or a
  // changed key is an error that says what to do), creates each node directory, and removes
  // the leftovers of earlier runs whose faultline process is gone (see leftovers()).
  static Result<std::unique_ptr<RemoteCluster>> Connect(const RemoteClusterOptions& options);
  // Marks the run ended on every host (each owner file becomes owner.ended).
  ~RemoteCluster() override;

  // What Connect removed: "run20261122T071200-4242 on db1: 3 processes killed", one line per
  // host and dead run (whether or not anything still ran). Empty when there was nothing.
  const std::vector<std::string>& leftovers() const { return leftovers_; }

  std::string Describe() const override;  // "remote cluster (3 hosts: db1, db2, db3)"
  const std::vector<NodeAddress>& nodes() const override { return nodes_; }
  Remote& remote(size_t i) override { return *remotes_.at(i); }
  // The local address of the SSH connection to the first host.
  std::string control_address() const override { return control_address_; }
  bool local() const override { return false; }
  std::string node_dir(size_t i) const override { return node_dirs_.at(i); }

 private:
  RemoteCluster() = default;

  std::vector<NodeAddress> nodes_;
  std::vector<std::unique_ptr<SshRemote>> remotes_;
  std::string control_address_;
  std::vector<std::string> node_dirs_;
  bool connected_ = false;  // every node directory made and owned
  std::vector<std::string> leftovers_;
};

// The owner line of faultline process `pid` on this control host: "HOST BOOT_ID PID
// START_TICKS" (start time in clock ticks since boot, so a reused PID is another owner), or
// "" if it cannot be read. OwnerLineAlive: whether such a line names a live process of this
// control host; false for another host's line (never judged here: see the caller).
std::string OwnerLine(pid_t pid);
bool OwnerLineAlive(const std::string& line);
// Whether an owner line was written on this control host (its HOST and BOOT_ID match).
bool OwnerLineIsOurs(const std::string& line);

// ~/.ssh/known_hosts of the user running faultline ($HOME, else the password database).
std::string DefaultKnownHostsFile();

// A host name faultline will use: a DNS name or an IPv4 address — dot-separated labels of
// letters, digits, '-' and '_', none empty or starting with '-', at most 253 characters.
// A host name becomes part of a path on the node and of the store's peer list, so anything
// else ("../..", "a/b", "-oProxyCommand=…", spaces, quotes) is refused: InvalidArgument
// naming it.
Status CheckHostName(const std::string& host);

}  // namespace faultline
