#include "db/redis/redis_conn.h"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <algorithm>
#include <cerrno>

namespace faultline {
namespace {

timeval Remaining(Clock::time_point deadline) {
  auto us = std::chrono::duration_cast<std::chrono::microseconds>(deadline - Clock::now()).count();
  us = std::max<long long>(us, 1000);  // a zero timeout would mean "none"
  return timeval{static_cast<time_t>(us / 1000000), static_cast<suseconds_t>(us % 1000000)};
}

}  // namespace

Result<std::unique_ptr<RedisConn>> RedisConn::Connect(const std::string& host, int port,
                                                      Clock::time_point deadline) {
  const std::string where = "redis at " + host + ":" + std::to_string(port);
  redisContext* c = redisConnectWithTimeout(host.c_str(), port, Remaining(deadline));
  if (c == nullptr) return Status::IoError(where + ": out of memory");
  if (c->err) {
    std::string m = c->errstr;
    redisFree(c);
    return Status::IoError(where + ": " + m);
  }
  return std::unique_ptr<RedisConn>(new RedisConn(c, host));
}

RedisConn::~RedisConn() { redisFree(c_); }

RedisReply RedisConn::Command(const std::vector<std::string>& argv, Clock::time_point deadline) {
  RedisReply r;
  if (broken_) {
    r.kind = RedisReply::Kind::kNotSent;
    r.str = "connection to " + host_ + " is broken";
    return r;
  }
  redisSetTimeout(c_, Remaining(deadline));
  std::vector<const char*> args;
  std::vector<size_t> lens;
  for (const auto& a : argv) {
    args.push_back(a.data());
    lens.push_back(a.size());
  }
  auto* reply = static_cast<redisReply*>(
      redisCommandArgv(c_, static_cast<int>(args.size()), args.data(), lens.data()));
  if (reply == nullptr) {
    broken_ = true;
    const bool timeout = c_->err == REDIS_ERR_IO && (errno == EAGAIN || errno == EWOULDBLOCK);
    r.kind = timeout ? RedisReply::Kind::kTimeout : RedisReply::Kind::kLost;
    r.str = timeout ? "no answer from " + host_ + " by the op's deadline"
                    : std::string(c_->errstr[0] ? c_->errstr : "connection lost");
    return r;
  }
  switch (reply->type) {
    case REDIS_REPLY_ERROR:
      r.kind = RedisReply::Kind::kError;
      r.str.assign(reply->str, reply->len);
      break;
    case REDIS_REPLY_NIL:
      r.kind = RedisReply::Kind::kOk;
      r.nil = true;
      break;
    case REDIS_REPLY_INTEGER:
      r.kind = RedisReply::Kind::kOk;
      r.integer = reply->integer;
      break;
    case REDIS_REPLY_ARRAY:
      r.kind = RedisReply::Kind::kOk;
      for (size_t i = 0; i < reply->elements; ++i) {
        const redisReply* e = reply->element[i];
        r.elements.emplace_back(e->str ? std::string(e->str, e->len) : std::string());
      }
      break;
    default:
      r.kind = RedisReply::Kind::kOk;
      if (reply->str) r.str.assign(reply->str, reply->len);
  }
  freeReplyObject(reply);
  return r;
}

bool RedisNodeUnavailable(const std::string& e) {
  for (const char* code : {"READONLY", "LOADING", "MASTERDOWN", "NOREPLICAS", "BUSY",
                           "TRYAGAIN", "CLUSTERDOWN"}) {
    if (e.rfind(code, 0) == 0) return true;
  }
  return false;
}

Completion RedisFailure(const RedisReply& r, bool may_have_taken_effect) {
  Completion c;
  switch (r.kind) {
    case RedisReply::Kind::kOk:
      c.type = OpType::kOk;
      return c;
    case RedisReply::Kind::kNotSent:
      c.type = OpType::kFail;
      c.error = "not sent: " + r.str;
      c.unavailable = true;
      return c;
    case RedisReply::Kind::kError:
      // Redis refuses a command before running it (scripts are atomic: an error raised by
      // one aborts it before any write when it errs first, and ours write last).
      c.type = OpType::kFail;
      c.error = r.str;
      c.unavailable = RedisNodeUnavailable(r.str);
      return c;
    case RedisReply::Kind::kTimeout:
    case RedisReply::Kind::kLost:
      c.error = (r.kind == RedisReply::Kind::kTimeout ? "timeout: " : "connection lost: ") + r.str;
      c.type = may_have_taken_effect ? OpType::kInfo : OpType::kFail;
      c.unavailable = !may_have_taken_effect;
      return c;
  }
  return c;
}

Completion RedisWaitOutcome(long long acked, int wanted) {
  Completion c;
  if (acked >= wanted) {
    c.type = OpType::kOk;
    return c;
  }
  c.type = OpType::kInfo;
  c.error = "WAIT: " + std::to_string(acked) + " of " + std::to_string(wanted) +
            " replicas acknowledged by the deadline; the write stays on the primary";
  return c;
}

}  // namespace faultline
