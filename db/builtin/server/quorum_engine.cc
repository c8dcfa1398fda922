#include "db/builtin/server/quorum_engine.h"

#include <time.h>

#include <algorithm>
#include <atomic>
#include <system_error>

#include "db/builtin/server/commands.h"

namespace faultline {

using nlohmann::json;

namespace {

// Wall-clock nanoseconds through clock_gettime(CLOCK_REALTIME), so a per-node clock-skew
// library (LD_PRELOAD) shifts this node's timestamps.
int64_t WallClockNanos() {
  timespec now{};
  clock_gettime(CLOCK_REALTIME, &now);
  return static_cast<int64_t>(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

// A write timestamp: the wall clock, but strictly increasing on this node, so two writes
// coordinated here never tie (a tie would silently drop the second).
int64_t NextTimestamp() {
  static std::atomic<int64_t> last{0};
  int64_t now = WallClockNanos();
  int64_t prev = last.load();
  while (true) {
    int64_t next = std::max(now, prev + 1);
    if (last.compare_exchange_weak(prev, next)) return next;
  }
}

}  // namespace

json QuorumEngine::Versioned::ToJson(const std::string& key) const {
  return json{{"key", key},
              {"value", value ? json(*value) : json(nullptr)},
              {"ts", ts},
              {"writer", writer}};
}

Result<QuorumEngine::Versioned> QuorumEngine::Versioned::FromJson(const json& j) {
  Result<std::optional<int64_t>> value = GetNullableInt(j, "value");
  if (!value.ok()) return value.status();
  Result<int64_t> ts = GetInt(j, "ts");
  if (!ts.ok()) return ts.status();
  Result<std::string> writer = GetString(j, "writer");
  if (!writer.ok()) return writer.status();
  return Versioned{*value, *ts, *writer};
}

QuorumEngine::QuorumEngine(const NodeOptions& options, FileLogger& logger)
    : options_(options), logger_(logger), peer_client_(options.peers, options.peer_timeout) {}

Status QuorumEngine::Start() {
  std::error_code ec;
  std::filesystem::create_directories(options_.data_dir, ec);
  if (ec) return Status::IoError("create " + options_.data_dir.string() + ": " + ec.message());
  const std::filesystem::path path = options_.data_dir / "lww.jsonl";
  Result<std::vector<std::string>> lines = ReadLines(path);
  if (!lines.ok()) return lines.status();
  std::lock_guard<std::mutex> lock(mu_);
  for (size_t i = 0; i < lines->size(); ++i) {
    json j = json::parse((*lines)[i], nullptr, /*allow_exceptions=*/false);
    Result<std::string> key = GetString(j, "key");
    Result<Versioned> v = key.ok() ? Versioned::FromJson(j) : Result<Versioned>(key.status());
    if (!v.ok()) {
      return Status::InvalidInput(path.string() + ":" + std::to_string(i + 1) + ": " +
                                  v.status().message());
    }
    Versioned& slot = values_[*key];
    if (v->NewerThan(slot)) slot = *v;
    ++writes_applied_;
  }
  Result<std::unique_ptr<AppendFile>> file = AppendFile::Open(path);
  if (!file.ok()) return file.status();
  file_ = std::move(*file);
  logger_.Log("started in quorum mode (r=", options_.r, ", w=", options_.w,
              ", n=", options_.peers.size(), ") with ", values_.size(), " keys");
  return Status::Ok();
}

json QuorumEngine::Execute(const ClientRequest& request, Deadline deadline) {
  if (request.op == ClientOp::kWrite) return QuorumWrite(request.key, request.value, deadline);
  // Everything else reads first, each key by its own quorum read: no snapshot across keys.
  std::unordered_map<std::string, std::optional<int64_t>> found;
  for (const std::string& key : RequestKeys(request)) {
    Result<Versioned> current = QuorumRead(key, deadline);
    if (!current.ok()) {
      return ErrorReply(store_error::kUnavailable, /*definite=*/true,
                        "key '" + key + "': " + current.status().message());
    }
    found[key] = current->value;
  }
  const Lookup lookup = [&found](const std::string& key) {
    auto it = found.find(key);
    return it == found.end() ? std::nullopt : it->second;
  };
  if (IsReadOnly(request.op)) return ReadReply(request, lookup);
  // Decide on what the read quorums said, then write each changed key on its own: cas, add
  // and transfer are read-modify-write, not atomic, and a failure part way leaves the keys
  // already written.
  Decision decision = Decide(request, lookup);
  if (decision.refused()) return decision.reply;
  for (const KeyChange& change : decision.changes) {
    json written = QuorumWrite(change.key, ApplyChange(change, lookup(change.key)), deadline);
    if (!GetBoolOr(written, "ok", false)) return written;
  }
  return decision.reply;
}

Result<QuorumEngine::Versioned> QuorumEngine::QuorumRead(const std::string& key,
                                                         Deadline deadline) {
  Versioned newest = LocalGet(key);
  const size_t need = static_cast<size_t>(options_.r) - 1;
  if (need == 0) return newest;
  std::vector<PeerClient::PeerReply> replies =
      peer_client_.CallMany(Successors(), json{{"op", "q_get"}, {"key", key}}, need, deadline);
  size_t good = 0;
  for (const PeerClient::PeerReply& r : replies) {
    Result<Versioned> v = Versioned::FromJson(r.reply);
    if (!v.ok()) continue;
    ++good;
    if (v->NewerThan(newest)) newest = *v;
  }
  if (good < need) {
    return Status::IoError("read quorum not reached: " + std::to_string(good + 1) +
                           " of r=" + std::to_string(options_.r) + " nodes answered");
  }
  return newest;
}

json QuorumEngine::QuorumWrite(const std::string& key, int64_t value, Deadline deadline) {
  const Versioned v{value, NextTimestamp(), options_.name};
  Status st = LocalPut(key, v);
  if (!st.ok()) return ErrorReply(store_error::kInternal, /*definite=*/false, st.message());
  const size_t need = static_cast<size_t>(options_.w) - 1;
  if (need == 0) return OkReply();
  json put = v.ToJson(key);
  put["op"] = "q_put";
  std::vector<PeerClient::PeerReply> replies =
      peer_client_.CallMany(Successors(), put, need, deadline);
  size_t acks = 0;
  for (const PeerClient::PeerReply& r : replies) acks += GetBoolOr(r.reply, "ok", false);
  if (acks >= need) return OkReply();
  return ErrorReply(store_error::kTimeout, /*definite=*/false,
                    "write reached " + std::to_string(acks + 1) +
                        " of w=" + std::to_string(options_.w) + " nodes; it may still be visible");
}

json QuorumEngine::HandlePeer(const std::string& op, const json& message) {
  Result<std::string> key = GetString(message, "key");
  if (!key.ok()) return ErrorReply(store_error::kMalformed, true, key.status().message());
  if (op == "q_get") {
    json reply = LocalGet(*key).ToJson(*key);
    reply["ok"] = true;
    return reply;
  }
  if (op == "q_put") {
    Result<Versioned> v = Versioned::FromJson(message);
    if (!v.ok()) return ErrorReply(store_error::kMalformed, true, v.status().message());
    Status st = LocalPut(*key, *v);
    if (!st.ok()) return ErrorReply(store_error::kInternal, false, st.message());
    return OkReply();
  }
  return ErrorReply(store_error::kMalformed, true, "unknown op '" + op + "'");
}

QuorumEngine::Versioned QuorumEngine::LocalGet(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = values_.find(key);
  return it == values_.end() ? Versioned{} : it->second;
}

Status QuorumEngine::LocalPut(const std::string& key, const Versioned& v) {
  std::lock_guard<std::mutex> lock(mu_);
  Versioned& slot = values_[key];
  if (!v.NewerThan(slot)) return Status::Ok();  // last writer wins: keep the newer one
  FAULTLINE_RETURN_IF_ERROR(file_->Append(v.ToJson(key).dump()));
  slot = v;
  ++writes_applied_;
  return Status::Ok();
}

std::vector<std::string> QuorumEngine::Successors() const {
  std::vector<std::string> out;
  const size_t n = options_.peers.size();
  for (size_t i = 1; i < n; ++i) out.push_back(options_.peers[(options_.SelfIndex() + i) % n].name);
  return out;
}

NodeStatus QuorumEngine::GetStatus() {
  std::lock_guard<std::mutex> lock(mu_);
  NodeStatus s;
  s.name = options_.name;
  s.mode = ReplicationModeName(options_.mode);
  s.role = "coordinator";
  s.last_index = writes_applied_;
  return s;
}

}  // namespace faultline
