#include "db/etcd/etcd_client.h"

#include <gtest/gtest.h>

#include "core/base64.h"

namespace faultline {
namespace {

using nlohmann::json;

OpRequest Op(std::string f, Value v = Value()) { return OpRequest{std::move(f), "7", std::move(v)}; }
Value Cas(int64_t from, int64_t to) { return Value::MakeList({Value::Int(from), Value::Int(to)}); }
std::string B64(const std::string& s) { return Base64Encode(s); }

HttpReply Ok(json body) { return HttpReply{HttpReply::Kind::kOk, 200, std::move(body), ""}; }
HttpReply Err(int status, int grpc_code) {
  return HttpReply{HttpReply::Kind::kError, status,
                   json{{"error", "x"}, {"code", grpc_code}, {"message", "x"}}, "HTTP error"};
}

TEST(EtcdRequestFor, ReadIsARangeSerializableOnlyWhenAsked) {
  auto lin = EtcdRequestFor(Op("read"), EtcdReads::kLinearizable);
  ASSERT_TRUE(lin.ok());
  EXPECT_EQ(lin->path, "/v3/kv/range");
  EXPECT_EQ(lin->body, (json{{"key", B64("7")}}));
  auto ser = EtcdRequestFor(Op("read"), EtcdReads::kSerializable);
  ASSERT_TRUE(ser.ok());
  EXPECT_EQ(ser->body.at("serializable"), true);
}

TEST(EtcdRequestFor, WriteIsAPutOfTheDecimalValue) {
  auto r = EtcdRequestFor(Op("write", Value::Int(42)), EtcdReads::kLinearizable);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->path, "/v3/kv/put");
  EXPECT_EQ(r->body, (json{{"key", B64("7")}, {"value", B64("42")}}));
}

TEST(EtcdRequestFor, CasIsATxnComparingTheValue) {
  auto r = EtcdRequestFor(Op("cas", Cas(3, 4)), EtcdReads::kLinearizable);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->path, "/v3/kv/txn");
  const json& cmp = r->body.at("compare").at(0);
  EXPECT_EQ(cmp.at("target"), "VALUE");
  EXPECT_EQ(cmp.at("result"), "EQUAL");
  EXPECT_EQ(cmp.at("value"), B64("3"));
  EXPECT_EQ(r->body.at("success").at(0).at("request_put").at("value"), B64("4"));
}

TEST(EtcdRequestFor, RefusesOpsItCannotSend) {
  EXPECT_FALSE(EtcdRequestFor(Op("add", Value::Int(1)), EtcdReads::kLinearizable).ok());
  EXPECT_FALSE(EtcdRequestFor(Op("write", Value::String("x")), EtcdReads::kLinearizable).ok());
  EXPECT_FALSE(EtcdRequestFor(Op("cas", Value::Int(1)), EtcdReads::kLinearizable).ok());
  OpRequest no_key{"read", std::nullopt, Value()};
  EXPECT_FALSE(EtcdRequestFor(no_key, EtcdReads::kLinearizable).ok());
}

TEST(EtcdCompletion, ReadsTheValueOrNullWhenAbsent) {
  Completion c = EtcdCompletion(Op("read"), Ok({{"kvs", {{{"key", B64("7")}, {"value", B64("12")}}}}}));
  EXPECT_EQ(c.type, OpType::kOk);
  EXPECT_EQ(c.value, Value::Int(12));
  Completion absent = EtcdCompletion(Op("read"), Ok({{"header", json::object()}}));
  EXPECT_EQ(absent.type, OpType::kOk);
  EXPECT_TRUE(absent.value.is_null());
}

TEST(EtcdCompletion, AForeignValueIsReadAsAString) {
  Completion c = EtcdCompletion(Op("read"), Ok({{"kvs", {{{"value", B64("hello")}}}}}));
  EXPECT_EQ(c.type, OpType::kOk);
  EXPECT_EQ(c.value, Value::String("hello"));
}

TEST(EtcdCompletion, AnUnreadableAnswerToAReadIsAFail) {
  Completion c = EtcdCompletion(Op("read"), Ok({{"kvs", {{{"value", "!!not base64!!"}}}}}));
  EXPECT_EQ(c.type, OpType::kFail);
}

TEST(EtcdCompletion, CasSucceedsOnlyWhenTheTxnSaysSo) {
  EXPECT_EQ(EtcdCompletion(Op("cas", Cas(1, 2)), Ok({{"succeeded", true}})).type, OpType::kOk);
  Completion no = EtcdCompletion(Op("cas", Cas(1, 2)), Ok({{"header", json::object()}}));
  EXPECT_EQ(no.type, OpType::kFail);
  EXPECT_FALSE(no.unavailable);  // the member served it: no back-off
}

TEST(EtcdCompletion, NothingSentIsAFailOfAnUnavailableNode) {
  HttpReply r{HttpReply::Kind::kNotSent, 0, {}, "could not connect"};
  for (const OpRequest& op : {Op("read"), Op("write", Value::Int(1)), Op("cas", Cas(1, 2))}) {
    Completion c = EtcdCompletion(op, r);
    EXPECT_EQ(c.type, OpType::kFail) << op.f;
    EXPECT_TRUE(c.unavailable) << op.f;
  }
}

TEST(EtcdCompletion, ALostAnswerIsInfoForWritesAndFailForReads) {
  HttpReply r{HttpReply::Kind::kLost, 0, {}, "no complete answer"};
  EXPECT_EQ(EtcdCompletion(Op("write", Value::Int(1)), r).type, OpType::kInfo);
  EXPECT_EQ(EtcdCompletion(Op("cas", Cas(1, 2)), r).type, OpType::kInfo);
  EXPECT_EQ(EtcdCompletion(Op("read"), r).type, OpType::kFail);
}

TEST(EtcdCompletion, OnlyAMalformedWriteIsCertainlyNotApplied) {
  EXPECT_EQ(EtcdCompletion(Op("write", Value::Int(1)), Err(400, 3)).type, OpType::kFail);
  // Unavailable ("leader changed"), DeadlineExceeded ("request timed out"): may commit later.
  EXPECT_EQ(EtcdCompletion(Op("write", Value::Int(1)), Err(503, 14)).type, OpType::kInfo);
  EXPECT_EQ(EtcdCompletion(Op("cas", Cas(1, 2)), Err(504, 4)).type, OpType::kInfo);
  EXPECT_EQ(EtcdCompletion(Op("read"), Err(503, 14)).type, OpType::kFail);
}

}  // namespace
}  // namespace faultline
