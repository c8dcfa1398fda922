// QuorumEngine: the "quorum" mode, Dynamo-style, with the settings of the classic quorum
// trade-offs. Any node coordinates; every node stores every key as (value, stamp, writer) and
// keeps the greatest (stamp, writer). A write goes to W nodes (the coordinator first, then the
// next ones in --peers order); its stamp is the coordinator's wall clock (--quorum-versions
// lww) or one more than the highest version among R nodes (versioned). A read gathers R
// replies (this node's first) and answers the newest (--quorum-reads plain), the newest once
// it is stored on W nodes (write-back, as in ABD), or the value most replies hold
// (majority-vote). No read repair otherwise, no anti-entropy; cas, add and transfer are
// read-modify-write (one quorum read per key, then one quorum write per changed key) and not
// atomic, nor is read-accounts (a quorum read per key). Persisted in DATA_DIR/lww.jsonl.
// Thread-safe: one mutex guards the local map; peer calls run outside it.
#pragma once

#include <atomic>
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
  // A stored value with its version: (stamp, writer) orders them, the greater wins. The stamp
  // is wall-clock ns (lww) or a version number (versioned); 0 means never written.
  struct Versioned {
    std::optional<int64_t> value;
    int64_t stamp = 0;
    std::string writer;

    bool NewerThan(const Versioned& other) const {
      return stamp != other.stamp ? stamp > other.stamp : writer > other.writer;
    }
    bool SameVersion(const Versioned& other) const {
      return stamp == other.stamp && writer == other.writer;
    }
    nlohmann::json ToJson(const std::string& key) const;
    static Result<Versioned> FromJson(const nlohmann::json& j);
  };

  // read, read-accounts: each key's value as --quorum-reads chooses it.
  nlohmann::json Read(const ClientRequest& request, Deadline deadline);
  Result<std::optional<int64_t>> ReadValue(const std::string& key, Deadline deadline);
  // write, and the writes of cas, add and transfer: `value` with a new version, stored on W
  // nodes. `read` is the key's newest version if the op has just read it (versioned writes
  // read it otherwise). An ok reply, a definite "unavailable" (versioned: the version could
  // not be read) or an indefinite "timeout".
  nlohmann::json Write(const std::string& key, int64_t value, const Versioned* read,
                       Deadline deadline);
  // R replies for `key`, this node's first, then the peers' in the order they came; or
  // IoError when fewer than R answered.
  Result<std::vector<Versioned>> GatherReplies(const std::string& key, Deadline deadline);
  // Stores `v` on this node, then on the next nodes until W in all have it. Returns how many
  // have it (at most W), or an error for a local I/O failure.
  Result<size_t> Replicate(const std::string& key, const Versioned& v, Deadline deadline);
  // versioned: a writer id no other write of this cluster uses (this node's name and a count).
  std::string NextWriter();
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
  std::atomic<uint64_t> writes_coordinated_{0};        // versioned: NextWriter's count
};

}  // namespace faultline
