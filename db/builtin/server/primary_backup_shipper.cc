// The primary's side of log shipping: one thread per replica sends "append" messages (new
// entries, heartbeats and read-confirmation rounds) and folds the replies into Progress.
#include <algorithm>

#include "db/builtin/server/primary_backup_engine.h"

namespace faultline {

using nlohmann::json;

namespace {
constexpr int64_t kMaxBatch = 1000;  // entries per append message
constexpr std::chrono::milliseconds kRetryDelay{100};
}  // namespace

void PrimaryBackupEngine::ShipLoop(size_t peer) {
  const std::string& name = options_.peers[peer].name;
  std::unique_ptr<LineConnection> conn;
  bool failing = false;
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    if (!ShipDueLocked(peer, Clock::now())) {
      changed_.wait_until(lock, NextShipTimeLocked(peer));
      continue;
    }
    Shipment shipment = PrepareShipmentLocked(peer);
    lock.unlock();
    Result<json> reply = Exchange(peer, &conn, shipment.message.dump());
    lock.lock();
    if (!reply.ok()) {
      conn.reset();
      progress_[peer].retry_at = Clock::now() + kRetryDelay;
      if (!failing) logger_.Log("cannot reach ", name, ": ", reply.status().message());
      failing = true;
      continue;
    }
    if (failing) logger_.Log("reached ", name, " again");
    failing = false;
    OnShipReplyLocked(peer, shipment, *reply);
  }
}

bool PrimaryBackupEngine::ShipDueLocked(size_t peer, Clock::time_point now) const {
  if (!IsPrimaryLocked()) return false;
  const Progress& p = progress_[peer];
  if (now < p.retry_at) return false;
  if (p.sent_round < read_round_) return true;
  auto interval = synchronous() ? options_.heartbeat_interval : options_.replication_interval;
  if (now - p.last_sent >= interval) return true;
  return synchronous() && p.next_index <= log_->LastIndex();
}

PrimaryBackupEngine::Clock::time_point PrimaryBackupEngine::NextShipTimeLocked(size_t peer) const {
  if (!IsPrimaryLocked()) return Clock::now() + std::chrono::seconds(1);  // woken on promotion
  const Progress& p = progress_[peer];
  auto interval = synchronous() ? options_.heartbeat_interval : options_.replication_interval;
  return std::max(p.last_sent + interval, p.retry_at);
}

PrimaryBackupEngine::Shipment PrimaryBackupEngine::PrepareShipmentLocked(size_t peer) {
  Progress& p = progress_[peer];
  const int64_t last = log_->LastIndex();
  p.next_index = std::clamp<int64_t>(p.next_index, 1, last + 1);
  Shipment s;
  s.term = log_->term();
  s.prev_index = p.next_index - 1;
  s.count = std::min(last - s.prev_index, kMaxBatch);
  s.round = read_round_;
  json entries = json::array();
  for (int64_t i = 1; i <= s.count; ++i) entries.push_back(log_->At(s.prev_index + i).ToJson());
  s.message = json{{"op", "append"},
                   {"term", s.term},
                   {"leader", options_.name},
                   {"prev_index", s.prev_index},
                   {"prev_term", log_->TermAt(s.prev_index)},
                   {"entries", std::move(entries)}};
  p.sent_round = s.round;
  p.last_sent = Clock::now();
  return s;
}

Result<json> PrimaryBackupEngine::Exchange(size_t peer, std::unique_ptr<LineConnection>* conn,
                                           const std::string& line) {
  const Deadline deadline = Clock::now() + options_.peer_timeout;
  if (*conn == nullptr) {
    Result<TcpSocket> sock = ConnectTcp(options_.peers[peer].endpoint, deadline);
    if (!sock.ok()) return sock.status();
    *conn = std::make_unique<LineConnection>(std::move(*sock));
  }
  FAULTLINE_RETURN_IF_ERROR((*conn)->WriteLine(line, deadline));
  Result<std::string> reply_line = (*conn)->ReadLine(deadline);
  if (!reply_line.ok()) return reply_line.status();
  json reply = json::parse(*reply_line, nullptr, /*allow_exceptions=*/false);
  if (!reply.is_object()) return Status::IoError("unparseable reply: " + *reply_line);
  return reply;
}

void PrimaryBackupEngine::OnShipReplyLocked(size_t peer, const Shipment& s, const json& reply) {
  Result<int64_t> reply_term = GetInt(reply, "term");
  const std::string other = GetStringOr(reply, "primary", "");
  if (reply_term.ok() && *reply_term > log_->term()) {
    logger_.Log(options_.peers[peer].name, " is in term ", *reply_term, " with primary '", other,
                "'");
    FollowLocked(*reply_term, other);
    return;
  }
  if (!IsPrimaryLocked() || log_->term() != s.term) return;  // things moved on meanwhile
  Progress& p = progress_[peer];
  const bool ok = GetBoolOr(reply, "ok", false);
  const std::string error = GetStringOr(reply, "error", "");
  if (!ok && error == "rejected") {
    // Another primary in our term with a lower name wins the tie.
    if (!other.empty() && other < options_.name)
      FollowLocked(s.term, other);
    else
      p.retry_at = Clock::now() + kRetryDelay;
    return;
  }
  if (!ok && error != "log-mismatch") {
    logger_.Log(options_.peers[peer].name, " refused an append: ", reply.dump());
    p.retry_at = Clock::now() + kRetryDelay;
    return;
  }
  p.acked_round = std::max(p.acked_round, s.round);  // it answered as our replica
  if (ok) {
    p.match_index = std::max(p.match_index, s.prev_index + s.count);
    p.next_index = s.prev_index + s.count + 1;
    p.conflict_step = 1;
    if (s.count == kMaxBatch) p.last_sent = {};  // more to send: go again at once
  } else {
    Result<int64_t> last = GetInt(reply, "last_index");
    const bool conflict = GetBoolOr(reply, "conflict", false);
    int64_t next = last.ok() ? std::min(s.prev_index, *last) + 1 : s.prev_index;
    if (conflict) {
      next = std::min(next, s.prev_index - p.conflict_step + 1);
      p.conflict_step = std::min<int64_t>(p.conflict_step * 2, int64_t{1} << 20);
    }
    p.next_index = std::max<int64_t>(1, next);
    p.last_sent = {};
  }
  changed_.notify_all();
}

}  // namespace faultline
