// StoreClient: a client of one faultline-store node — register reads, writes and cas, counter
// adds, bank transfers, reads of several accounts and the bank's set-up — over one TCP
// connection, each bounded by a deadline, with every outcome sorted into ok / fail /
// unknown the way a Jepsen history needs it. Not thread-safe: give each worker its own.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/status.h"
#include "db/builtin/server/net.h"
#include "db/builtin/server/protocol.h"

namespace faultline {

class StoreClient {
 public:
  struct Reply {
    enum class Kind {
      kOk,       // it happened; value holds a read's result (nullopt = the key is absent)
      kFail,     // it certainly did not happen: compare failed, refused up front, malformed,
                 // or the connection could not even be opened
      kUnknown,  // timeout, connection lost, or anything ambiguous: it may have happened
    };
    Kind kind = Kind::kUnknown;
    std::optional<int64_t> value;  // read: the value; failed cas: the value found, if sent
    // read-accounts: each key asked for and its value (nullopt: absent)
    std::map<std::string, std::optional<int64_t>> values;
    std::string error;            // "code: message" when not kOk
    std::string primary_hint;     // not-primary: the node the server named as primary
    std::string primary_address;  // ... and its host:port, to redirect to
    std::string role;             // the answering node's role when it decided, if it said

    bool ok() const { return kind == Kind::kOk; }
  };

  // Connects to host:port within `timeout`.
  static Result<std::unique_ptr<StoreClient>> Connect(const std::string& host, uint16_t port,
                                                      std::chrono::milliseconds timeout);
  StoreClient(const StoreClient&) = delete;
  StoreClient& operator=(const StoreClient&) = delete;

  Reply Read(const std::string& key, Deadline deadline);
  Reply Write(const std::string& key, int64_t value, Deadline deadline);
  Reply Cas(const std::string& key, int64_t from, int64_t to, Deadline deadline);
  Reply Add(const std::string& key, int64_t delta, Deadline deadline);
  Reply Transfer(const std::string& from, const std::string& to, int64_t amount,
                 bool allow_negative, Deadline deadline);
  Reply ReadAccounts(const std::vector<std::string>& keys, Deadline deadline);
  // Sets every key to its balance unless one of them already exists (safe to retry).
  Reply BankInit(const std::vector<std::pair<std::string, int64_t>>& balances, Deadline deadline);
  // The node's self-report (role, primary, term, log length).
  Result<NodeStatus> GetStatus(Deadline deadline);

  const TcpEndpoint& endpoint() const { return endpoint_; }

  // How a reply line is read: a JSON object, or IoError "unparseable reply: LINE" (the line
  // cut to 200 bytes). Pure.
  static Result<nlohmann::json> ParseReplyLine(const std::string& line);
  // Sorts the reply object to one request into ok / fail / unknown, with the value(s) read
  // and the error. Pure; whatever a node sends, this returns a Reply (fuzz/store_reply_fuzzer.cc).
  static Reply DecodeReply(const nlohmann::json& reply);

 private:
  StoreClient(TcpEndpoint endpoint, std::unique_ptr<LineConnection> conn)
      : endpoint_(std::move(endpoint)), conn_(std::move(conn)) {}

  // Sends `request` and returns the raw reply object. On any error after the request may
  // have been sent, the connection is dropped (a late reply must not answer the next call)
  // and *maybe_sent says whether it could have reached the server.
  Result<nlohmann::json> Call(nlohmann::json request, Deadline deadline, bool* maybe_sent);
  Reply Op(nlohmann::json request, Deadline deadline);

  TcpEndpoint endpoint_;
  std::unique_ptr<LineConnection> conn_;  // null after an error; reopened by the next call
  int64_t next_id_ = 1;
};

}  // namespace faultline
