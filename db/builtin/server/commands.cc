#include "db/builtin/server/commands.h"

namespace faultline {

using nlohmann::json;

namespace {

std::string Show(std::optional<int64_t> v) { return v ? std::to_string(*v) : "null"; }

Decision Refuse(const char* code, const std::string& message) {
  return Decision{{}, ErrorReply(code, /*definite=*/true, message)};
}

Decision DecideCas(const ClientRequest& r, const Lookup& current) {
  std::optional<int64_t> found = current(r.key);
  if (found != r.from) {
    Decision d = Refuse(store_error::kCasMismatch,
                        "expected " + std::to_string(r.from) + ", found " + Show(found));
    d.reply["value"] = found ? json(*found) : json(nullptr);
    return d;
  }
  return Decision{{{r.key, KeyChange::Kind::kSet, r.to}}, OkReply()};
}

Decision DecideTransfer(const ClientRequest& r, const Lookup& current) {
  std::optional<int64_t> from = current(r.from_key);
  std::optional<int64_t> to = current(r.to_key);
  if (!from || !to) {
    return Refuse(store_error::kNotFound, "no account '" + (from ? r.to_key : r.from_key) +
                                              "' (send bank-init before transfers)");
  }
  if (*from - r.amount < 0 && !r.allow_negative) {
    Decision d = Refuse(store_error::kInsufficientFunds,
                        "account '" + r.from_key + "' holds " + std::to_string(*from) +
                            ", less than " + std::to_string(r.amount));
    d.reply["balance"] = *from;
    return d;
  }
  return Decision{
      {{r.from_key, KeyChange::Kind::kAdd, -r.amount}, {r.to_key, KeyChange::Kind::kAdd, r.amount}},
      OkReply()};
}

Decision DecideBankInit(const ClientRequest& r, const Lookup& current) {
  Decision d{{}, OkReply()};
  for (const auto& [key, balance] : r.balances) {
    if (current(key)) {  // already set up (by an earlier, perhaps retried, bank-init)
      d.reply["initialized"] = false;
      return d;
    }
    d.changes.push_back({key, KeyChange::Kind::kSet, balance});
  }
  d.reply["initialized"] = true;
  return d;
}

}  // namespace

int64_t ApplyChange(const KeyChange& change, std::optional<int64_t> current) {
  return change.kind == KeyChange::Kind::kSet ? change.value : current.value_or(0) + change.value;
}

Decision Decide(const ClientRequest& request, const Lookup& current) {
  switch (request.op) {
    case ClientOp::kWrite:
      return Decision{{{request.key, KeyChange::Kind::kSet, request.value}}, OkReply()};
    case ClientOp::kCas:
      return DecideCas(request, current);
    case ClientOp::kAdd:
      return Decision{{{request.key, KeyChange::Kind::kAdd, request.delta}}, OkReply()};
    case ClientOp::kTransfer:
      return DecideTransfer(request, current);
    case ClientOp::kBankInit:
      return DecideBankInit(request, current);
    case ClientOp::kRead:
    case ClientOp::kReadAccounts:
    case ClientOp::kStatus:
      break;
  }
  return Decision{{},
                  ErrorReply(store_error::kInternal, /*definite=*/true,
                             std::string("not a state-changing op: ") + ClientOpName(request.op))};
}

std::vector<std::string> RequestKeys(const ClientRequest& request) {
  switch (request.op) {
    case ClientOp::kTransfer:
      return {request.from_key, request.to_key};
    case ClientOp::kReadAccounts:
      return request.keys;
    case ClientOp::kBankInit: {
      std::vector<std::string> keys;
      for (const auto& [key, balance] : request.balances) keys.push_back(key);
      return keys;
    }
    case ClientOp::kStatus:
      return {};
    default:
      return {request.key};
  }
}

bool IsReadOnly(ClientOp op) { return op == ClientOp::kRead || op == ClientOp::kReadAccounts; }

json ReadReply(const ClientRequest& request, const Lookup& current) {
  json reply = OkReply();
  if (request.op == ClientOp::kRead) {
    std::optional<int64_t> v = current(request.key);
    reply["value"] = v ? json(*v) : json(nullptr);
    return reply;
  }
  json values = json::object();
  for (const std::string& key : request.keys) {
    std::optional<int64_t> v = current(key);
    values[key] = v ? json(*v) : json(nullptr);
  }
  reply["values"] = std::move(values);
  return reply;
}

}  // namespace faultline
