// StoreServer: the network face of one store node. It accepts TCP connections and serves
// each on its own thread: read a request line, hand it to the engine, write one reply line.
// Why a thread per connection rather than a poll loop: a client op may wait (for a majority's
// acks, a read round, R or W peers), and a thread keeps that wait a plain condition-variable
// wait in straight-line code. A test drives tens of clients and a few peer connections per
// node, which threads serve without strain on 2 cores; past kMaxConnections we refuse.
// Thread-safe; the server must outlive its connection threads (it lives as long as the
// process, which exits with _exit).
#pragma once

#include <atomic>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "db/builtin/server/file_logger.h"
#include "db/builtin/server/net.h"
#include "db/builtin/server/node_options.h"
#include "db/builtin/server/store_engine.h"

namespace faultline {

class StoreServer {
 public:
  static constexpr int kMaxConnections = 1000;
  static constexpr size_t kMaxRequestBytes = 4 << 20;

  // All three must outlive the server.
  StoreServer(const NodeOptions& options, StoreEngine& engine, FileLogger& logger)
      : options_(options), engine_(engine), logger_(logger) {}
  StoreServer(const StoreServer&) = delete;
  StoreServer& operator=(const StoreServer&) = delete;

  // Binds --listen, retrying briefly while the port is still in use (a quick restart).
  Status Listen();
  // Accepts connections for ever (accept errors are logged and retried). REQUIRES: Listen().
  [[noreturn]] void Serve();
  // One request line in, one reply out; never throws. Exposed for tests.
  nlohmann::json HandleLine(std::string_view line, uint64_t connection);

 private:
  void ServeConnection(TcpSocket socket, uint64_t connection);
  nlohmann::json Dispatch(const nlohmann::json& request);

  const NodeOptions& options_;
  StoreEngine& engine_;
  FileLogger& logger_;
  TcpSocket listener_;
  std::atomic<int> open_connections_{0};
};

}  // namespace faultline
