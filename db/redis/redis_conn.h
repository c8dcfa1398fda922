// RedisConn: one hiredis connection with per-command deadlines (socket timeouts set to what
// is left before each command), and RedisOutcome: how a reply, an error reply or a lost
// connection becomes an op's completion (pure; unit-tested). Not thread-safe: one per client.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "harness/client.h"

struct redisContext;

namespace faultline {

struct RedisReply {
  enum class Kind {
    kOk,       // answered: str/integer/elements as the reply had them
    kError,    // an error reply ("READONLY You can't write against a read only replica.")
    kNotSent,  // no connection, or the command could not be written
    kTimeout,  // sent, no answer by the deadline (the connection is dropped)
    kLost,     // sent, the connection broke
  };
  Kind kind = Kind::kNotSent;
  bool nil = false;
  long long integer = 0;
  std::string str;  // a string/status reply, or the error/what happened
  std::vector<std::string> elements;  // an array reply of strings
};

class RedisConn {
 public:
  static Result<std::unique_ptr<RedisConn>> Connect(const std::string& host, int port,
                                                    Clock::time_point deadline);
  ~RedisConn();
  RedisConn(const RedisConn&) = delete;
  RedisConn& operator=(const RedisConn&) = delete;
  RedisReply Command(const std::vector<std::string>& argv, Clock::time_point deadline);
  bool healthy() const { return !broken_; }
  const std::string& host() const { return host_; }

 private:
  RedisConn(redisContext* c, std::string host) : c_(c), host_(std::move(host)) {}
  redisContext* c_;
  std::string host_;
  bool broken_ = false;
};

// True for error replies that say the node cannot serve writes or reads now (a replica,
// loading, no master link, too few replicas) rather than refusing this op.
bool RedisNodeUnavailable(const std::string& error);

// The completion for a reply that is not kOk; `may_have_taken_effect` as for a write.
Completion RedisFailure(const RedisReply& reply, bool may_have_taken_effect);

// The completion of a write that WAIT confirmed on `acked` replicas of `wanted`: ok when
// enough did, else info (the write stays on the primary; it may or may not survive).
Completion RedisWaitOutcome(long long acked, int wanted);

}  // namespace faultline
