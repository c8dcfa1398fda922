// The external client protocol: every way a reply line can be wrong is refused with a message
// naming what is wrong; good replies and requests read and write as documented.
#include "db/external/external_protocol.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace faultline {
namespace {

TEST(ParseExternalReply, ReadsAnOkReadWithItsValue) {
  auto r = ParseExternalReply(R"({"id":7,"type":"ok","value":42})");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->id, 7);
  EXPECT_EQ(r->type, OpType::kOk);
  EXPECT_EQ(r->value, Value::Int(42));
  EXPECT_EQ(r->error, "");
  EXPECT_FALSE(r->unavailable);
  EXPECT_EQ(r->node, "");
}

TEST(ParseExternalReply, ReadsAFailWithEveryOptionalField) {
  auto r = ParseExternalReply(
      R"({"type":"fail","error":"not leader","unavailable":true,"node":"n3","role":"follower","id":2,"extra":[1]})");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->id, 2);
  EXPECT_EQ(r->type, OpType::kFail);
  EXPECT_TRUE(r->value.is_null());
  EXPECT_EQ(r->error, "not leader");
  EXPECT_TRUE(r->unavailable);
  EXPECT_EQ(r->node, "n3");
  EXPECT_EQ(r->role, "follower");
}

TEST(ParseExternalReply, ReadsInfoNullsAMapValueAndACarriageReturn) {
  auto r = ParseExternalReply(
      "{\"id\":-1,\"type\":\"info\",\"error\":null,\"node\":null,"
      "\"value\":{\"0\":10,\"1\":null}}\r");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->type, OpType::kInfo);
  EXPECT_EQ(r->value.ToJson(), R"({"0":10,"1":null})");
  EXPECT_EQ(r->error, "");
}

TEST(ParseExternalReply, ValuesNestedToTheLimitAreRead) {
  std::string value = "1";
  for (int i = 0; i < kMaxExternalValueDepth; ++i) value = "[" + value + "]";
  auto r = ParseExternalReply(R"({"id":1,"type":"ok","value":)" + value + "}");
  EXPECT_TRUE(r.ok()) << r.status().message();
}

TEST(ParseExternalReply, AStringUpToTheSizeLimitIsRead) {
  const std::string prefix = R"({"id":1,"type":"ok","value":")";
  const std::string big(kMaxExternalReplyBytes - prefix.size() - 2, 'x');
  auto r = ParseExternalReply(prefix + big + "\"}");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->value.as_string().size(), big.size());
}

struct BadReply {
  std::string name;
  std::string line;
  std::string says;  // a part of the message
};

class ParseExternalReplyRefuses : public ::testing::TestWithParam<BadReply> {};

TEST_P(ParseExternalReplyRefuses, WithAMessageNamingWhatIsWrong) {
  auto r = ParseExternalReply(GetParam().line);
  ASSERT_FALSE(r.ok()) << "accepted: " << GetParam().line;
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidInput);
  EXPECT_NE(r.status().message().find(GetParam().says), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("expected"), std::string::npos) << r.status().message();
}

std::string Nested(int depth) {
  return R"({"id":1,"type":"ok","value":)" + std::string(depth, '[') + "1" +
         std::string(depth, ']') + "}";
}

INSTANTIATE_TEST_SUITE_P(
    Replies, ParseExternalReplyRefuses,
    ::testing::Values(
        BadReply{"Empty", "", "malformed JSON"}, BadReply{"NotJson", "ok 1", "malformed JSON"},
        BadReply{"Truncated", R"({"id":1,"type":"ok")", "malformed JSON"},
        BadReply{"TwoObjects", R"({"id":1,"type":"ok"} {"id":2,"type":"ok"})", "malformed JSON"},
        BadReply{"InvalidUtf8", "{\"id\":1,\"type\":\"ok\",\"error\":\"\xff\"}", "malformed JSON"},
        BadReply{"Array", R"([1,"ok"])", "not a JSON object"},
        BadReply{"String", R"("ok")", "not a JSON object"},
        BadReply{"MissingId", R"({"type":"ok"})", "missing \"id\""},
        BadReply{"MissingType", R"({"id":1})", "missing \"type\""},
        BadReply{"StringId", R"({"id":"1","type":"ok"})", "\"id\" must be"},
        BadReply{"FloatId", R"({"id":1.5,"type":"ok"})", "\"id\" must be"},
        BadReply{"HugeId", R"({"id":18446744073709551615,"type":"ok"})", "\"id\" must be"},
        BadReply{"NullId", R"({"id":null,"type":"ok"})", "\"id\" must be"},
        BadReply{"UnknownType", R"({"id":1,"type":"maybe"})", "unknown \"type\""},
        BadReply{"InvokeType", R"({"id":1,"type":"invoke"})", "unknown \"type\""},
        BadReply{"ReadyType", R"({"id":1,"type":"ready"})", "unknown \"type\""},
        BadReply{"UpperCaseType", R"({"id":1,"type":"OK"})", "unknown \"type\""},
        BadReply{"NumberType", R"({"id":1,"type":1})", "\"type\" must be a string"},
        BadReply{"NumberError", R"({"id":1,"type":"fail","error":5})",
                 "\"error\" must be a string"},
        BadReply{"ObjectNode", R"({"id":1,"type":"ok","node":{}})", "\"node\" must be a string"},
        BadReply{"NumberRole", R"({"id":1,"type":"ok","role":1})", "\"role\" must be a string"},
        BadReply{"DuplicateRole", R"({"id":1,"type":"ok","role":"a","role":"b"})",
                 "\"role\" given twice"},
        BadReply{"StringUnavailable", R"({"id":1,"type":"fail","unavailable":"yes"})",
                 "\"unavailable\" must be"},
        BadReply{"UnavailableOk", R"({"id":1,"type":"ok","unavailable":true})",
                 "only a fail can be unavailable"},
        BadReply{"DuplicateId", R"({"id":1,"type":"ok","id":2})", "\"id\" given twice"},
        BadReply{"DuplicateType", R"({"id":1,"type":"ok","type":"fail"})", "\"type\" given twice"},
        BadReply{"HugeInteger", R"({"id":1,"type":"ok","value":[18446744073709551615]})",
                 "out of range"},
        BadReply{"TooDeep", Nested(kMaxExternalValueDepth + 1), "nested deeper"},
        BadReply{"VeryDeep", Nested(100000), "expected"},
        BadReply{
            "TooLong",
            R"({"id":1,"type":"ok","value":")" + std::string(kMaxExternalReplyBytes, 'x') + "\"}",
            "longer than"}),
    [](const auto& info) { return info.param.name; });

TEST(ParseExternalReply, ASmallerLimitIsHonoured) {
  auto r = ParseExternalReply(R"({"id":1,"type":"ok","value":"0123456789"})", 20);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("longer than 20 bytes"), std::string::npos);
}

TEST(ParseExternalReply, QuotesOnlyTheStartOfAHugeLine) {
  auto r = ParseExternalReply(std::string(100000, '{'));
  ASSERT_FALSE(r.ok());
  EXPECT_LT(r.status().message().size(), 1000u);
}

TEST(ParseExternalReady, AcceptsTheReadyLineOnly) {
  EXPECT_TRUE(ParseExternalReady(R"({"type":"ready"})").ok());
  EXPECT_TRUE(ParseExternalReady(R"({"type":"ready","client":"store_client.py"})").ok());
  EXPECT_FALSE(ParseExternalReady(R"({"type":"ok"})").ok());
  EXPECT_FALSE(ParseExternalReady(R"({"ready":true})").ok());
  EXPECT_FALSE(ParseExternalReady(R"(["ready"])").ok());
  EXPECT_FALSE(ParseExternalReady("ready").ok());
  EXPECT_NE(ParseExternalReady("").message().find("{\"type\":\"ready\"}"), std::string::npos);
}

TEST(EncodeExternalRequest, WritesTheDocumentedFieldsOnOneLine) {
  OpRequest cas{"cas", std::string("7"), Value::MakeList({Value::Int(1), Value::Int(4)}), {}};
  EXPECT_EQ(EncodeExternalRequest(3, cas, "n2", 950),
            "{\"id\":3,\"f\":\"cas\",\"key\":\"7\",\"value\":[1,4],\"node\":\"n2\","
            "\"timeout_ms\":950}\n");
  OpRequest read{"read", std::nullopt, Value(), {}};
  EXPECT_EQ(EncodeExternalRequest(4, read, "n1", 1),
            "{\"id\":4,\"f\":\"read\",\"value\":null,\"node\":\"n1\",\"timeout_ms\":1}\n");
}

TEST(EncodeExternalRequest, EscapesWhatJsonNeedsEscaped) {
  OpRequest req{"write", std::string("a\"b\\c\nd"), Value::String("\x01"), {}};
  const std::string line = EncodeExternalRequest(1, req, "n\"1", 5);
  ASSERT_EQ(line.back(), '\n');
  EXPECT_EQ(line.find('\n'), line.size() - 1);  // one line
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["key"], "a\"b\\c\nd");
  EXPECT_EQ(j["value"], "\x01");
  EXPECT_EQ(j["node"], "n\"1");
}

}  // namespace
}  // namespace faultline
