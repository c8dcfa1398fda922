#include "db/builtin/builtin_db.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

#include "db/builtin/store_client.h"

namespace faultline {
namespace {

namespace fs = std::filesystem;

Completion ToCompletion(const StoreClient::Reply& r) {
  switch (r.kind) {
    case StoreClient::Reply::Kind::kOk:
      return Completion{OpType::kOk, r.value ? Value::Int(*r.value) : Value(), ""};
    case StoreClient::Reply::Kind::kFail:
      return Completion{OpType::kFail, Value(), r.error};
    case StoreClient::Reply::Kind::kUnknown:
      break;
  }
  return Completion{OpType::kInfo, Value(), r.error};
}

class BuiltinClient : public Client {
 public:
  explicit BuiltinClient(TcpEndpoint home) : home_(std::move(home)) {}

  Completion Invoke(const OpRequest& req, Clock::time_point deadline) override {
    StoreClient::Reply r = Send(req, deadline);
    // A refusal up front ("not primary") did nothing, so it is safe to retry at the primary
    // the node named, once, within the same deadline.
    if (r.kind == StoreClient::Reply::Kind::kFail && !r.primary_address.empty()) {
      auto primary = TcpEndpoint::Parse(r.primary_address);
      if (primary.ok() && primary->ToString() != conn_endpoint_) {
        conn_.reset();
        r = Send(req, deadline, &*primary);
      }
    }
    return ToCompletion(r);
  }

 private:
  StoreClient::Reply Send(const OpRequest& req, Clock::time_point deadline,
                          const TcpEndpoint* to = nullptr) {
    const TcpEndpoint& target = to ? *to : home_;
    if (!conn_ || conn_endpoint_ != target.ToString()) {
      auto remaining =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
      auto c = StoreClient::Connect(target.host, target.port,
                                    std::max(remaining, std::chrono::milliseconds(1)));
      if (!c.ok()) {
        StoreClient::Reply fail;  // nothing was sent
        fail.kind = StoreClient::Reply::Kind::kFail;
        fail.error = c.status().message();
        return fail;
      }
      conn_ = std::move(c).value();
      conn_endpoint_ = target.ToString();
    }
    const std::string& key = req.key.value_or("");
    if (req.f == "read") return conn_->Read(key, deadline);
    if (req.f == "write") return conn_->Write(key, req.value.as_int(), deadline);
    const auto& l = req.value.as_list();
    return conn_->Cas(key, l[0].as_int(), l[1].as_int(), deadline);
  }

  const TcpEndpoint home_;
  std::unique_ptr<StoreClient> conn_;
  std::string conn_endpoint_;
};

}  // namespace

std::string FindStoreBinary() {
  if (const char* env = std::getenv("FAULTLINE_STORE_BIN"); env && *env) return env;
  std::error_code ec;
  fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec && fs::exists(self.parent_path() / "faultline-store")) {
    return (self.parent_path() / "faultline-store").string();
  }
  return FAULTLINE_STORE_BIN;
}

Result<std::unique_ptr<BuiltinDb>> BuiltinDb::Start(const BuiltinDbOptions& options, RunLog& log) {
  auto mode = ParseReplicationMode(options.replication);
  if (!mode.ok()) return mode.status();
  LocalClusterOptions o;
  o.node_count = options.nodes;
  o.replication = *mode;
  o.r = options.r;
  o.w = options.w;
  o.store_binary = FindStoreBinary();
  o.run_dir = options.run_dir;
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
  }
  return d + ", " + std::to_string(options_.nodes) + " nodes)";
}

std::vector<std::string> BuiltinDb::Nodes() const {
  std::vector<std::string> names;
  for (const auto& e : cluster_->Endpoints()) names.push_back(e.name);
  return names;
}

Result<std::unique_ptr<Client>> BuiltinDb::OpenClient(const std::string& node) {
  for (const auto& e : cluster_->Endpoints()) {
    if (e.name == node)
      return std::unique_ptr<Client>(new BuiltinClient(TcpEndpoint{e.host, e.port}));
  }
  return Status::InvalidArgument("no node " + node);
}

std::optional<std::string> BuiltinDb::Primary() {
  auto p = cluster_->Primary();
  if (!p.ok()) return std::nullopt;
  return *p;
}

Status BuiltinDb::CollectLogs(const std::string& dir) {
  for (const auto& e : cluster_->Endpoints()) {
    if (!fs::exists(cluster_->LogPath(e.name))) {
      return Status::IoError("no log for " + e.name + " at " + cluster_->LogPath(e.name).string());
    }
  }
  (void)dir;
  return Status::Ok();
}

}  // namespace faultline
