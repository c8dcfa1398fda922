#include "db/builtin/protocol.h"

#include <limits>

namespace faultline {

using nlohmann::json;

Result<ReplicationMode> ParseReplicationMode(std::string_view text) {
  if (text == "primary") return ReplicationMode::kPrimary;
  if (text == "async") return ReplicationMode::kAsync;
  if (text == "quorum") return ReplicationMode::kQuorum;
  return Status::InvalidArgument("replication mode '" + std::string(text) +
                                 "' is not one of primary, async, quorum");
}

const char* ReplicationModeName(ReplicationMode mode) {
  switch (mode) {
    case ReplicationMode::kPrimary:
      return "primary";
    case ReplicationMode::kAsync:
      return "async";
    case ReplicationMode::kQuorum:
      return "quorum";
  }
  return "?";
}

bool IsClientOp(std::string_view op) {
  return op == "read" || op == "write" || op == "cas" || op == "status";
}

Result<ClientRequest> ParseClientRequest(const json& message) {
  ClientRequest req;
  Result<std::string> op_field = GetString(message, "op");
  if (!op_field.ok()) return op_field.status();
  const std::string& op = *op_field;
  if (op == "status") {
    req.op = ClientOp::kStatus;
    return req;
  }
  Result<std::string> key = GetString(message, "key");
  if (!key.ok()) return key.status();
  req.key = *key;
  if (op == "read") {
    req.op = ClientOp::kRead;
  } else if (op == "write") {
    req.op = ClientOp::kWrite;
    Result<int64_t> value = GetInt(message, "value");
    if (!value.ok()) return value.status();
    req.value = *value;
  } else if (op == "cas") {
    req.op = ClientOp::kCas;
    Result<int64_t> from = GetInt(message, "from");
    if (!from.ok()) return from.status();
    Result<int64_t> to = GetInt(message, "to");
    if (!to.ok()) return to.status();
    req.from = *from;
    req.to = *to;
  } else {
    return Status::InvalidInput("unknown op '" + op + "'");
  }
  Result<std::optional<int64_t>> timeout = GetNullableInt(message, "timeout_ms");
  if (!timeout.ok()) return timeout.status();
  req.timeout_ms = *timeout;
  return req;
}

json NodeStatus::ToJson() const {
  return json{{"ok", true},
              {"name", name},
              {"mode", mode},
              {"role", role},
              {"primary", primary},
              {"term", term},
              {"last_index", last_index},
              {"last_term", last_term},
              {"heard_ms_ago", heard_ms_ago}};
}

Result<NodeStatus> NodeStatus::FromJson(const json& j) {
  NodeStatus s;
  for (auto [field, out] : {std::pair{"name", &s.name},
                            {"mode", &s.mode},
                            {"role", &s.role},
                            {"primary", &s.primary}}) {
    Result<std::string> v = GetString(j, field);
    if (!v.ok()) return v.status();
    *out = *v;
  }
  for (auto [field, out] : {std::pair{"term", &s.term},
                            {"last_index", &s.last_index},
                            {"last_term", &s.last_term},
                            {"heard_ms_ago", &s.heard_ms_ago}}) {
    Result<int64_t> v = GetInt(j, field);
    if (!v.ok()) return v.status();
    *out = *v;
  }
  return s;
}

json OkReply() { return json{{"ok", true}}; }

json ErrorReply(std::string_view code, bool definite, std::string_view message) {
  return json{{"ok", false}, {"error", code}, {"definite", definite}, {"message", message}};
}

Result<std::string> GetString(const json& j, const char* field) {
  auto it = j.find(field);
  if (it == j.end() || !it->is_string()) {
    return Status::InvalidInput(std::string("field '") + field + "' must be a string");
  }
  return it->get<std::string>();
}

Result<int64_t> GetInt(const json& j, const char* field) {
  auto it = j.find(field);
  if (it != j.end() && it->is_number_unsigned()) {
    if (it->get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return static_cast<int64_t>(it->get<uint64_t>());
    }
  } else if (it != j.end() && it->is_number_integer()) {
    return it->get<int64_t>();
  }
  return Status::InvalidInput(std::string("field '") + field + "' must be a 64-bit integer");
}

bool GetBoolOr(const json& j, const char* field, bool fallback) {
  auto it = j.find(field);
  return it != j.end() && it->is_boolean() ? it->get<bool>() : fallback;
}

std::string GetStringOr(const json& j, const char* field, std::string fallback) {
  auto it = j.find(field);
  return it != j.end() && it->is_string() ? it->get<std::string>() : fallback;
}

Result<std::optional<int64_t>> GetNullableInt(const json& j, const char* field) {
  auto it = j.find(field);
  if (it == j.end() || it->is_null()) return std::optional<int64_t>();
  Result<int64_t> v = GetInt(j, field);
  if (!v.ok()) return v.status();
  return std::optional<int64_t>(*v);
}

}  // namespace faultline
