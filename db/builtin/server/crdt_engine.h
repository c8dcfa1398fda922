// CrdtEngine: the "crdt" mode, a grow-only counter (G-counter) per key. Every node accepts
// adds into its own count for the key, with no coordination; a read returns the sum of the
// counts this node knows. Every gossip_interval a node sends all its counts to every other
// node, which merges them (per node, the larger count wins) and answers with its own, so
// all nodes converge once gossip gets through. Eventually consistent, not linearizable: a
// read elsewhere misses an acknowledged add until gossip carries it. It never loses an
// acknowledged add: a node appends its new count to DATA_DIR/counts.jsonl before answering,
// and a restarted node reloads every count it had. Registers and bank ops are refused.
// Thread-safe: one mutex guards the counts and the file; a gossip thread runs until destroyed.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>

#include "db/builtin/server/append_file.h"
#include "db/builtin/server/file_logger.h"
#include "db/builtin/server/node_options.h"
#include "db/builtin/server/peer_client.h"
#include "db/builtin/server/store_engine.h"

namespace faultline {

class CrdtEngine final : public StoreEngine {
 public:
  // `options` and `logger` must outlive the engine.
  CrdtEngine(const NodeOptions& options, FileLogger& logger);
  ~CrdtEngine() override;

  Status Start() override;
  nlohmann::json Execute(const ClientRequest& request, Deadline deadline) override;
  // "gossip": {"counts":{key:{node:count}}} → merged; the reply carries this node's counts.
  nlohmann::json HandlePeer(const std::string& op, const nlohmann::json& message) override;
  NodeStatus GetStatus() override;

 private:
  using Counts = std::map<std::string, std::map<std::string, int64_t>>;  // key → node → count

  // Raises node's count for key to `count` if that is larger, persisting it first.
  Status RaiseLocked(const std::string& key, const std::string& node, int64_t count);
  // Merges {key:{node:count}}; InvalidInput names what is malformed.
  Status MergeLocked(const nlohmann::json& counts);
  nlohmann::json CountsJsonLocked() const;
  void GossipLoop();
  void GossipOnce();

  const NodeOptions& options_;
  FileLogger& logger_;
  PeerClient peer_client_;
  std::mutex mu_;
  std::condition_variable stop_;       // signalled on stopping
  bool stopping_ = false;              // guarded by mu_
  std::unique_ptr<AppendFile> file_;   // guarded by mu_
  Counts counts_;                      // guarded by mu_
  std::set<std::string> unreachable_;  // only the gossip thread touches it
  std::thread gossip_;
};

}  // namespace faultline
