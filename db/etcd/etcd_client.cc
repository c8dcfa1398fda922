#include "db/etcd/etcd_client.h"

#include "core/base64.h"

namespace faultline {

using nlohmann::json;

namespace {

std::string B64(const std::string& s) { return Base64Encode(s); }

// gRPC's InvalidArgument: etcd refused the request as malformed before doing anything.
constexpr int kGrpcInvalidArgument = 3;

// The value of a range answer: null when the key is absent.
Result<Value> ReadValue(const json& body) {
  auto kvs = body.find("kvs");
  if (kvs == body.end() || !kvs->is_array() || kvs->empty()) return Value();
  const json& kv = kvs->front();
  std::string raw;
  if (!kv.is_object() || !kv.value("value", json()).is_string() ||
      !Base64Decode(kv["value"].get<std::string>(), &raw)) {
    // A key created by put with an empty value has no "value" field at all.
    if (kv.is_object() && !kv.contains("value")) return Value::String("");
    return Status::InvalidArgument("unreadable kv in range answer: " + kv.dump().substr(0, 200));
  }
  try {
    size_t used = 0;
    const long long v = std::stoll(raw, &used);
    if (used == raw.size()) return Value::Int(v);
  } catch (const std::exception&) {
  }
  return Value::String(raw);  // not one of ours: the checker will say it was never written
}

}  // namespace

Result<EtcdRequest> EtcdRequestFor(const OpRequest& req, EtcdReads reads) {
  if (!req.key) return Status::InvalidArgument("etcd register op '" + req.f + "' without a key");
  const std::string key = B64(*req.key);
  if (req.f == "read") {
    json body = {{"key", key}};
    if (reads == EtcdReads::kSerializable) body["serializable"] = true;
    return EtcdRequest{"/v3/kv/range", std::move(body)};
  }
  if (req.f == "write" && req.value.is_int()) {
    return EtcdRequest{"/v3/kv/put",
                       {{"key", key}, {"value", B64(std::to_string(req.value.as_int()))}}};
  }
  if (req.f == "cas" && req.value.is_list() && req.value.as_list().size() == 2 &&
      req.value.as_list()[0].is_int() && req.value.as_list()[1].is_int()) {
    const std::string from = std::to_string(req.value.as_list()[0].as_int());
    const std::string to = std::to_string(req.value.as_list()[1].as_int());
    json compare = {{"key", key}, {"result", "EQUAL"}, {"target", "VALUE"}, {"value", B64(from)}};
    json put = {{"request_put", {{"key", key}, {"value", B64(to)}}}};
    return EtcdRequest{"/v3/kv/txn", {{"compare", json::array({compare})},
                                      {"success", json::array({put})}}};
  }
  return Status::InvalidArgument("the etcd client has no register op '" + req.f + "' with value " +
                                 req.value.ToJson());
}

Completion EtcdCompletion(const OpRequest& req, const HttpReply& reply) {
  const bool read = req.f == "read";
  switch (reply.kind) {
    case HttpReply::Kind::kNotSent:
      return Completion::Fail(reply.error, /*unavailable=*/true);
    case HttpReply::Kind::kLost:
      return read ? Completion::Fail(reply.error, true) : Completion::Info(reply.error);
    case HttpReply::Kind::kError: {
      const int code = reply.body.is_object() ? reply.body.value("code", -1) : -1;
      if (read) return Completion::Fail(reply.error, code != kGrpcInvalidArgument);
      // Only a malformed request is certainly not applied; "request timed out", "leader
      // changed" and the like may still commit.
      return code == kGrpcInvalidArgument ? Completion::Fail(reply.error, false)
                                          : Completion::Info(reply.error);
    }
    case HttpReply::Kind::kOk:
      break;
  }
  if (read) {
    Result<Value> v = ReadValue(reply.body);
    if (!v.ok()) return Completion::Fail(v.status().message(), false);
    return Completion::Ok(std::move(v).value());
  }
  if (req.f == "cas" && !reply.body.value("succeeded", false)) {
    return Completion::Fail(
        "compare failed: the value was not " +
            (req.value.is_list() ? req.value.as_list()[0].ToJson() : std::string("?")),
        false);
  }
  return Completion::Ok();
}

namespace {

class EtcdClient : public Client {
 public:
  EtcdClient(const std::string& host, int port, EtcdReads reads) : http_(host, port), reads_(reads) {}

  Completion Invoke(const OpRequest& req, Clock::time_point deadline) override {
    Result<EtcdRequest> r = EtcdRequestFor(req, reads_);
    if (!r.ok()) return Completion::Fail(r.status().message(), false);
    return EtcdCompletion(req, http_.Post(r->path, r->body, deadline));
  }

 private:
  EtcdHttp http_;
  const EtcdReads reads_;
};

}  // namespace

std::unique_ptr<Client> NewEtcdClient(const std::string& host, int port, EtcdReads reads) {
  return std::make_unique<EtcdClient>(host, port, reads);
}

}  // namespace faultline
