#include "db/builtin/server/crdt_engine.h"

#include <system_error>

namespace faultline {

using nlohmann::json;

namespace {

constexpr char kCountsFile[] = "counts.jsonl";

json CountLine(const std::string& key, const std::string& node, int64_t count) {
  return json{{"key", key}, {"node", node}, {"count", count}};
}

}  // namespace

CrdtEngine::CrdtEngine(const NodeOptions& options, FileLogger& logger)
    : options_(options), logger_(logger), peer_client_(options.peers, options.peer_timeout) {}

CrdtEngine::~CrdtEngine() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  stop_.notify_all();
  if (gossip_.joinable()) gossip_.join();
}

Status CrdtEngine::Start() {
  std::error_code ec;
  std::filesystem::create_directories(options_.data_dir, ec);
  if (ec) return Status::IoError("create " + options_.data_dir.string() + ": " + ec.message());
  const std::filesystem::path path = options_.data_dir / kCountsFile;
  Result<std::vector<std::string>> lines = ReadLines(path);
  if (!lines.ok()) return lines.status();
  std::lock_guard<std::mutex> lock(mu_);
  for (size_t i = 0; i < lines->size(); ++i) {
    json j = json::parse((*lines)[i], nullptr, /*allow_exceptions=*/false);
    Result<std::string> key = GetString(j, "key");
    Result<std::string> node = GetString(j, "node");
    Result<int64_t> count = GetInt(j, "count");
    for (const Status& s : {key.status(), node.status(), count.status()}) {
      if (!s.ok()) {
        return Status::InvalidInput(path.string() + ":" + std::to_string(i + 1) + ": " +
                                    s.message() + "; expected {\"key\",\"node\",\"count\"}");
      }
    }
    int64_t& slot = counts_[*key][*node];
    slot = std::max(slot, *count);
  }
  Result<std::unique_ptr<AppendFile>> file = AppendFile::Open(path);
  if (!file.ok()) return file.status();
  file_ = std::move(*file);
  logger_.Log("started in crdt mode with ", counts_.size(), " counters; gossip every ",
              options_.gossip_interval.count(), " ms");
  gossip_ = std::thread([this] { GossipLoop(); });
  return Status::Ok();
}

json CrdtEngine::Execute(const ClientRequest& request, Deadline deadline) {
  std::lock_guard<std::mutex> lock(mu_);
  if (request.op == ClientOp::kRead) {
    auto it = counts_.find(request.key);
    json reply = OkReply();
    if (it == counts_.end()) {
      reply["value"] = nullptr;
      return reply;
    }
    int64_t sum = 0;
    for (const auto& [node, count] : it->second) sum += count;
    reply["value"] = sum;
    return reply;
  }
  if (request.op == ClientOp::kAdd) {
    if (request.delta < 1) {
      return ErrorReply(store_error::kMalformed, /*definite=*/true,
                        "a crdt counter only grows: delta must be positive, not " +
                            std::to_string(request.delta));
    }
    const int64_t mine = counts_[request.key][options_.name];
    Status st = RaiseLocked(request.key, options_.name, mine + request.delta);
    if (!st.ok()) return ErrorReply(store_error::kInternal, /*definite=*/false, st.message());
    return OkReply();
  }
  return ErrorReply(store_error::kUnsupported, /*definite=*/true,
                    std::string(ClientOpName(request.op)) +
                        " is unsupported in crdt mode: it serves counter add and read only");
}

Status CrdtEngine::RaiseLocked(const std::string& key, const std::string& node, int64_t count) {
  auto& per_node = counts_[key];
  auto it = per_node.find(node);
  if (it != per_node.end() && it->second >= count) return Status::Ok();
  FAULTLINE_RETURN_IF_ERROR(file_->Append(CountLine(key, node, count).dump()));
  per_node[node] = count;
  return Status::Ok();
}

Status CrdtEngine::MergeLocked(const json& counts) {
  if (!counts.is_object()) return Status::InvalidInput("'counts' must be {key: {node: count}}");
  for (auto key = counts.begin(); key != counts.end(); ++key) {
    if (!key.value().is_object()) {
      return Status::InvalidInput("counts of '" + key.key() + "' must be {node: count}");
    }
    for (auto node = key.value().begin(); node != key.value().end(); ++node) {
      Result<int64_t> count = GetInt(json{{"count", node.value()}}, "count");
      if (!count.ok()) {
        return Status::InvalidInput("count of '" + key.key() + "' on " + node.key() +
                                    " must be a 64-bit integer");
      }
      FAULTLINE_RETURN_IF_ERROR(RaiseLocked(key.key(), node.key(), *count));
    }
  }
  return Status::Ok();
}

json CrdtEngine::CountsJsonLocked() const {
  json out = json::object();
  for (const auto& [key, per_node] : counts_) {
    json nodes = json::object();
    for (const auto& [node, count] : per_node) nodes[node] = count;
    out[key] = std::move(nodes);
  }
  return out;
}

json CrdtEngine::HandlePeer(const std::string& op, const json& message) {
  if (op != "gossip") {
    return ErrorReply(store_error::kMalformed, /*definite=*/true, "unknown op '" + op + "'");
  }
  auto counts = message.find("counts");
  if (counts == message.end()) {
    return ErrorReply(store_error::kMalformed, /*definite=*/true, "gossip needs 'counts'");
  }
  std::lock_guard<std::mutex> lock(mu_);
  Status st = MergeLocked(*counts);
  if (!st.ok()) {
    const bool bad_input = st.code() == Status::Code::kInvalidInput;
    return ErrorReply(bad_input ? store_error::kMalformed : store_error::kInternal, bad_input,
                      st.message());
  }
  json reply = OkReply();
  reply["counts"] = CountsJsonLocked();
  return reply;
}

void CrdtEngine::GossipLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    stop_.wait_for(lock, options_.gossip_interval, [&] { return stopping_; });
    if (stopping_) break;
    lock.unlock();
    GossipOnce();
    lock.lock();
  }
}

// Push-pull: send our counts to every other node at once, merge what each sends back.
void CrdtEngine::GossipOnce() {
  std::vector<std::string> others;
  for (const PeerInfo& p : options_.peers) {
    if (p.name != options_.name) others.push_back(p.name);
  }
  json message;
  {
    std::lock_guard<std::mutex> lock(mu_);
    message = json{{"op", "gossip"}, {"from", options_.name}, {"counts", CountsJsonLocked()}};
  }
  std::vector<PeerClient::PeerReply> replies = peer_client_.CallMany(
      others, message, others.size(), std::chrono::steady_clock::now() + options_.peer_timeout);
  std::set<std::string> answered;
  for (const PeerClient::PeerReply& r : replies) {
    auto counts = r.reply.find("counts");
    if (!GetBoolOr(r.reply, "ok", false) || counts == r.reply.end()) continue;
    answered.insert(r.peer);
    std::lock_guard<std::mutex> lock(mu_);
    Status st = MergeLocked(*counts);
    if (!st.ok()) logger_.Log("gossip from ", r.peer, ": ", st.message());
  }
  for (const std::string& peer : others) {
    const bool was_unreachable = unreachable_.count(peer) > 0;
    if (answered.count(peer) == 0 && !was_unreachable) {
      logger_.Log("gossip: cannot reach ", peer);
      unreachable_.insert(peer);
    } else if (answered.count(peer) > 0 && was_unreachable) {
      logger_.Log("gossip: reached ", peer, " again");
      unreachable_.erase(peer);
    }
  }
}

NodeStatus CrdtEngine::GetStatus() {
  std::lock_guard<std::mutex> lock(mu_);
  NodeStatus s;
  s.name = options_.name;
  s.mode = ReplicationModeName(options_.mode);
  s.role = "peer";
  for (const auto& [key, per_node] : counts_) {
    for (const auto& [node, count] : per_node) s.last_index += count;
  }
  return s;
}

}  // namespace faultline
