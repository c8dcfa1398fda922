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

// On the wire and in lww.jsonl the stamp is "ts", whichever kind it is.
json QuorumEngine::Versioned::ToJson(const std::string& key) const {
  return json{{"key", key},
              {"value", value ? json(*value) : json(nullptr)},
              {"ts", stamp},
              {"writer", writer}};
}

Result<QuorumEngine::Versioned> QuorumEngine::Versioned::FromJson(const json& j) {
  Result<std::optional<int64_t>> value = GetNullableInt(j, "value");
  if (!value.ok()) return value.status();
  Result<int64_t> stamp = GetInt(j, "ts");
  if (!stamp.ok()) return stamp.status();
  Result<std::string> writer = GetString(j, "writer");
  if (!writer.ok()) return writer.status();
  return Versioned{*value, *stamp, *writer};
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
              ", n=", options_.peers.size(), ", ", QuorumVersionsName(options_.quorum_versions),
              " versions, ", QuorumReadsName(options_.quorum_reads), " reads) with ",
              values_.size(), " keys");
  return Status::Ok();
}

json QuorumEngine::Execute(const ClientRequest& request, Deadline deadline) {
  if (request.op == ClientOp::kWrite) {
    return Write(request.key, request.value, /*read=*/nullptr, deadline);
  }
  if (IsReadOnly(request.op)) return Read(request, deadline);
  // cas, add, transfer, bank-init: read each key (the newest of R replies, whatever
  // --quorum-reads says: they write next anyway), decide, then write each changed key on its
  // own. Read-modify-write, not atomic; a failure part way leaves the keys already written.
  std::unordered_map<std::string, Versioned> found;
  for (const std::string& key : RequestKeys(request)) {
    Result<std::vector<Versioned>> replies = GatherReplies(key, deadline);
    if (!replies.ok()) {
      return ErrorReply(store_error::kUnavailable, /*definite=*/true,
                        "key '" + key + "': " + replies.status().message());
    }
    Versioned& newest = found[key];
    for (const Versioned& v : *replies) {
      if (v.NewerThan(newest)) newest = v;
    }
  }
  const Lookup lookup = [&found](const std::string& key) {
    auto it = found.find(key);
    return it == found.end() ? std::nullopt : it->second.value;
  };
  Decision decision = Decide(request, lookup);
  if (decision.refused()) return decision.reply;
  for (const KeyChange& change : decision.changes) {
    json written =
        Write(change.key, ApplyChange(change, lookup(change.key)), &found[change.key], deadline);
    if (!GetBoolOr(written, "ok", false)) return written;
  }
  return decision.reply;
}

json QuorumEngine::Read(const ClientRequest& request, Deadline deadline) {
  // Each key by its own quorum read: no snapshot across keys.
  std::unordered_map<std::string, std::optional<int64_t>> found;
  for (const std::string& key : RequestKeys(request)) {
    Result<std::optional<int64_t>> value = ReadValue(key, deadline);
    if (!value.ok()) {
      return ErrorReply(store_error::kUnavailable, /*definite=*/true,
                        "key '" + key + "': " + value.status().message());
    }
    found[key] = *value;
  }
  return ReadReply(request, [&found](const std::string& key) {
    auto it = found.find(key);
    return it == found.end() ? std::nullopt : it->second;
  });
}

Result<std::optional<int64_t>> QuorumEngine::ReadValue(const std::string& key, Deadline deadline) {
  Result<std::vector<Versioned>> replies = GatherReplies(key, deadline);
  if (!replies.ok()) return replies.status();
  if (options_.quorum_reads == QuorumReads::kMajorityVote) {
    // The value most replies hold, whatever its version; a tie goes to the first seen (this
    // node's own). The naive quorum read: an old value can outvote a newer one.
    std::optional<int64_t> best;
    size_t best_count = 0;
    for (const Versioned& candidate : *replies) {
      const size_t count = static_cast<size_t>(
          std::count_if(replies->begin(), replies->end(),
                        [&](const Versioned& v) { return v.value == candidate.value; }));
      if (count > best_count) {
        best = candidate.value;
        best_count = count;
      }
    }
    return best;
  }
  Versioned newest;
  for (const Versioned& v : *replies) {
    if (v.NewerThan(newest)) newest = v;
  }
  if (options_.quorum_reads == QuorumReads::kWriteBack && newest.stamp != 0) {
    // ABD: before answering, make sure W nodes hold what this read returns, so every later
    // read quorum (R + W > N) meets it. Skipped when W of the replies already hold it.
    const size_t holding = static_cast<size_t>(
        std::count_if(replies->begin(), replies->end(),
                      [&](const Versioned& v) { return v.SameVersion(newest); }));
    if (holding < static_cast<size_t>(options_.w)) {
      Result<size_t> stored = Replicate(key, newest, deadline);
      if (!stored.ok()) return stored.status();
      if (*stored < static_cast<size_t>(options_.w)) {
        return Status::IoError("write-back reached " + std::to_string(*stored) +
                               " of w=" + std::to_string(options_.w) + " nodes");
      }
    }
  }
  return newest.value;
}

json QuorumEngine::Write(const std::string& key, int64_t value, const Versioned* read,
                         Deadline deadline) {
  Versioned v{value, 0, options_.name};
  if (options_.quorum_versions == QuorumVersions::kVersioned) {
    Versioned newest = read != nullptr ? *read : Versioned{};
    if (read == nullptr) {
      Result<std::vector<Versioned>> replies = GatherReplies(key, deadline);
      if (!replies.ok()) {
        return ErrorReply(store_error::kUnavailable, /*definite=*/true,
                          "key '" + key + "': reading its version: " + replies.status().message());
      }
      for (const Versioned& r : *replies) {
        if (r.NewerThan(newest)) newest = r;
      }
    }
    v.stamp = newest.stamp + 1;
    v.writer = NextWriter();
  } else {
    v.stamp = NextTimestamp();
  }
  Result<size_t> stored = Replicate(key, v, deadline);
  if (!stored.ok()) {
    return ErrorReply(store_error::kInternal, /*definite=*/false, stored.status().message());
  }
  if (*stored >= static_cast<size_t>(options_.w)) return OkReply();
  return ErrorReply(store_error::kTimeout, /*definite=*/false,
                    "write reached " + std::to_string(*stored) +
                        " of w=" + std::to_string(options_.w) + " nodes; it may still be visible");
}

Result<std::vector<QuorumEngine::Versioned>> QuorumEngine::GatherReplies(const std::string& key,
                                                                         Deadline deadline) {
  std::vector<Versioned> replies = {LocalGet(key)};
  const size_t need = static_cast<size_t>(options_.r) - 1;
  if (need == 0) return replies;
  for (const PeerClient::PeerReply& r :
       peer_client_.CallMany(Successors(), json{{"op", "q_get"}, {"key", key}}, need, deadline)) {
    Result<Versioned> v = Versioned::FromJson(r.reply);
    if (v.ok()) replies.push_back(std::move(*v));
  }
  if (replies.size() < static_cast<size_t>(options_.r)) {
    return Status::IoError("read quorum not reached: " + std::to_string(replies.size()) +
                           " of r=" + std::to_string(options_.r) + " nodes answered");
  }
  return replies;
}

Result<size_t> QuorumEngine::Replicate(const std::string& key, const Versioned& v,
                                       Deadline deadline) {
  FAULTLINE_RETURN_IF_ERROR(LocalPut(key, v));
  const size_t need = static_cast<size_t>(options_.w) - 1;
  if (need == 0) return size_t{1};
  json put = v.ToJson(key);
  put["op"] = "q_put";
  size_t acks = 1;
  for (const PeerClient::PeerReply& r : peer_client_.CallMany(Successors(), put, need, deadline)) {
    acks += GetBoolOr(r.reply, "ok", false);
  }
  return acks;
}

std::string QuorumEngine::NextWriter() {
  // Two writes of one version are told apart by their writers, so no two may share one. The
  // count restarts with the process, but a restarted node never reuses a (version, writer):
  // it stored each of its writes locally before sending it on, so the highest version it
  // reads now is at least every one it used before, and it writes one more.
  return options_.name + "." + std::to_string(++writes_coordinated_);
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
