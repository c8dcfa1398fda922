#include "db/redis/redis_client.h"

#include <algorithm>

#include "db/redis/redis_conn.h"

namespace faultline {
namespace {

using std::chrono::milliseconds;

// How often a connected client asks its Sentinel whether the primary changed.
constexpr milliseconds kFollowEvery{100};

constexpr char kCasScript[] =
    "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2]) "
    "return 1 else return 0 end";

class RedisClient : public Client {
 public:
  RedisClient(const RedisClientOptions& options, std::shared_ptr<const RedisTopology> topology,
              const std::string& home)
      : options_(options), topology_(std::move(topology)) {
    for (size_t i = 0; i < topology_->nodes.size(); ++i) {
      if (topology_->nodes[i].name == home) home_ = i;
    }
  }

  Completion Invoke(const OpRequest& req, Clock::time_point deadline) override {
    if (conn_ && conn_->healthy()) FollowSentinel(deadline);
    if (!conn_ || !conn_->healthy()) {
      conn_.reset();
      const std::string primary =
          AskSentinels(*topology_, home_, std::min(deadline, Clock::now() + milliseconds(300)));
      if (primary.empty()) return Completion::Fail("no Sentinel named a primary", true);
      auto c = RedisConn::Connect(primary, topology_->port, deadline);
      if (!c.ok())
        return Completion::Fail("cannot connect to the primary: " + c.status().message(), true);
      // Sentinel's answer may be out of date (a node restarted as a replica, a failover in
      // progress): like Sentinel clients should, check the node's ROLE before using it.
      RedisReply role = (*c)->Command({"ROLE"}, deadline);
      if (role.kind != RedisReply::Kind::kOk) return RedisFailure(role, false);
      if (role.elements.empty() || role.elements[0] != "master") {
        return Completion::Fail(NodeName(primary) + " (named primary by Sentinel) has role " +
                                    (role.elements.empty() ? "?" : role.elements[0]),
                                true);
      }
      conn_ = std::move(c).value();
      next_follow_ = Clock::now() + kFollowEvery;
    }
    Completion c = Run(req, deadline);
    // Replicas refuse writes (replica-read-only, Redis's default: READONLY), so a write that
    // succeeded was taken by a primary. A read says nothing of the node's role.
    if (c.type == OpType::kOk && req.f != "read") c.role = "primary";
    // A node that is no longer the primary: ask Sentinel again next time.
    if (c.type == OpType::kFail && c.unavailable) conn_.reset();
    const std::string answered = NodeName(conn_ ? conn_->host() : "");
    if (!answered.empty() && answered != topology_->nodes[home_].name) c.node = answered;
    return c;
  }

 private:
  // What a client subscribed to its Sentinel's +switch-master does: at most every
  // kFollowEvery, ask the home node's Sentinel (one kept connection) which node is the primary,
  // and drop the connection to a node it no longer names. A Sentinel that does not answer
  // changes nothing: the client keeps the node it has.
  void FollowSentinel(Clock::time_point deadline) {
    const auto now = Clock::now();
    if (now < next_follow_) return;
    next_follow_ = now + kFollowEvery;
    const auto ask_by = std::min(deadline, now + milliseconds(100));
    if (!sentinel_ || !sentinel_->healthy()) {
      auto c = RedisConn::Connect(topology_->nodes[home_].host, topology_->sentinel_port, ask_by);
      if (!c.ok()) return;
      sentinel_ = std::move(c).value();
    }
    RedisReply r = sentinel_->Command({"SENTINEL", "get-master-addr-by-name", topology_->master_name},
                                      ask_by);
    if (r.kind != RedisReply::Kind::kOk || r.elements.size() != 2) return;
    if (r.elements[0] != conn_->host()) conn_.reset();
  }

  std::string NodeName(const std::string& host) const {
    for (const auto& n : topology_->nodes) {
      if (n.host == host) return n.name;
    }
    return "";
  }

  Completion Write(std::vector<std::string> argv, Clock::time_point deadline,
                   bool check_cas = false) {
    RedisReply r = conn_->Command(argv, deadline);
    if (r.kind != RedisReply::Kind::kOk) return RedisFailure(r, true);
    if (check_cas && r.integer == 0) return Completion::Fail("cas mismatch");
    if (options_.wait_replicas > 0) {
      auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
      RedisReply w = conn_->Command({"WAIT", std::to_string(options_.wait_replicas),
                                     std::to_string(std::max<long long>(1, left - 20))},
                                    deadline);
      if (w.kind != RedisReply::Kind::kOk) {
        Completion c = RedisFailure(w, true);
        c.type = OpType::kInfo;  // the write itself was done
        return c;
      }
      return RedisWaitOutcome(w.integer, options_.wait_replicas);
    }
    return Completion::Ok();
  }

  Completion Read(const std::string& key, Clock::time_point deadline, bool zero_if_nil) {
    RedisReply r = conn_->Command({"GET", key}, deadline);
    if (r.kind != RedisReply::Kind::kOk) return RedisFailure(r, false);
    Completion c{OpType::kOk, Value(), "", ""};
    if (r.nil) {
      if (zero_if_nil) c.value = Value::Int(0);
      return c;
    }
    try {
      c.value = Value::Int(std::stoll(r.str));
    } catch (const std::exception&) {
      return Completion::Fail("key " + key + " holds \"" + r.str + "\", not an integer");
    }
    return c;
  }

  Completion Run(const OpRequest& req, Clock::time_point deadline) {
    if (options_.workload == "register") {
      const std::string key = "r:" + req.key.value_or("");
      if (req.f == "read") return Read(key, deadline, false);
      if (req.f == "write") return Write({"SET", key, std::to_string(req.value.as_int())}, deadline);
      if (req.f == "cas") {
        const auto& l = req.value.as_list();
        return Write({"EVAL", kCasScript, "1", key, std::to_string(l.at(0).as_int()),
                      std::to_string(l.at(1).as_int())},
                     deadline, true);
      }
    } else if (options_.workload == "counter") {
      if (req.f == "add") return Write({"INCRBY", "counter", std::to_string(req.value.as_int())}, deadline);
      if (req.f == "read") return Read("counter", deadline, true);
    }
    return Completion::Fail("the redis client has no " + options_.workload + " op '" + req.f + "'");
  }

  const RedisClientOptions options_;
  const std::shared_ptr<const RedisTopology> topology_;
  size_t home_ = 0;
  std::unique_ptr<RedisConn> conn_;
  std::unique_ptr<RedisConn> sentinel_;  // to the home node's Sentinel, for FollowSentinel
  Clock::time_point next_follow_{};
};

}  // namespace

std::string AskSentinels(const RedisTopology& t, size_t first, Clock::time_point deadline) {
  for (size_t k = 0; k < t.nodes.size(); ++k) {
    const auto& node = t.nodes[(first + k) % t.nodes.size()];
    if (Clock::now() >= deadline) break;
    auto c = RedisConn::Connect(node.host, t.sentinel_port,
                                std::min(deadline, Clock::now() + milliseconds(100)));
    if (!c.ok()) continue;
    RedisReply r = (*c)->Command({"SENTINEL", "get-master-addr-by-name", t.master_name},
                                 std::min(deadline, Clock::now() + milliseconds(100)));
    if (r.kind == RedisReply::Kind::kOk && r.elements.size() == 2) return r.elements[0];
  }
  return "";
}

std::optional<SentinelPrimary> ParseSentinelMaster(const std::vector<std::string>& fields) {
  std::optional<std::string> ip, epoch;
  for (size_t i = 0; i + 1 < fields.size(); i += 2) {
    if (fields[i] == "ip") ip = fields[i + 1];
    if (fields[i] == "config-epoch") epoch = fields[i + 1];
  }
  if (!ip || !epoch) return std::nullopt;
  SentinelPrimary p;
  p.host = *ip;
  try {
    p.epoch = std::stoll(*epoch);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  return p;
}

std::string AskSentinelsNewest(const RedisTopology& t, Clock::time_point deadline) {
  std::optional<SentinelPrimary> best;
  for (const auto& node : t.nodes) {
    if (Clock::now() >= deadline) break;
    const auto by = std::min(deadline, Clock::now() + milliseconds(100));
    auto c = RedisConn::Connect(node.host, t.sentinel_port, by);
    if (!c.ok()) continue;
    RedisReply r = (*c)->Command({"SENTINEL", "master", t.master_name}, by);
    if (r.kind != RedisReply::Kind::kOk) continue;
    auto view = ParseSentinelMaster(r.elements);
    if (view && (!best || view->epoch > best->epoch)) best = view;
  }
  return best ? best->host : "";
}

std::unique_ptr<Client> NewRedisClient(const RedisClientOptions& options,
                                       std::shared_ptr<const RedisTopology> topology,
                                       const std::string& home) {
  return std::make_unique<RedisClient>(options, std::move(topology), home);
}

}  // namespace faultline
