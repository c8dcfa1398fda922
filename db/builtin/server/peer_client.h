// PeerClient: request/reply calls from one store node to the others, over pooled
// connections (one request in flight per connection). Thread-safe: many connection threads
// call it at once; each call takes its own connections from the pool.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "db/builtin/server/net.h"
#include "db/builtin/server/node_options.h"

namespace faultline {

class PeerClient {
 public:
  // `connect_timeout` bounds each connection attempt (a refused one fails at once).
  PeerClient(std::vector<PeerInfo> peers, std::chrono::milliseconds connect_timeout);
  PeerClient(const PeerClient&) = delete;
  PeerClient& operator=(const PeerClient&) = delete;

  struct PeerReply {
    std::string peer;
    nlohmann::json reply;
  };

  // Sends `request` to `targets` in order, keeping up to `need` requests in flight and moving
  // on to the next target whenever one fails (refused, reset, unparseable reply). Returns the
  // replies once `need` have arrived, or whatever arrived by `deadline` or when the targets ran
  // out. Calls still in flight at return are abandoned (their connections closed).
  std::vector<PeerReply> CallMany(const std::vector<std::string>& targets,
                                  const nlohmann::json& request, size_t need, Deadline deadline);

 private:
  struct InFlight {
    std::string peer;
    std::unique_ptr<LineConnection> conn;
  };

  // A pooled idle connection to `peer`, or a new one; null if it cannot connect.
  std::unique_ptr<LineConnection> Acquire(const std::string& peer, Deadline deadline);
  void Release(const std::string& peer, std::unique_ptr<LineConnection> conn);
  // Starts calls on the next untried targets until `want` are in flight or none are left.
  void Launch(const std::vector<std::string>& targets, size_t* next, size_t want,
              const std::string& line, Deadline deadline, std::vector<InFlight>* in_flight);

  const std::vector<PeerInfo> peers_;
  const std::chrono::milliseconds connect_timeout_;
  std::mutex mu_;
  std::map<std::string, std::vector<std::unique_ptr<LineConnection>>> idle_;  // guarded by mu_
};

}  // namespace faultline
