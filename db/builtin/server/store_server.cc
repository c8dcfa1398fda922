#include "db/builtin/server/store_server.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <system_error>
#include <thread>

namespace faultline {

using nlohmann::json;

namespace {

std::string Abbreviate(std::string_view text) {
  constexpr size_t kMax = 300;
  if (text.size() <= kMax) return std::string(text);
  return std::string(text.substr(0, kMax)) + "…(" + std::to_string(text.size()) + " bytes)";
}

}  // namespace

Status StoreServer::Listen() {
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(3);
  while (true) {
    Result<TcpSocket> sock = ListenTcp(options_.listen);
    if (sock.ok()) {
      listener_ = std::move(*sock);
      logger_.Log("listening on ", options_.listen.ToString());
      return Status::Ok();
    }
    if (std::chrono::steady_clock::now() > give_up) return sock.status();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void StoreServer::Serve() {
  uint64_t next_connection = 1;
  while (true) {
    Result<TcpSocket> sock = AcceptTcp(listener_);
    if (!sock.ok()) {  // e.g. out of descriptors: say so, and keep serving who is connected
      logger_.Log("accept failed: ", sock.status().message());
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      continue;
    }
    if (open_connections_.load() >= kMaxConnections) {
      logger_.Log("refusing a connection: ", kMaxConnections, " are open");
      continue;  // closes it
    }
    ++open_connections_;
    try {
      std::thread([this, s = std::move(*sock), id = next_connection++]() mutable {
        ServeConnection(std::move(s), id);
        --open_connections_;
      }).detach();
    } catch (const std::system_error& e) {
      --open_connections_;
      logger_.Log("cannot start a connection thread: ", e.what());
    }
  }
}

void StoreServer::ServeConnection(TcpSocket socket, uint64_t connection) {
  LineConnection conn(std::move(socket), kMaxRequestBytes);
  const Deadline forever = std::chrono::steady_clock::time_point::max();
  while (true) {
    Result<std::string> line = conn.ReadLine(forever);
    if (!line.ok() && line.status().code() != Status::Code::kInvalidInput) return;  // closed
    if (!line.ok()) {  // too long: refuse it and go on with the next line
      logger_.Log("c", connection, ": ", line.status().message());
      json reply = ErrorReply(store_error::kMalformed, true, line.status().message());
      if (!conn.WriteLine(reply.dump(), std::chrono::steady_clock::now() + std::chrono::seconds(5))
               .ok())
        return;
      continue;
    }
    const std::string reply =
        HandleLine(*line, connection).dump(-1, ' ', false, json::error_handler_t::replace);
    const Deadline write_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    if (!conn.WriteLine(reply, write_deadline).ok()) return;
  }
}

json StoreServer::HandleLine(std::string_view line, uint64_t connection) {
  json reply;
  json request = json::parse(line, nullptr, /*allow_exceptions=*/false);
  try {
    if (!request.is_object()) {
      reply = ErrorReply(store_error::kMalformed, true, "a request must be one JSON object");
    } else {
      reply = Dispatch(request);
    }
  } catch (const std::exception& e) {  // a bug, not the client's fault: report, keep serving
    reply = ErrorReply(store_error::kInternal, false, std::string("internal error: ") + e.what());
  }
  if (request.is_object() && request.contains("id")) reply["id"] = request["id"];
  const std::string op = request.is_object() ? GetStringOr(request, "op", "") : "";
  const bool ok = GetBoolOr(reply, "ok", false);
  const bool routine =
      op == "status" || op == "append" || op == "q_get" || op == "q_put" || op == "gossip";
  if (!routine || !ok) {
    logger_.Log("c", connection, ": ", Abbreviate(line), " -> ",
                Abbreviate(reply.dump(-1, ' ', false, json::error_handler_t::replace)));
  }
  return reply;
}

json StoreServer::Dispatch(const json& request) {
  Result<std::string> op = GetString(request, "op");
  if (!op.ok()) return ErrorReply(store_error::kMalformed, true, op.status().message());
  if (!IsClientOp(*op)) return engine_.HandlePeer(*op, request);
  Result<ClientRequest> parsed = ParseClientRequest(request);
  if (!parsed.ok()) return ErrorReply(store_error::kMalformed, true, parsed.status().message());
  if (parsed->op == ClientOp::kStatus) return engine_.GetStatus().ToJson();
  auto budget = options_.op_timeout;
  if (parsed->timeout_ms && *parsed->timeout_ms >= 0) {
    budget = std::min(budget, std::chrono::milliseconds(*parsed->timeout_ms));
  }
  return engine_.Execute(*parsed, std::chrono::steady_clock::now() + budget);
}

}  // namespace faultline
