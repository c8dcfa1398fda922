#include "db/builtin/server/protocol.h"

#include <limits>

namespace faultline {

using nlohmann::json;

Result<ReplicationMode> ParseReplicationMode(std::string_view text) {
  if (text == "primary") return ReplicationMode::kPrimary;
  if (text == "async") return ReplicationMode::kAsync;
  if (text == "quorum") return ReplicationMode::kQuorum;
  if (text == "crdt") return ReplicationMode::kCrdt;
  return Status::InvalidArgument("replication mode '" + std::string(text) +
                                 "' is not one of primary, async, quorum, crdt");
}

const char* ReplicationModeName(ReplicationMode mode) {
  switch (mode) {
    case ReplicationMode::kPrimary:
      return "primary";
    case ReplicationMode::kAsync:
      return "async";
    case ReplicationMode::kQuorum:
      return "quorum";
    case ReplicationMode::kCrdt:
      return "crdt";
  }
  return "?";
}

namespace {

struct OpName {
  ClientOp op;
  const char* name;
};
constexpr OpName kOpNames[] = {{ClientOp::kRead, "read"},
                               {ClientOp::kWrite, "write"},
                               {ClientOp::kCas, "cas"},
                               {ClientOp::kStatus, "status"},
                               {ClientOp::kAdd, "add"},
                               {ClientOp::kTransfer, "transfer"},
                               {ClientOp::kReadAccounts, "read-accounts"},
                               {ClientOp::kBankInit, "bank-init"}};

std::optional<ClientOp> FindClientOp(std::string_view name) {
  for (const OpName& o : kOpNames) {
    if (name == o.name) return o.op;
  }
  return std::nullopt;
}

// The fields of each op beyond "op" (and the optional "id" and "timeout_ms").
Status ParseOpFields(const json& message, ClientRequest* req) {
  auto string_field = [&](const char* field, std::string* out) {
    Result<std::string> v = GetString(message, field);
    if (v.ok()) *out = *v;
    return v.status();
  };
  auto int_field = [&](const char* field, int64_t* out) {
    Result<int64_t> v = GetInt(message, field);
    if (v.ok()) *out = *v;
    return v.status();
  };
  switch (req->op) {
    case ClientOp::kStatus:
      return Status::Ok();
    case ClientOp::kRead:
      return string_field("key", &req->key);
    case ClientOp::kWrite:
      FAULTLINE_RETURN_IF_ERROR(string_field("key", &req->key));
      return int_field("value", &req->value);
    case ClientOp::kCas:
      FAULTLINE_RETURN_IF_ERROR(string_field("key", &req->key));
      FAULTLINE_RETURN_IF_ERROR(int_field("from", &req->from));
      return int_field("to", &req->to);
    case ClientOp::kAdd:
      FAULTLINE_RETURN_IF_ERROR(string_field("key", &req->key));
      return int_field("delta", &req->delta);
    case ClientOp::kTransfer:
      FAULTLINE_RETURN_IF_ERROR(string_field("from", &req->from_key));
      FAULTLINE_RETURN_IF_ERROR(string_field("to", &req->to_key));
      FAULTLINE_RETURN_IF_ERROR(int_field("amount", &req->amount));
      if (req->amount <= 0) return Status::InvalidInput("field 'amount' must be positive");
      if (req->from_key == req->to_key) {
        return Status::InvalidInput("fields 'from' and 'to' must name different accounts");
      }
      req->allow_negative = GetBoolOr(message, "allow_negative", false);
      return Status::Ok();
    case ClientOp::kReadAccounts: {
      auto keys = message.find("keys");
      if (keys == message.end() || !keys->is_array() || keys->empty()) {
        return Status::InvalidInput("field 'keys' must be a non-empty array of strings");
      }
      for (const json& k : *keys) {
        if (!k.is_string()) return Status::InvalidInput("field 'keys' must hold only strings");
        req->keys.push_back(k.get<std::string>());
      }
      return Status::Ok();
    }
    case ClientOp::kBankInit: {
      auto balances = message.find("balances");
      if (balances == message.end() || !balances->is_object() || balances->empty()) {
        return Status::InvalidInput("field 'balances' must be a non-empty object {key: int}");
      }
      for (auto it = balances->begin(); it != balances->end(); ++it) {
        Result<int64_t> v = GetInt(json{{"balance", it.value()}}, "balance");
        if (!v.ok()) {
          return Status::InvalidInput("balance of '" + it.key() + "' must be a 64-bit integer");
        }
        req->balances.emplace_back(it.key(), *v);
      }
      return Status::Ok();
    }
  }
  return Status::InvalidInput("unknown op");
}

}  // namespace

const char* ClientOpName(ClientOp op) {
  for (const OpName& o : kOpNames) {
    if (op == o.op) return o.name;
  }
  return "?";
}

bool IsClientOp(std::string_view op) { return FindClientOp(op).has_value(); }

Result<ClientRequest> ParseClientRequest(const json& message) {
  ClientRequest req;
  Result<std::string> op_field = GetString(message, "op");
  if (!op_field.ok()) return op_field.status();
  std::optional<ClientOp> op = FindClientOp(*op_field);
  if (!op) return Status::InvalidInput("unknown op '" + *op_field + "'");
  req.op = *op;
  FAULTLINE_RETURN_IF_ERROR(ParseOpFields(message, &req));
  if (req.op == ClientOp::kStatus) return req;
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
