#include "db/etcd/etcd_http.h"

#include <httplib.h>

namespace faultline {

using std::chrono::steady_clock;

EtcdHttp::EtcdHttp(const std::string& host, int port)
    : where_(host + ":" + std::to_string(port)),
      client_(std::make_unique<httplib::Client>(host, port)) {
  client_->set_keep_alive(true);
  client_->set_tcp_nodelay(true);  // headers and body go out as two writes: no Nagle wait
}

EtcdHttp::~EtcdHttp() = default;

bool EtcdHttp::SetTimeouts(steady_clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - steady_clock::now());
  if (left.count() <= 0) return false;
  const time_t sec = static_cast<time_t>(left.count() / 1000000);
  const time_t usec = static_cast<time_t>(left.count() % 1000000);
  client_->set_connection_timeout(sec, usec);
  client_->set_read_timeout(sec, usec);
  client_->set_write_timeout(sec, usec);
  return true;
}

HttpReply EtcdHttp::Finish(const char* what, const void* opaque) {
  const httplib::Result& res = *static_cast<const httplib::Result*>(opaque);
  HttpReply r;
  if (!res) {
    const httplib::Error e = res.error();
    // A connect that failed or timed out sent nothing; any later failure may have sent it all.
    r.kind = e == httplib::Error::Connection || e == httplib::Error::ConnectionTimeout
                 ? HttpReply::Kind::kNotSent
                 : HttpReply::Kind::kLost;
    r.error = std::string(what) + " " + where_ + ": " +
              (r.kind == HttpReply::Kind::kNotSent ? "could not connect" : "no complete answer") +
              " (" + httplib::to_string(e) + ")";
    return r;
  }
  r.status = res->status;
  r.body = nlohmann::json::parse(res->body, nullptr, /*allow_exceptions=*/false);
  if (res->status == 200 && r.body.is_object()) {
    r.kind = HttpReply::Kind::kOk;
    return r;
  }
  r.kind = res->status == 200 ? HttpReply::Kind::kLost : HttpReply::Kind::kError;
  std::string message = r.body.is_object() ? r.body.value("message", std::string())
                                           : res->body.substr(0, 200);
  r.error = std::string(what) + " " + where_ + ": HTTP " + std::to_string(res->status) +
            (message.empty() ? "" : ": " + message);
  return r;
}

HttpReply EtcdHttp::Post(const std::string& path, const nlohmann::json& body,
                         steady_clock::time_point deadline) {
  if (!SetTimeouts(deadline)) return {HttpReply::Kind::kNotSent, 0, {}, "deadline passed before sending"};
  httplib::Result res = client_->Post(path.c_str(), body.dump(), "application/json");
  return Finish(path.c_str(), &res);
}

HttpReply EtcdHttp::Get(const std::string& path, steady_clock::time_point deadline) {
  if (!SetTimeouts(deadline)) return {HttpReply::Kind::kNotSent, 0, {}, "deadline passed before sending"};
  httplib::Result res = client_->Get(path.c_str());
  return Finish(path.c_str(), &res);
}

}  // namespace faultline
