#include "db/builtin/server/primary_backup_engine.h"

#include <algorithm>

namespace faultline {

using nlohmann::json;

PrimaryBackupEngine::PrimaryBackupEngine(const NodeOptions& options, FileLogger& logger)
    : options_(options), logger_(logger), peer_client_(options.peers, options.peer_timeout) {}

PrimaryBackupEngine::~PrimaryBackupEngine() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (std::thread& t : threads_) t.join();
}

Status PrimaryBackupEngine::Start() {
  Result<std::unique_ptr<StoreLog>> log = StoreLog::Open(options_.data_dir);
  if (!log.ok()) return log.status();
  std::lock_guard<std::mutex> lock(mu_);
  log_ = std::move(*log);
  if (log_->fresh()) {
    FAULTLINE_RETURN_IF_ERROR(log_->SetTerm(1));
    primary_ = options_.InitialPrimary();
  } else if (synchronous()) {
    primary_ = options_.InitialPrimary();
  } else {
    primary_ = "";  // a restarted async node waits to hear from a primary, or fails over
  }
  progress_.assign(options_.peers.size(), Progress{});
  for (Progress& p : progress_) p.next_index = log_->LastIndex() + 1;
  last_heard_ = Clock::now();
  logger_.Log("started in ", ReplicationModeName(options_.mode), " mode: term ", log_->term(), ", ",
              log_->LastIndex(), " log entries, primary '", primary_, "'");
  for (size_t i = 0; i < options_.peers.size(); ++i) {
    if (i != options_.SelfIndex()) threads_.emplace_back([this, i] { ShipLoop(i); });
  }
  if (!synchronous()) threads_.emplace_back([this] { ElectionLoop(); });
  return Status::Ok();
}

json PrimaryBackupEngine::Execute(const ClientRequest& request, Deadline deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  // The role this node had when the request arrived, the one that decided how it was served
  // (a replica answering reads under --read-from any, a primary deposed while it waited).
  const char* role = IsPrimaryLocked() ? "primary" : "replica";
  json reply = ExecuteLocked(lock, request, deadline);
  reply["role"] = role;
  return reply;
}

json PrimaryBackupEngine::ExecuteLocked(std::unique_lock<std::mutex>& lock,
                                        const ClientRequest& request, Deadline deadline) {
  const bool read_only = IsReadOnly(request.op);
  if (!IsPrimaryLocked()) {
    // --read-from any: a replica answers reads from its own state, however far behind.
    if (read_only && options_.read_from_any) return ReadReply(request, LookupLocked());
    return NotPrimaryLocked();
  }
  // async: a transfer holds its two accounts between its halves, and every op on them waits,
  // so this node's clients never see half a transfer (its replicas may: README.md, async).
  if (!locked_keys_.empty()) {
    const std::vector<std::string> keys = RequestKeys(request);
    auto free = [&] {
      return std::none_of(keys.begin(), keys.end(),
                          [&](const std::string& k) { return locked_keys_.count(k) > 0; });
    };
    changed_.wait_until(lock, deadline, [&] { return stopping_ || free(); });
    if (!free()) {
      return ErrorReply(store_error::kUnavailable, /*definite=*/true,
                        "a transfer in progress still holds the keys of this op");
    }
    if (!IsPrimaryLocked()) return NotPrimaryLocked();
  }
  if (read_only) return ReadLocked(lock, request, deadline);
  if (request.op == ClientOp::kTransfer && !synchronous()) {
    return TransferInHalvesLocked(lock, request);
  }
  return WriteLocked(lock, request, deadline);
}

Lookup PrimaryBackupEngine::LookupLocked() const {
  return [this](const std::string& key) { return log_->Get(key); };
}

json PrimaryBackupEngine::NotPrimaryLocked() const {
  std::string where = primary_.empty() ? "unknown" : primary_;
  json reply = ErrorReply(store_error::kNotPrimary, /*definite=*/true,
                          "not primary; the primary is " + where);
  reply["primary"] = primary_;
  size_t i = options_.IndexOf(primary_);
  reply["primary_address"] = i < options_.peers.size() ? options_.peers[i].endpoint.ToString() : "";
  return reply;
}

json PrimaryBackupEngine::ReadLocked(std::unique_lock<std::mutex>& lock,
                                     const ClientRequest& request, Deadline deadline) {
  // The values as of arrival: every write acknowledged before the read began is in them.
  json reply = ReadReply(request, LookupLocked());
  if (!synchronous()) return reply;
  // Confirm we are still primary, and that what we return is on a majority.
  const int64_t term = log_->term();
  const int64_t read_index = log_->LastIndex();
  const uint64_t round = ++read_round_;
  changed_.notify_all();
  auto confirmed = [&] { return CountStoredLocked(read_index, round) >= options_.Majority(); };
  changed_.wait_until(lock, deadline, [&] {
    return stopping_ || !IsPrimaryLocked() || log_->term() != term || confirmed();
  });
  if (IsPrimaryLocked() && log_->term() == term && confirmed()) return reply;
  return ErrorReply(store_error::kUnavailable, /*definite=*/true,
                    "could not confirm with a majority that this node is still primary");
}

json PrimaryBackupEngine::WriteLocked(std::unique_lock<std::mutex>& lock,
                                      const ClientRequest& request, Deadline deadline) {
  // Decided on the primary's whole log, acknowledged or not: nobody else ever orders
  // writes in this term, and (in primary mode) its log is never rolled back.
  Decision decision = Decide(request, LookupLocked());
  if (decision.refused() || decision.changes.empty()) return decision.reply;
  const int64_t term = log_->term();
  Status st = log_->Append(LogEntry(term, std::move(decision.changes)));
  if (!st.ok()) return ErrorReply(store_error::kInternal, /*definite=*/false, st.message());
  if (!synchronous()) return decision.reply;  // async: acknowledged before it is replicated
  const int64_t index = log_->LastIndex();
  changed_.notify_all();
  auto stored = [&] { return CountStoredLocked(index, 0) >= options_.Majority(); };
  changed_.wait_until(lock, deadline, [&] {
    return stopping_ || !IsPrimaryLocked() || log_->term() != term || stored();
  });
  if (stored()) return decision.reply;
  return ErrorReply(store_error::kTimeout, /*definite=*/false,
                    "entry " + std::to_string(index) + " is on " +
                        std::to_string(CountStoredLocked(index, 0)) + " of " +
                        std::to_string(options_.peers.size()) +
                        " nodes, not yet a majority; it may still be applied");
}

json PrimaryBackupEngine::TransferInHalvesLocked(std::unique_lock<std::mutex>& lock,
                                                 const ClientRequest& request) {
  Decision decision = Decide(request, LookupLocked());
  if (decision.refused()) return decision.reply;
  const int64_t term = log_->term();
  Status st = log_->Append(LogEntry(term, {decision.changes[0]}));  // the debit
  if (!st.ok()) return ErrorReply(store_error::kInternal, /*definite=*/false, st.message());
  // Hold both accounts (ops on them wait, see Execute), and let everything else run: other
  // ops, and the shipper, which may send the debit without the credit.
  locked_keys_.insert(request.from_key);
  locked_keys_.insert(request.to_key);
  changed_.notify_all();
  lock.unlock();
  std::this_thread::yield();
  lock.lock();
  locked_keys_.erase(request.from_key);
  locked_keys_.erase(request.to_key);
  changed_.notify_all();
  if (!IsPrimaryLocked() || log_->term() != term) {
    return ErrorReply(store_error::kTimeout, /*definite=*/false,
                      "deposed between the debit and the credit of this transfer");
  }
  st = log_->Append(LogEntry(term, {decision.changes[1]}));  // the credit
  if (!st.ok()) return ErrorReply(store_error::kInternal, /*definite=*/false, st.message());
  return decision.reply;
}

size_t PrimaryBackupEngine::CountStoredLocked(int64_t index, uint64_t round) const {
  size_t count = 1;  // this node has its whole log
  for (size_t i = 0; i < progress_.size(); ++i) {
    if (i == options_.SelfIndex()) continue;
    if (progress_[i].match_index >= index && progress_[i].acked_round >= round) ++count;
  }
  return count;
}

void PrimaryBackupEngine::BecomePrimaryLocked(int64_t term) {
  Status st = log_->SetTerm(term);
  if (!st.ok()) logger_.Log("cannot persist term ", term, ": ", st.message());
  primary_ = options_.name;
  for (Progress& p : progress_) {
    p = Progress();
    p.next_index = log_->LastIndex() + 1;
  }
  logger_.Log("now primary in term ", term, " with ", log_->LastIndex(), " log entries");
  changed_.notify_all();
}

void PrimaryBackupEngine::FollowLocked(int64_t term, const std::string& primary) {
  if (term > log_->term()) {
    Status st = log_->SetTerm(term);
    if (!st.ok()) logger_.Log("cannot persist term ", term, ": ", st.message());
  }
  if (primary_ != primary) {
    logger_.Log(IsPrimaryLocked() ? "stepping down; " : "", "following ", primary, " in term ",
                term);
  }
  primary_ = primary;
  last_heard_ = Clock::now();
  changed_.notify_all();
}

json PrimaryBackupEngine::HandlePeer(const std::string& op, const json& message) {
  if (op == "append") return HandleAppend(message);
  return ErrorReply(store_error::kMalformed, /*definite=*/true, "unknown op '" + op + "'");
}

json PrimaryBackupEngine::HandleAppend(const json& message) {
  Result<int64_t> term = GetInt(message, "term");
  Result<std::string> leader = GetString(message, "leader");
  Result<int64_t> prev_index = GetInt(message, "prev_index");
  Result<int64_t> prev_term = GetInt(message, "prev_term");
  auto entries_field = message.find("entries");
  for (const Status& s :
       {term.status(), leader.status(), prev_index.status(), prev_term.status()}) {
    if (!s.ok()) return ErrorReply(store_error::kMalformed, true, s.message());
  }
  if (entries_field == message.end() || !entries_field->is_array() || *prev_index < 0) {
    return ErrorReply(store_error::kMalformed, true, "append needs an entries array");
  }
  std::vector<LogEntry> entries;
  for (const json& e : *entries_field) {
    Result<LogEntry> entry = LogEntry::FromJson(e);
    if (!entry.ok()) return ErrorReply(store_error::kMalformed, true, entry.status().message());
    entries.push_back(std::move(*entry));
  }
  std::lock_guard<std::mutex> lock(mu_);
  const int64_t my_term = log_->term();
  const bool wrong_leader = synchronous() && *leader != options_.InitialPrimary();
  // Two primaries in one term (racing async promotions): the lower name wins.
  const bool lost_tie = *term == my_term && !primary_.empty() && *leader > primary_;
  if (*term < my_term || wrong_leader || lost_tie) {
    json reply = ErrorReply("rejected", true, "not accepting " + *leader + " as primary");
    reply["term"] = my_term;
    reply["primary"] = primary_;
    return reply;
  }
  if (*term > my_term || *leader != primary_) FollowLocked(*term, *leader);
  last_heard_ = Clock::now();
  return AppendEntriesLocked(*prev_index, *prev_term, entries);
}

json PrimaryBackupEngine::AppendEntriesLocked(int64_t prev_index, int64_t prev_term,
                                              const std::vector<LogEntry>& entries) {
  const int64_t last = log_->LastIndex();
  if (prev_index > last || log_->TermAt(prev_index) != prev_term) {
    json reply = ErrorReply("log-mismatch", true, "log does not line up at the previous entry");
    reply["term"] = log_->term();
    reply["last_index"] = last;
    reply["conflict"] = prev_index <= last;
    return reply;
  }
  int64_t index = prev_index;
  for (const LogEntry& entry : entries) {
    ++index;
    if (index <= log_->LastIndex()) {
      if (log_->TermAt(index) == entry.term) continue;
      logger_.Log("dropping diverged log entries from index ", index, " on");
      Status st = log_->TruncateFrom(index);
      if (!st.ok()) return ErrorReply(store_error::kInternal, false, st.message());
    }
    Status st = log_->Append(entry);
    if (!st.ok()) return ErrorReply(store_error::kInternal, false, st.message());
  }
  return json{{"ok", true}, {"term", log_->term()}, {"match", index}};
}

NodeStatus PrimaryBackupEngine::GetStatus() {
  std::lock_guard<std::mutex> lock(mu_);
  return StatusLocked();
}

NodeStatus PrimaryBackupEngine::StatusLocked() const {
  NodeStatus s;
  s.name = options_.name;
  s.mode = ReplicationModeName(options_.mode);
  s.role = IsPrimaryLocked() ? "primary" : "replica";
  s.primary = primary_;
  s.term = log_ ? log_->term() : 0;
  s.last_index = log_ ? log_->LastIndex() : 0;
  s.last_term = log_ ? log_->TermAt(s.last_index) : 0;
  s.heard_ms_ago =
      IsPrimaryLocked()
          ? 0
          : std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - last_heard_)
                .count();
  return s;
}

}  // namespace faultline
