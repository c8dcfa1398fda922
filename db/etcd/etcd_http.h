// EtcdHttp: one connection (HTTP/1.1, kept alive) to one etcd member's v3 JSON gateway,
// through cpp-httplib (Debian's libcpp-httplib-dev; only etcd_http.cc includes it). Each call
// tells apart "nothing was sent" from "sent, answer lost" — what makes a write fail or info.
// Not thread-safe: one per worker.
#pragma once

#include <chrono>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

namespace httplib {
class Client;
}

namespace faultline {

struct HttpReply {
  enum class Kind {
    kOk,       // HTTP 200; body holds the JSON answer
    kNotSent,  // the connection could not be opened: the request certainly had no effect
    kLost,     // sent (or maybe sent) but no complete answer by the deadline
    kError,    // an HTTP error status; body holds the gateway's {"error","code","message"}
  };
  Kind kind = Kind::kLost;
  int status = 0;
  nlohmann::json body;
  std::string error;  // what went wrong, for the history's error field
};

class EtcdHttp {
 public:
  EtcdHttp(const std::string& host, int port);
  ~EtcdHttp();
  EtcdHttp(const EtcdHttp&) = delete;
  EtcdHttp& operator=(const EtcdHttp&) = delete;

  // POSTs `body` to `path` (e.g. "/v3/kv/range"), giving up at `deadline`.
  HttpReply Post(const std::string& path, const nlohmann::json& body,
                 std::chrono::steady_clock::time_point deadline);
  // GETs `path` (e.g. "/health").
  HttpReply Get(const std::string& path, std::chrono::steady_clock::time_point deadline);

 private:
  HttpReply Finish(const char* what, const void* result);
  bool SetTimeouts(std::chrono::steady_clock::time_point deadline);

  const std::string where_;  // host:port, for messages
  std::unique_ptr<httplib::Client> client_;
};

}  // namespace faultline
