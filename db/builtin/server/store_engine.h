// StoreEngine: one replication mode of the built-in store, as seen by the server. The server
// parses lines and hands requests here. Implementations are thread-safe: every connection
// thread calls them concurrently.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "core/status.h"
#include "db/builtin/server/net.h"
#include "db/builtin/server/protocol.h"

namespace faultline {

class StoreEngine {
 public:
  StoreEngine() = default;
  StoreEngine(const StoreEngine&) = delete;
  StoreEngine& operator=(const StoreEngine&) = delete;
  virtual ~StoreEngine() = default;  // stops its background threads

  // Loads the data directory and starts background work. Called once, before any request.
  virtual Status Start() = 0;
  // A client read, write or cas; answers by `deadline` (with a "timeout" error if need be).
  virtual nlohmann::json Execute(const ClientRequest& request, Deadline deadline) = 0;
  // A node-to-node message (its "op" is not a client op). Unknown ops → a malformed reply.
  virtual nlohmann::json HandlePeer(const std::string& op, const nlohmann::json& message) = 0;
  virtual NodeStatus GetStatus() = 0;
};

}  // namespace faultline
