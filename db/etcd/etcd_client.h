// The register workload against etcd's v3 API through its JSON gateway: read = range
// (linearizable or serializable), write = put, cas = a txn comparing the value. A timed-out or
// ambiguous write or cas is info, a definite refusal fail; a read that fails is fail (it changed
// nothing). The request/answer mapping is pure (EtcdRequestFor, EtcdCompletion) and tested
// alone. A client is one worker's (not thread-safe).
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "db/etcd/etcd_http.h"
#include "harness/client.h"

namespace faultline {

enum class EtcdReads { kLinearizable, kSerializable };

struct EtcdRequest {
  std::string path;     // "/v3/kv/range", "/v3/kv/put", "/v3/kv/txn"
  nlohmann::json body;
};

// The gateway request for a register op; InvalidArgument for an op etcd's client lacks.
Result<EtcdRequest> EtcdRequestFor(const OpRequest& req, EtcdReads reads);
// What the op did, given the gateway's answer.
Completion EtcdCompletion(const OpRequest& req, const HttpReply& reply);

// A client of the member at host:port.
std::unique_ptr<Client> NewEtcdClient(const std::string& host, int port, EtcdReads reads);

}  // namespace faultline
