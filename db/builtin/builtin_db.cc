#include "db/builtin/builtin_db.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "db/builtin/cluster_store.h"
#include "db/builtin/local_cluster.h"
#include "db/builtin/store_client.h"

namespace faultline {
namespace {

namespace fs = std::filesystem;

// Flags every server gets beyond the mode's own.
std::vector<std::string> ServerArgs(const BuiltinDbOptions& options) {
  std::vector<std::string> args = options.extra_args;
  if (options.client.read_from_any) args.insert(args.end(), {"--read-from", "any"});
  return args;
}

}  // namespace

Result<std::unique_ptr<BuiltinDb>> BuiltinDb::Start(const BuiltinDbOptions& options, RunLog& log) {
  auto mode = ParseReplicationMode(options.replication);
  if (!mode.ok()) return mode.status();
  if (options.cluster != nullptr && !options.cluster->shares_host()) {
    ClusterStoreOptions o;
    o.replication = *mode;
    o.r = options.r;
    o.w = options.w;
    o.quorum_versions = options.quorum_versions;
    o.quorum_reads = options.quorum_reads;
    o.extra_args = ServerArgs(options);
    o.logs_dir = options.run_dir + "/nodes";
    log.Info("starting faultline-store on " + options.cluster->Describe() + " (" +
             options.replication + ")");
    auto store = ClusterStore::Start(*options.cluster, *options.tools, std::move(o));
    if (!store.ok()) return store.status();
    return std::unique_ptr<BuiltinDb>(new BuiltinDb(options, std::move(store).value()));
  }
  auto binary = FindLocalTool(NodeTool::kStore);
  if (!binary.ok()) return binary.status();
  LocalClusterOptions o;
  o.node_count = options.nodes;
  o.replication = *mode;
  o.r = options.r;
  o.w = options.w;
  o.quorum_versions = options.quorum_versions;
  o.quorum_reads = options.quorum_reads;
  o.store_binary = *binary;
  o.run_dir = options.run_dir;
  o.extra_args = ServerArgs(options);
  log.Info("starting " + std::to_string(options.nodes) + " faultline-store nodes (" +
           options.replication + ") from " + o.store_binary.string());
  auto cluster = LocalCluster::Start(std::move(o));
  if (!cluster.ok()) return cluster.status();
  return std::unique_ptr<BuiltinDb>(new BuiltinDb(options, std::move(cluster).value()));
}

std::string BuiltinDb::Describe() const {
  std::string d = "builtin (" + options_.replication;
  if (options_.replication == "quorum") {
    d += ", r=" + std::to_string(options_.r) + " w=" + std::to_string(options_.w);
    if (!options_.quorum_versions.empty()) d += " " + options_.quorum_versions;
    if (!options_.quorum_reads.empty()) d += " " + options_.quorum_reads + " reads";
  }
  if (options_.client.read_from_any) d += ", reads from any node";
  return d + ", " + std::to_string(options_.nodes) + " nodes)";
}

std::vector<std::string> BuiltinDb::Nodes() const {
  std::vector<std::string> names;
  for (const auto& e : nodes_->Endpoints()) names.push_back(e.name);
  return names;
}

Result<std::unique_ptr<Client>> BuiltinDb::OpenClient(const std::string& node) {
  std::vector<NodeAddress> endpoints = nodes_->Endpoints();
  for (const auto& e : endpoints) {
    if (e.name == node) {
      return NewBuiltinClient(options_.client, std::move(endpoints), node, clients_opened_++);
    }
  }
  return Status::InvalidArgument("no node " + node);
}

Result<std::vector<NodeAddress>> BuiltinDb::ClientEndpoints() const {
  std::vector<NodeAddress> out;
  for (const NodeAddress& e : nodes_->Endpoints()) out.push_back({e.name, e.host, e.port});
  return out;
}

std::optional<std::string> BuiltinDb::Primary() {
  auto p = nodes_->Primary();
  if (!p.ok()) return std::nullopt;
  return *p;
}

Status BuiltinDb::ClockFaultsSupported() const {
  if (nodes_->clock_library()) return Status::Ok();
  return Status::Unsupported(
      "clock faults need the nodes in network namespaces or on hosts, where faultline-store "
      "runs under faultline's clock library; local processes share this machine's clock");
}

}  // namespace faultline
