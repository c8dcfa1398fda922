#include <gtest/gtest.h>

#include "db/redis/redis_client.h"
#include "db/redis/redis_conn.h"

namespace faultline {
namespace {

RedisReply Reply(RedisReply::Kind kind, std::string str = "m") {
  RedisReply r;
  r.kind = kind;
  r.str = std::move(str);
  return r;
}

TEST(RedisOutcome, ConnectionRefusedIsAnUnavailableFail) {
  Completion c = RedisFailure(Reply(RedisReply::Kind::kNotSent, "Connection refused"), true);
  EXPECT_EQ(c.type, OpType::kFail);
  EXPECT_TRUE(c.unavailable);
}

TEST(RedisOutcome, UnansweredWriteIsInfoUnansweredReadIsFail) {
  for (auto kind : {RedisReply::Kind::kTimeout, RedisReply::Kind::kLost}) {
    EXPECT_EQ(RedisFailure(Reply(kind), true).type, OpType::kInfo);
    Completion read = RedisFailure(Reply(kind), false);
    EXPECT_EQ(read.type, OpType::kFail);
    EXPECT_TRUE(read.unavailable);
  }
}

TEST(RedisOutcome, ErrorRepliesAreDefiniteFails) {
  Completion replica = RedisFailure(
      Reply(RedisReply::Kind::kError, "READONLY You can't write against a read only replica."), true);
  EXPECT_EQ(replica.type, OpType::kFail);
  EXPECT_TRUE(replica.unavailable);
  Completion wrong = RedisFailure(
      Reply(RedisReply::Kind::kError, "WRONGTYPE Operation against a key holding the wrong kind"), true);
  EXPECT_EQ(wrong.type, OpType::kFail);
  EXPECT_FALSE(wrong.unavailable);
  EXPECT_TRUE(RedisNodeUnavailable("LOADING Redis is loading the dataset in memory"));
  EXPECT_TRUE(RedisNodeUnavailable("MASTERDOWN Link with MASTER is down"));
  EXPECT_FALSE(RedisNodeUnavailable("ERR unknown command"));
}

TEST(RedisOutcome, WaitShortOfReplicasIsInfo) {
  EXPECT_EQ(RedisWaitOutcome(2, 2).type, OpType::kOk);
  EXPECT_EQ(RedisWaitOutcome(3, 2).type, OpType::kOk);
  Completion c = RedisWaitOutcome(1, 2);
  EXPECT_EQ(c.type, OpType::kInfo);
  EXPECT_NE(c.error.find("1 of 2"), std::string::npos);
}

TEST(SentinelMaster, ParsesAddressAndConfigEpoch) {
  auto v = ParseSentinelMaster({"name", "faultline", "ip", "10.0.0.13", "port", "6379", "flags",
                                "master", "config-epoch", "2", "num-slaves", "4"});
  ASSERT_TRUE(v.has_value());
  EXPECT_EQ(v->host, "10.0.0.13");
  EXPECT_EQ(v->epoch, 2);
}

TEST(SentinelMaster, RefusesAViewWithoutAddressOrEpoch) {
  EXPECT_FALSE(ParseSentinelMaster({"name", "faultline", "ip", "10.0.0.13"}).has_value());
  EXPECT_FALSE(ParseSentinelMaster({"config-epoch", "1", "port", "6379"}).has_value());
  EXPECT_FALSE(ParseSentinelMaster({"ip", "10.0.0.13", "config-epoch", "x"}).has_value());
  EXPECT_FALSE(ParseSentinelMaster({}).has_value());
}

}  // namespace
}  // namespace faultline
