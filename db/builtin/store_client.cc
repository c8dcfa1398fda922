#include "db/builtin/store_client.h"

namespace faultline {

using nlohmann::json;
using Kind = StoreClient::Reply::Kind;

Result<std::unique_ptr<StoreClient>> StoreClient::Connect(const std::string& host, uint16_t port,
                                                          std::chrono::milliseconds timeout) {
  TcpEndpoint endpoint{host, port};
  Result<TcpSocket> sock = ConnectTcp(endpoint, std::chrono::steady_clock::now() + timeout);
  if (!sock.ok()) return sock.status();
  return std::unique_ptr<StoreClient>(
      new StoreClient(endpoint, std::make_unique<LineConnection>(std::move(*sock))));
}

StoreClient::Reply StoreClient::Read(const std::string& key, Deadline deadline) {
  return Op(json{{"op", "read"}, {"key", key}}, deadline);
}

StoreClient::Reply StoreClient::Write(const std::string& key, int64_t value, Deadline deadline) {
  return Op(json{{"op", "write"}, {"key", key}, {"value", value}}, deadline);
}

StoreClient::Reply StoreClient::Cas(const std::string& key, int64_t from, int64_t to,
                                    Deadline deadline) {
  return Op(json{{"op", "cas"}, {"key", key}, {"from", from}, {"to", to}}, deadline);
}

StoreClient::Reply StoreClient::Add(const std::string& key, int64_t delta, Deadline deadline) {
  return Op(json{{"op", "add"}, {"key", key}, {"delta", delta}}, deadline);
}

StoreClient::Reply StoreClient::Transfer(const std::string& from, const std::string& to,
                                         int64_t amount, bool allow_negative, Deadline deadline) {
  return Op(json{{"op", "transfer"},
                 {"from", from},
                 {"to", to},
                 {"amount", amount},
                 {"allow_negative", allow_negative}},
            deadline);
}

StoreClient::Reply StoreClient::ReadAccounts(const std::vector<std::string>& keys,
                                             Deadline deadline) {
  return Op(json{{"op", "read-accounts"}, {"keys", keys}}, deadline);
}

StoreClient::Reply StoreClient::BankInit(
    const std::vector<std::pair<std::string, int64_t>>& balances, Deadline deadline) {
  json map = json::object();
  for (const auto& [key, balance] : balances) map[key] = balance;
  return Op(json{{"op", "bank-init"}, {"balances", std::move(map)}}, deadline);
}

Result<NodeStatus> StoreClient::GetStatus(Deadline deadline) {
  bool maybe_sent = false;
  Result<json> reply = Call(json{{"op", "status"}}, deadline, &maybe_sent);
  if (!reply.ok()) return reply.status();
  return NodeStatus::FromJson(*reply);
}

Result<json> StoreClient::Call(json request, Deadline deadline, bool* maybe_sent) {
  *maybe_sent = false;
  // A connection the server has closed (it was killed or restarted) is replaced before
  // sending, so a refused reconnect still proves the request never left.
  if (conn_ != nullptr && !conn_->LooksIdleAndOpen()) conn_.reset();
  if (conn_ == nullptr) {
    Result<TcpSocket> sock = ConnectTcp(endpoint_, deadline);
    if (!sock.ok()) return sock.status();
    conn_ = std::make_unique<LineConnection>(std::move(*sock));
  }
  const int64_t id = next_id_++;
  request["id"] = id;
  // Let the server give up a little before we do, so a definite answer can still arrive.
  request["timeout_ms"] = MillisUntil(deadline) * 9 / 10;
  *maybe_sent = true;
  Status st = conn_->WriteLine(request.dump(), deadline);
  while (st.ok()) {
    Result<std::string> line = conn_->ReadLine(deadline);
    if (!line.ok()) {
      st = line.status();
      break;
    }
    Result<json> reply = ParseReplyLine(*line);
    if (!reply.ok()) {
      st = reply.status();
      break;
    }
    if (reply->value("id", json()) == json(id)) return reply;
    // A reply to an earlier request: skip it.
  }
  conn_.reset();
  return st;
}

Result<json> StoreClient::ParseReplyLine(const std::string& line) {
  json reply = json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (reply.is_object()) return reply;
  // The line goes into the op's error, so into the history: keep it short.
  constexpr size_t kShown = 200;
  return Status::IoError("unparseable reply: " +
                         (line.size() > kShown ? line.substr(0, kShown) + "…" : line));
}

StoreClient::Reply StoreClient::Op(json request, Deadline deadline) {
  bool maybe_sent = false;
  Result<json> reply = Call(std::move(request), deadline, &maybe_sent);
  if (!reply.ok()) {
    Reply out;
    out.kind = maybe_sent ? Kind::kUnknown : Kind::kFail;  // unsent: certainly not applied
    out.error = reply.status().message();
    return out;
  }
  return DecodeReply(*reply);
}

StoreClient::Reply StoreClient::DecodeReply(const json& reply) {
  Reply out;
  out.role = GetStringOr(reply, "role", "");
  Result<std::optional<int64_t>> value = GetNullableInt(reply, "value");
  if (value.ok()) out.value = *value;
  if (GetBoolOr(reply, "ok", false)) {
    if (!value.ok()) {  // as below: it happened, but reading it as "absent" would be a lie
      out.kind = Kind::kUnknown;
      out.error = "unreadable value in reply: " + reply.dump();
      return out;
    }
    out.kind = Kind::kOk;
    auto values = reply.find("values");
    if (values != reply.end() && values->is_object()) {
      for (auto it = values->begin(); it != values->end(); ++it) {
        Result<std::optional<int64_t>> v = GetNullableInt(json{{"v", it.value()}}, "v");
        if (!v.ok()) {  // an ok we cannot read: it happened, but we do not know what it said
          out.kind = Kind::kUnknown;
          out.error = "unreadable value of '" + it.key() + "' in reply: " + reply.dump();
          return out;
        }
        out.values[it.key()] = *v;
      }
    }
    return out;
  }
  out.kind = GetBoolOr(reply, "definite", false) ? Kind::kFail : Kind::kUnknown;
  out.error = GetStringOr(reply, "error", "error") + ": " + GetStringOr(reply, "message", "");
  out.primary_hint = GetStringOr(reply, "primary", "");
  out.primary_address = GetStringOr(reply, "primary_address", "");
  return out;
}

}  // namespace faultline
