// QuorumEngine: the "quorum" mode, Dynamo-style. Any node coordinates; every node stores
// every key as (value, timestamp, writer) and keeps the newest (last writer wins). A write
// goes to W nodes (the coordinator first, then the next ones in --peers order), stamped with
// the coordinator's wall clock; a read takes the newest of R replies; no read repair, no
// anti-entropy; cas, add and transfer are read-modify-write (one quorum read per key, then one
// quorum write per changed key) and not atomic, nor is read-accounts (a quorum read per key).
// Persisted in DATA_DIR/lww.jsonl.
// Thread-safe: one mutex guards the local map; peer calls run outside it.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "db/builtin/server/append_file.h"
#include "db/builtin/server/file_logger.h"
#include "db/builtin/server/node_options.h"
#include "db/builtin/server/peer_client.h"
#include "db/builtin/server/store_engine.h"

namespace faultline {

class QuorumEngine final : public StoreEngine {
 public:
  // `options` and `logger` must outlive the engine.
  QuorumEngine(const NodeOptions& options, FileLogger& logger);

  Status Start() override;
  nlohmann::json Execute(const ClientRequest& request, Deadline deadline) override;
  nlohmann::json HandlePeer(const std::string& op, const nlohmann::json& message) override;
  NodeStatus GetStatus() override;

 private:
  // A stored value with its last-writer-wins version; ts == 0 means never written.
  struct Versioned {
    std::optional<int64_t> value;
    int64_t ts = 0;
    std::string writer;

    bool NewerThan(const Versioned& other) const {
      return ts != other.ts ? ts > other.ts : writer > other.writer;
    }
    nlohmann::json ToJson(const std::string& key) const;
    static Result<Versioned> FromJson(const nlohmann::json& j);
  };

  // The newest of R replies (this node's included), or an "unavailable" error reply.
  Result<Versioned> QuorumRead(const std::string& key, Deadline deadline);
  // Stores `value` on W nodes (this one first): ok, or an indefinite "timeout" reply.
  nlohmann::json QuorumWrite(const std::string& key, int64_t value, Deadline deadline);
  Versioned LocalGet(const std::string& key);
  Status LocalPut(const std::string& key, const Versioned& v);
  // The other nodes, starting after this one in --peers order.
  std::vector<std::string> Successors() const;

  const NodeOptions& options_;
  FileLogger& logger_;
  PeerClient peer_client_;
  std::mutex mu_;
  std::unique_ptr<AppendFile> file_;                   // guarded by mu_
  std::unordered_map<std::string, Versioned> values_;  // guarded by mu_
  int64_t writes_applied_ = 0;                         // guarded by mu_
};

}  // namespace faultline
