// Async mode's failover: a replica that has not heard from its primary for election_timeout
// asks every node for its status; if a majority is reachable and no one still hears a
// primary, the most up-to-date reachable node (highest last term, then highest log index,
// then lowest name) promotes itself in a new term, and the others follow its appends.
// There are no votes: this is deliberately weaker than Raft (README.md, "async").
#include <algorithm>

#include "db/builtin/server/primary_backup_engine.h"

namespace faultline {

using nlohmann::json;

namespace {

constexpr std::chrono::milliseconds kCheckInterval{50};

// True if `a` should be preferred to `b` as the new primary.
bool MoreUpToDate(const NodeStatus& a, const NodeStatus& b) {
  if (a.last_term != b.last_term) return a.last_term > b.last_term;
  if (a.last_index != b.last_index) return a.last_index > b.last_index;
  return a.name < b.name;
}

}  // namespace

void PrimaryBackupEngine::ElectionLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    changed_.wait_until(lock, Clock::now() + kCheckInterval, [&] { return stopping_; });
    const Clock::time_point now = Clock::now();
    if (stopping_ || IsPrimaryLocked() || now < next_election_ ||
        now - last_heard_ < options_.election_timeout) {
      continue;
    }
    lock.unlock();
    RunElection();
    lock.lock();
  }
}

void PrimaryBackupEngine::RunElection() {
  std::vector<std::string> others;
  for (const PeerInfo& p : options_.peers) {
    if (p.name != options_.name) others.push_back(p.name);
  }
  std::vector<PeerClient::PeerReply> replies = peer_client_.CallMany(
      others, json{{"op", "status"}}, others.size(), Clock::now() + options_.peer_timeout);
  std::vector<NodeStatus> reachable;
  for (const PeerClient::PeerReply& r : replies) {
    Result<NodeStatus> s = NodeStatus::FromJson(r.reply);
    if (s.ok()) reachable.push_back(std::move(*s));
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_ || IsPrimaryLocked() || Clock::now() - last_heard_ < options_.election_timeout) {
    return;  // a primary made contact meanwhile
  }
  DecideElectionLocked(reachable);
}

void PrimaryBackupEngine::DecideElectionLocked(const std::vector<NodeStatus>& reachable) {
  const Clock::time_point now = Clock::now();
  const int64_t my_term = log_->term();
  next_election_ = now + options_.election_timeout;
  for (const NodeStatus& s : reachable) {
    if (s.role == "primary" && s.term >= my_term) {
      logger_.Log("failover: ", s.name, " is primary in term ", s.term, "; following it");
      FollowLocked(s.term, s.name);
      return;
    }
  }
  for (const NodeStatus& s : reachable) {
    if (!s.primary.empty() && s.term >= my_term &&
        s.heard_ms_ago < options_.election_timeout.count()) {
      logger_.Log("failover: not yet; ", s.name, " still hears primary ", s.primary);
      return;
    }
  }
  if (reachable.size() + 1 < options_.Majority()) {
    logger_.Log("failover: no primary heard for ", options_.election_timeout.count(),
                " ms, but only ", reachable.size() + 1, " of ", options_.peers.size(),
                " nodes are reachable; need ", options_.Majority());
    return;
  }
  NodeStatus best = StatusLocked();
  int64_t max_term = my_term;
  for (const NodeStatus& s : reachable) {
    if (MoreUpToDate(s, best)) best = s;
    max_term = std::max(max_term, s.term);
  }
  if (best.name == options_.name) {
    logger_.Log("failover: promoting myself (last index ", best.last_index, ", last entry term ",
                best.last_term, ")");
    BecomePrimaryLocked(max_term + 1);
  } else {
    logger_.Log("failover: waiting for ", best.name, " (last index ", best.last_index,
                ") to promote itself");
  }
}

}  // namespace faultline
