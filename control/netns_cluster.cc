#include "control/netns_cluster.h"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <future>
#include <set>

#include "control/local_command.h"
#include "control/netns_network.h"
#include "control/netns_nodes.h"

namespace faultline {
namespace {

namespace fs = std::filesystem;
constexpr int kMaxNodes = 9;
constexpr auto kKillTimeout = std::chrono::seconds(10);

bool OnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/sbin:/usr/bin:/sbin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    const size_t end = std::min(dirs.find(':', start), dirs.size());
    if (::access((dirs.substr(start, end - start) + "/" + program).c_str(), X_OK) == 0) {
      return true;
    }
    start = end + 1;
  }
  return false;
}

// Builds everything but the SSH sessions; fills in keys and PIDs.
Status Build(const NetnsClusterOptions& o, NetnsClusterState* state) {
  {
    Result<SubnetLock> lock = SubnetLock::Acquire(o.state_root);
    if (!lock.ok()) return lock.status();
    Result<std::string> prefix = PickFreeSubnet(o.state_root, o.name);
    if (!prefix.ok()) return prefix.status();
    *state = PlanCluster(o.state_root, o.name, o.node_count, *prefix);
    FAULTLINE_RETURN_IF_ERROR(CreateClusterDirs(*state));
    FAULTLINE_RETURN_IF_ERROR(WriteClusterState(*state));  // claims the subnet
    FAULTLINE_RETURN_IF_ERROR(CreateClusterNetwork(*state));
  }
  FAULTLINE_RETURN_IF_ERROR(GenerateClusterKeys(state));
  FAULTLINE_RETURN_IF_ERROR(WriteNodeFiles(*state));
  Status started = StartNodeSshds(state, o.sshd);
  FAULTLINE_RETURN_IF_ERROR(WriteClusterState(*state));  // PIDs so far, for Down
  FAULTLINE_RETURN_IF_ERROR(started);
  return WaitForSshdPorts(*state, o.ready_timeout);
}

}  // namespace

Status NetnsCluster::CheckEnvironment(const std::string& sshd) {
  if (::geteuid() != 0) {
    return Status::Unsupported(
        "the local cluster needs root (network namespaces, links, sshd per node); run faultline "
        "as root or with sudo, or use local processes instead: faultline test --cluster "
        "processes");
  }
  if (::access(sshd.c_str(), X_OK) != 0) {
    return Status::Unsupported("the local cluster runs an sshd per node, but " + sshd +
                               " is missing; install it: apt-get install openssh-server");
  }
  for (const char* tool : {"ip", "unshare", "ssh-keygen"}) {
    if (!OnPath(tool)) {
      return Status::Unsupported(std::string("the local cluster needs `") + tool +
                                 "`, which is not on PATH; install iproute2, util-linux and "
                                 "openssh-client");
    }
  }
  return Status::Ok();
}

Result<std::unique_ptr<NetnsCluster>> NetnsCluster::Up(const NetnsClusterOptions& o) {
  FAULTLINE_RETURN_IF_ERROR(ValidateClusterName(o.name));
  if (o.node_count < 1 || o.node_count > kMaxNodes) {
    return Status::InvalidArgument("a local cluster has 1 to 9 nodes, not " +
                                   std::to_string(o.node_count));
  }
  FAULTLINE_RETURN_IF_ERROR(CheckEnvironment(o.sshd));
  FAULTLINE_RETURN_IF_ERROR(Down(o.name, o.state_root));  // leftovers of an earlier run
  NetnsClusterState state;
  Status built = Build(o, &state);
  if (!built.ok()) {
    (void)Down(o.name, o.state_root);
    return built;
  }
  std::unique_ptr<NetnsCluster> cluster(new NetnsCluster(state, o.state_root, /*owned=*/true));
  FAULTLINE_RETURN_IF_ERROR(cluster->ConnectAll());  // else destructor: Down
  return cluster;
}

Result<std::unique_ptr<NetnsCluster>> NetnsCluster::Attach(const std::string& name,
                                                           const std::string& state_root) {
  FAULTLINE_RETURN_IF_ERROR(ValidateClusterName(name));
  Result<NetnsClusterState> state = ReadClusterState(state_root, name);
  if (!state.ok()) return state.status();
  return std::unique_ptr<NetnsCluster>(new NetnsCluster(*state, state_root, /*owned=*/false));
}

Status NetnsCluster::Down(const std::string& name, const std::string& state_root) {
  FAULTLINE_RETURN_IF_ERROR(ValidateClusterName(name));
  if (::geteuid() != 0) return CheckEnvironment();
  std::vector<std::string> namespaces = ClusterNamespaces(name);
  Result<NetnsClusterState> state = ReadClusterState(state_root, name);
  // First each node's init: the kernel then kills everything in its PID namespace.
  std::vector<pid_t> inits, launchers;
  if (state.ok()) {
    for (const auto& n : state->nodes) {
      if (n.init_pid > 0 && !n.pid_ns.empty() && PidNamespaceOf(n.init_pid) == n.pid_ns) {
        inits.push_back(n.init_pid);
      }
      launchers.push_back(n.launcher_pid);
    }
  }
  bool killed = KillAndWait(inits, kKillTimeout);
  // Then whatever else lives in the nodes' network namespaces (launchers, `ip netns exec`s).
  for (int round = 0; round < 5; ++round) {
    std::vector<pid_t> pids;
    for (const auto& ns : namespaces) {
      for (pid_t pid : PidsInNetns(ns)) pids.push_back(pid);
    }
    if (pids.empty()) break;
    killed = KillAndWait(pids, kKillTimeout) && killed;
  }
  // Launchers this process started exit on their own once their init is gone; wait for
  // them so that no zombie is left (the others belong to whoever adopted them).
  std::vector<pid_t> children;
  for (pid_t pid : launchers) {
    if (IsOwnChild(pid)) children.push_back(pid);
  }
  killed = KillAndWait(children, kKillTimeout) && killed;
  Status removed = RemoveClusterNetwork(name, namespaces);
  std::error_code ec;
  for (int i = 1; i <= kMaxNodes; ++i) fs::remove_all("/etc/netns/" + NodeNetnsName(name, i), ec);
  if (fs::exists("/etc/netns", ec) && fs::is_empty("/etc/netns", ec)) {
    // Under the lock Up holds while it creates /etc/netns/<ns>, so this never races it.
    Result<SubnetLock> lock = SubnetLock::Acquire(state_root);
    if (lock.ok() && fs::is_empty("/etc/netns", ec)) fs::remove("/etc/netns", ec);
  }
  fs::remove_all(ClusterStateDir(state_root, name), ec);
  fs::remove_all(ClusterNodesDir(state_root, name), ec);
  if (!removed.ok()) return removed;
  if (!killed) {
    return Status::IoError("some processes of local cluster " + name +
                           " did not exit within 10 s of SIGKILL (in uninterruptible sleep?)");
  }
  return Status::Ok();
}

std::vector<std::string> NetnsCluster::List(const std::string& state_root) {
  std::set<std::string> names;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(state_root + "/clusters", ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_directory() && ValidateClusterName(name).ok()) names.insert(name);
  }
  for (const auto& name : NamespaceClusterNames()) names.insert(name);
  return {names.begin(), names.end()};
}

NetnsCluster::NetnsCluster(NetnsClusterState state, std::string state_root, bool owned)
    : state_(std::move(state)), state_root_(std::move(state_root)), owned_(owned) {
  for (const auto& n : state_.nodes) {
    nodes_.push_back({n.name, n.address});
    SshRemoteOptions o;
    o.name = n.name;
    o.host = n.address;
    o.user = "root";
    o.private_key_file = state_.client_key;
    o.host_key_sha256 = n.host_key_sha256;
    remotes_.push_back(std::make_unique<SshRemote>(o));
  }
}

NetnsCluster::~NetnsCluster() {
  if (owned_) (void)TearDown();
}

Status NetnsCluster::TearDown() {
  for (auto& r : remotes_) r->Disconnect();
  owned_ = false;
  return Down(state_.name, state_root_);
}

std::string NetnsCluster::Describe() const {
  return "local cluster " + state_.name + " (" + std::to_string(state_.nodes.size()) +
         (state_.nodes.size() == 1 ? " node, " : " nodes, ") + state_.subnet + ")";
}

Status NetnsCluster::ConnectAll() {
  std::vector<std::future<Status>> connects;
  for (auto& r : remotes_) {
    connects.push_back(std::async(std::launch::async, [&r] { return r->Connect(); }));
  }
  Status first = Status::Ok();
  for (auto& c : connects) {
    Status s = c.get();
    if (first.ok() && !s.ok()) first = s;
  }
  return first;
}

std::vector<NetnsNodeHealth> NetnsCluster::Probe(std::chrono::milliseconds timeout) {
  std::vector<std::future<NetnsNodeHealth>> probes;
  for (size_t i = 0; i < state_.nodes.size(); ++i) {
    probes.push_back(std::async(std::launch::async, [this, i, timeout] {
      const NetnsNodeState& n = state_.nodes[i];
      NetnsNodeHealth h;
      h.name = n.name;
      h.address = n.address;
      h.sshd_alive = n.init_pid > 0 && PidNamespaceOf(n.init_pid) == n.pid_ns;
      Result<ExecResult> r = remotes_[i]->Exec("hostname", timeout);
      std::string host = r.ok() ? r->out : "";
      while (!host.empty() && (host.back() == '\n' || host.back() == '\r')) host.pop_back();
      h.ssh_ok = r.ok() && r->exit_status == 0 && host == n.name;
      if (!r.ok()) {
        h.detail = r.status().message();
      } else if (!h.ssh_ok) {
        h.detail = "`hostname` answered \"" + host + "\" (exit " + std::to_string(r->exit_status) +
                   "), expected " + n.name;
      } else if (!h.sshd_alive) {
        h.detail = "init PID " + std::to_string(n.init_pid) + " is not the recorded one";
      }
      return h;
    }));
  }
  std::vector<NetnsNodeHealth> out;
  for (auto& p : probes) out.push_back(p.get());
  return out;
}

}  // namespace faultline
