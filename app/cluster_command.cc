// `faultline cluster up|status|down`: the local network-namespace cluster as a standing
// fixture, for working with nodes by hand or running several tests against one cluster.
#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <iostream>

#include "app/commands.h"
#include "control/netns_cluster.h"

namespace faultline {
namespace {

namespace po = boost::program_options;

constexpr const char* kUsage = R"(usage: faultline cluster <action> [options]

actions:
  up       build a local cluster: one network namespace per node (n1..nN) on a bridge, each
           with its own hostname, PID namespace and sshd; it stays up until `down`
  status   the cluster's nodes, addresses, whether each sshd runs and answers over SSH
  down     remove the cluster: every process in its nodes, namespaces, links, files

Needs root. State (keys, cluster.json) is under /var/lib/faultline/clusters/<name>/.
Exit codes: 0 ok, 3 bad usage, 4 environment or cluster problem (not root, sshd missing,
a node down, no such cluster).
)";

struct ClusterFlags {
  std::string action;
  std::string name = "faultline";
  int nodes = 5;
};

Status ParseFlags(const std::vector<std::string>& args, ClusterFlags* f, bool* help) {
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")(
      "name", po::value(&f->name)->default_value(f->name),
      "cluster name (a-z, 0-9, '-'; namespaces are fl-<name>-nK)")(
      "nodes", po::value(&f->nodes)->default_value(f->nodes), "up: number of nodes, 1-9");
  if (args.empty()) {
    std::cerr << kUsage << "\n" << desc;
    return Status::InvalidArgument("faultline cluster: no action given");
  }
  if (args[0] == "--help" || args[0] == "-h") {
    std::cout << kUsage << "\n" << desc;
    *help = true;
    return Status::Ok();
  }
  f->action = args[0];
  if (f->action != "up" && f->action != "status" && f->action != "down") {
    return Status::InvalidArgument("faultline cluster: unknown action \"" + f->action +
                                   "\"; expected up, status or down");
  }
  try {
    po::variables_map vm;
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    po::store(po::command_line_parser(rest).options(desc).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << kUsage << "\n" << desc;
      *help = true;
      return Status::Ok();
    }
    if (f->action != "up" && !vm["nodes"].defaulted()) {
      return Status::InvalidArgument("faultline cluster " + f->action + ": --nodes is for up");
    }
  } catch (const po::error& e) {
    return Status::InvalidArgument(std::string("faultline cluster ") + f->action + ": " + e.what());
  }
  return ValidateClusterName(f->name);
}

int Fail(const Status& s) {
  std::cerr << s.message() << "\n";
  return s.code() == Status::Code::kInvalidArgument ? kExitBadInput : kExitSetupFailed;
}

void PrintNodes(const NetnsCluster& c) {
  const NetnsClusterState& s = c.state();
  std::printf("  %-8s %-13s bridge %s\n", "control", s.control_address.c_str(), s.bridge.c_str());
  for (const auto& n : s.nodes) {
    std::printf("  %-8s %-13s namespace %s, node dir %s\n", n.name.c_str(), n.address.c_str(),
                n.netns.c_str(), n.node_dir.c_str());
  }
}

int Up(const ClusterFlags& f) {
  NetnsClusterOptions o;
  o.name = f.name;
  o.node_count = f.nodes;
  const auto start = std::chrono::steady_clock::now();
  Result<std::unique_ptr<NetnsCluster>> c = NetnsCluster::Up(o);
  if (!c.ok()) return Fail(c.status());
  (*c)->Disown();  // it outlives this command
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const NetnsClusterState& s = (*c)->state();
  std::printf("%s is up (%.2f s)\n", (*c)->Describe().c_str(), seconds);
  PrintNodes(**c);
  std::printf("ssh to a node:  ssh -i %s -o UserKnownHostsFile=%s root@%s\n", s.client_key.c_str(),
              s.known_hosts.c_str(), s.nodes[0].address.c_str());
  std::printf("take it down:   faultline cluster down --name %s\n", s.name.c_str());
  return kExitValid;
}

void PrintOthers(const std::string& name) {
  std::string others;
  for (const auto& n : NetnsCluster::List()) {
    if (n != name) others += (others.empty() ? "" : ", ") + n;
  }
  if (!others.empty()) std::printf("other local clusters: %s\n", others.c_str());
}

int StatusOf(const ClusterFlags& f) {
  if (Status env = NetnsCluster::CheckEnvironment(); !env.ok()) return Fail(env);
  Result<std::unique_ptr<NetnsCluster>> c = NetnsCluster::Attach(f.name);
  if (!c.ok()) {
    std::cerr << c.status().message() << "\n";
    PrintOthers(f.name);
    return kExitSetupFailed;
  }
  const NetnsClusterState& s = (*c)->state();
  std::printf("%s, control address %s\n", (*c)->Describe().c_str(), s.control_address.c_str());
  std::printf("  %-6s %-13s %-8s %s\n", "node", "address", "sshd", "ssh");
  bool healthy = true;
  for (const auto& h : (*c)->Probe(std::chrono::seconds(5))) {
    healthy = healthy && h.sshd_alive && h.ssh_ok;
    std::printf("  %-6s %-13s %-8s %s\n", h.name.c_str(), h.address.c_str(),
                h.sshd_alive ? "running" : "dead",
                h.ssh_ok ? "ok" : ("error: " + h.detail).c_str());
  }
  PrintOthers(f.name);
  return healthy ? kExitValid : kExitSetupFailed;
}

int Down(const ClusterFlags& f) {
  if (Status env = NetnsCluster::CheckEnvironment(); !env.ok()) return Fail(env);
  const auto present = NetnsCluster::List();
  const bool existed = std::find(present.begin(), present.end(), f.name) != present.end();
  if (Status s = NetnsCluster::Down(f.name); !s.ok()) return Fail(s);
  if (existed) {
    std::printf("local cluster %s removed\n", f.name.c_str());
  } else {
    std::printf("no local cluster named %s; nothing to remove\n", f.name.c_str());
  }
  return kExitValid;
}

}  // namespace

int RunClusterCommand(const std::vector<std::string>& args) {
  ClusterFlags flags;
  bool help = false;
  if (Status s = ParseFlags(args, &flags, &help); !s.ok()) {
    std::cerr << s.message() << "\n(see faultline cluster --help)\n";
    return kExitBadInput;
  }
  if (help) return kExitValid;
  if (flags.action == "up") return Up(flags);
  if (flags.action == "status") return StatusOf(flags);
  return Down(flags);
}

}  // namespace faultline
