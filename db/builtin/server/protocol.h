// The wire protocol of the built-in store (documented in README.md): one JSON object per
// line in each direction. This file parses client requests, builds replies, and reads typed
// fields out of peer messages. Pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace faultline {

enum class ReplicationMode { kPrimary, kAsync, kQuorum, kCrdt };

Result<ReplicationMode> ParseReplicationMode(std::string_view text);
const char* ReplicationModeName(ReplicationMode mode);

// Error codes carried in the "error" field of a reply.
namespace store_error {
inline constexpr char kMalformed[] = "malformed";       // definite: the request was refused
inline constexpr char kNotPrimary[] = "not-primary";    // definite: refused before anything ran
inline constexpr char kCasMismatch[] = "cas-mismatch";  // definite: the compare failed
inline constexpr char kUnavailable[] = "unavailable";   // definite: nothing was changed
inline constexpr char kTimeout[] = "timeout";           // indefinite: it may still take effect
inline constexpr char kInternal[] = "internal";         // indefinite
inline constexpr char kUnsupported[] = "unsupported";   // definite: the mode does not serve it
inline constexpr char kNotFound[] = "not-found";        // definite: a transfer names no account
inline constexpr char kInsufficientFunds[] = "insufficient-funds";  // definite
}  // namespace store_error

enum class ClientOp { kRead, kWrite, kCas, kStatus, kAdd, kTransfer, kReadAccounts, kBankInit };

// The op's name on the wire ("read-accounts").
const char* ClientOpName(ClientOp op);

// A validated client request.
struct ClientRequest {
  ClientOp op = ClientOp::kRead;
  std::string key;                                        // read, write, cas, add
  int64_t value = 0;                                      // write
  int64_t from = 0;                                       // cas
  int64_t to = 0;                                         // cas
  int64_t delta = 0;                                      // add
  std::string from_key, to_key;                           // transfer: the accounts' keys
  int64_t amount = 0;                                     // transfer, > 0
  bool allow_negative = false;                            // transfer: may `from` go below zero?
  std::vector<std::string> keys;                          // read-accounts
  std::vector<std::pair<std::string, int64_t>> balances;  // bank-init, in the order sent
  std::optional<int64_t> timeout_ms;  // the client's remaining patience, if it sent one
};

// True for the ops ParseClientRequest handles (read, write, cas, status, add, transfer,
// read-accounts, bank-init).
bool IsClientOp(std::string_view op);
// REQUIRES: IsClientOp(message["op"]). InvalidInput names the missing or mistyped field.
Result<ClientRequest> ParseClientRequest(const nlohmann::json& message);

// What a node reports about itself ({"op":"status"}).
struct NodeStatus {
  std::string name;
  std::string mode;
  std::string role;     // "primary", "replica" or "coordinator" (quorum)
  std::string primary;  // empty when unknown or in quorum mode
  int64_t term = 0;
  int64_t last_index = 0;
  int64_t last_term = 0;
  int64_t heard_ms_ago = 0;  // since the last message from the primary (replicas)

  nlohmann::json ToJson() const;
  static Result<NodeStatus> FromJson(const nlohmann::json& j);
};

nlohmann::json OkReply();
nlohmann::json ErrorReply(std::string_view code, bool definite, std::string_view message);

// Typed field access with messages naming the field. Integers must fit in int64.
Result<std::string> GetString(const nlohmann::json& j, const char* field);
Result<int64_t> GetInt(const nlohmann::json& j, const char* field);
// `fallback` when the field is absent or not of the type asked for.
bool GetBoolOr(const nlohmann::json& j, const char* field, bool fallback);
std::string GetStringOr(const nlohmann::json& j, const char* field, std::string fallback);
// Absent or null → nullopt; otherwise an int64.
Result<std::optional<int64_t>> GetNullableInt(const nlohmann::json& j, const char* field);

}  // namespace faultline
