#include "control/netns_state.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/hash.h"

namespace faultline {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

json ToJson(const NetnsNodeState& n) {
  return {{"name", n.name},
          {"address", n.address},
          {"netns", n.netns},
          {"veth", n.veth},
          {"node_dir", n.node_dir},
          {"host_key_sha256", n.host_key_sha256},
          {"launcher_pid", n.launcher_pid},
          {"init_pid", n.init_pid},
          {"pid_ns", n.pid_ns}};
}

NetnsNodeState NodeFromJson(const json& j) {
  NetnsNodeState n;
  n.name = j.at("name").get<std::string>();
  n.address = j.at("address").get<std::string>();
  n.netns = j.at("netns").get<std::string>();
  n.veth = j.at("veth").get<std::string>();
  n.node_dir = j.at("node_dir").get<std::string>();
  n.host_key_sha256 = j.value("host_key_sha256", "");
  n.launcher_pid = j.value("launcher_pid", 0);
  n.init_pid = j.value("init_pid", 0);
  n.pid_ns = j.value("pid_ns", "");
  return n;
}

}  // namespace

Status ValidateClusterName(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 24 && name.front() != '-';
  for (char c : name) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-');
  if (ok) return Status::Ok();
  return Status::InvalidArgument("cluster name \"" + name +
                                 "\": expected 1-24 characters of a-z, 0-9 and '-', not "
                                 "starting with '-'");
}

std::string ClusterLinkId(const std::string& name) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%06x", Fnv1a32(name) & 0xffffff);
  return buf;
}

std::string NodeNetnsName(const std::string& cluster, int node) {
  return "fl-" + cluster + "-n" + std::to_string(node);
}

std::string ClusterOfNetns(const std::string& netns) {
  if (netns.rfind("fl-", 0) != 0) return "";
  const size_t n = netns.rfind("-n");
  if (n == std::string::npos || n <= 3 || n + 2 >= netns.size()) return "";
  for (size_t i = n + 2; i < netns.size(); ++i) {
    if (netns[i] < '0' || netns[i] > '9') return "";
  }
  const std::string name = netns.substr(3, n - 3);
  return ValidateClusterName(name).ok() ? name : "";
}

std::string ClusterLinkAlias(const std::string& name) { return "faultline:" + name; }

std::string ClusterStateDir(const std::string& root, const std::string& name) {
  return root + "/clusters/" + name;
}

std::string ClusterNodesDir(const std::string& root, const std::string& name) {
  return root + "/nodes/" + name;
}

NetnsClusterState PlanCluster(const std::string& root, const std::string& name, int node_count,
                              const std::string& subnet_prefix) {
  NetnsClusterState s;
  s.name = name;
  s.link_id = ClusterLinkId(name);
  s.bridge = "fl" + s.link_id + "br";
  s.subnet = subnet_prefix + "0/24";
  s.control_address = subnet_prefix + "1";
  s.state_dir = ClusterStateDir(root, name);
  s.nodes_dir = ClusterNodesDir(root, name);
  s.client_key = s.state_dir + "/id_ed25519";
  s.known_hosts = s.state_dir + "/known_hosts";
  for (int i = 1; i <= node_count; ++i) {
    NetnsNodeState n;
    n.name = "n" + std::to_string(i);
    n.address = subnet_prefix + std::to_string(10 + i);
    n.netns = NodeNetnsName(name, i);
    n.veth = "fl" + s.link_id + n.name;
    n.node_dir = s.nodes_dir + "/" + n.name;
    s.nodes.push_back(n);
  }
  return s;
}

Status WriteClusterState(const NetnsClusterState& s) {
  json nodes = json::array();
  for (const auto& n : s.nodes) nodes.push_back(ToJson(n));
  const json j = {{"name", s.name},
                  {"link_id", s.link_id},
                  {"bridge", s.bridge},
                  {"subnet", s.subnet},
                  {"control_address", s.control_address},
                  {"state_dir", s.state_dir},
                  {"nodes_dir", s.nodes_dir},
                  {"client_key", s.client_key},
                  {"known_hosts", s.known_hosts},
                  {"nodes", nodes}};
  const std::string path = s.state_dir + "/cluster.json";
  const std::string temp = path + ".tmp";
  {
    std::ofstream out(temp, std::ios::trunc);
    out << j.dump(2) << "\n";
    if (!out.flush()) return Status::IoError("cannot write " + temp);
  }
  std::error_code ec;
  fs::rename(temp, path, ec);
  if (ec) return Status::IoError("cannot write " + path + ": " + ec.message());
  return Status::Ok();
}

Result<NetnsClusterState> ReadClusterState(const std::string& root, const std::string& name) {
  const std::string path = ClusterStateDir(root, name) + "/cluster.json";
  std::ifstream in(path);
  if (!in) {
    return Status::InvalidArgument("no local cluster named \"" + name + "\" (" + path +
                                   " does not exist); start one with `faultline cluster up`");
  }
  try {
    const json j = json::parse(in);
    NetnsClusterState s;
    s.name = j.at("name").get<std::string>();
    s.link_id = j.at("link_id").get<std::string>();
    s.bridge = j.at("bridge").get<std::string>();
    s.subnet = j.at("subnet").get<std::string>();
    s.control_address = j.at("control_address").get<std::string>();
    s.state_dir = j.at("state_dir").get<std::string>();
    s.nodes_dir = j.at("nodes_dir").get<std::string>();
    s.client_key = j.at("client_key").get<std::string>();
    s.known_hosts = j.value("known_hosts", "");
    for (const auto& n : j.at("nodes")) s.nodes.push_back(NodeFromJson(n));
    return s;
  } catch (const std::exception& e) {
    return Status::InvalidInput(path + ": " + e.what() +
                                "; expected a cluster.json written by faultline (remove the "
                                "cluster with `faultline cluster down --name " +
                                name + "`)");
  }
}

}  // namespace faultline
