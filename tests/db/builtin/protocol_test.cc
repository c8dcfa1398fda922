// The wire protocol without processes: request parsing, endpoint and peer flags, the
// server's handling of malformed lines (through StoreServer::HandleLine and a fake engine),
// and the client's reading of whatever comes back (fuzzed too: fuzz/store_reply_fuzzer.cc).
#include "db/builtin/server/protocol.h"

#include <gtest/gtest.h>

#include <limits>

#include "db/builtin/server/file_logger.h"
#include "db/builtin/store_client.h"
#include "db/builtin/server/store_server.h"

namespace faultline {
namespace {

using nlohmann::json;

TEST(Protocol, ParsesEachClientOp) {
  Result<ClientRequest> read = ParseClientRequest(json{{"op", "read"}, {"key", "x"}});
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->op, ClientOp::kRead);
  EXPECT_EQ(read->key, "x");
  Result<ClientRequest> cas =
      ParseClientRequest(json{{"op", "cas"}, {"key", "x"}, {"from", -1}, {"to", 7}});
  ASSERT_TRUE(cas.ok());
  EXPECT_EQ(cas->from, -1);
  EXPECT_EQ(cas->to, 7);
  Result<ClientRequest> write =
      ParseClientRequest(json{{"op", "write"}, {"key", "x"}, {"value", 5}, {"timeout_ms", 30}});
  ASSERT_TRUE(write.ok());
  EXPECT_EQ(write->value, 5);
  EXPECT_EQ(write->timeout_ms, 30);
}

TEST(Protocol, RejectsMistypedFields) {
  for (const json& bad :
       {json{{"op", "write"}, {"key", "x"}, {"value", "5"}},
        json{{"op", "write"}, {"key", "x"}, {"value", 1.5}},
        json{{"op", "write"}, {"key", "x"}, {"value", 18446744073709551615u}},
        json{{"op", "read"}, {"key", 3}}, json{{"op", "read"}},
        json{{"op", "cas"}, {"key", "x"}, {"from", 1}}, json{{"op", "jump"}, {"key", "x"}}}) {
    EXPECT_FALSE(ParseClientRequest(bad).ok()) << bad.dump();
  }
}

TEST(Protocol, IntegersSpanInt64) {
  json j{{"a", std::numeric_limits<int64_t>::min()}, {"b", std::numeric_limits<int64_t>::max()}};
  EXPECT_EQ(*GetInt(j, "a"), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(*GetInt(j, "b"), std::numeric_limits<int64_t>::max());
}

TEST(Protocol, ParsesEndpointsAndPeers) {
  Result<TcpEndpoint> e = TcpEndpoint::Parse("127.0.0.1:7001");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->port, 7001);
  EXPECT_FALSE(TcpEndpoint::Parse("127.0.0.1").ok());
  EXPECT_FALSE(TcpEndpoint::Parse("127.0.0.1:0").ok());
  EXPECT_FALSE(TcpEndpoint::Parse("127.0.0.1:70000").ok());
  Result<std::vector<PeerInfo>> peers = ParsePeers("n1=127.0.0.1:1,n2=127.0.0.1:2");
  ASSERT_TRUE(peers.ok());
  ASSERT_EQ(peers->size(), 2u);
  EXPECT_EQ((*peers)[1].name, "n2");
  EXPECT_FALSE(ParsePeers("n1=127.0.0.1:1,n1=127.0.0.1:2").ok());
  EXPECT_FALSE(ParsePeers("n1:127.0.0.1:1").ok());
}

TEST(Protocol, NodeStatusRoundTrips) {
  NodeStatus s{"n2", "async", "replica", "n1", 3, 40, 2, 17};
  Result<NodeStatus> back = NodeStatus::FromJson(json::parse(s.ToJson().dump()));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->primary, "n1");
  EXPECT_EQ(back->last_index, 40);
}

// Answers every op with ok; records how many reached it.
class FakeEngine : public StoreEngine {
 public:
  Status Start() override { return Status::Ok(); }
  json Execute(const ClientRequest&, Deadline) override {
    ++executed;
    return OkReply();
  }
  json HandlePeer(const std::string& op, const json&) override {
    return ErrorReply(store_error::kMalformed, true, "unknown op '" + op + "'");
  }
  NodeStatus GetStatus() override {
    NodeStatus s;
    s.name = "n1";
    return s;
  }
  int executed = 0;
};

TEST(Protocol, ServerAnswersMalformedLinesWithDefiniteErrors) {
  NodeOptions options;
  options.name = "n1";
  auto logger = FileLogger::Open("/dev/null");
  ASSERT_TRUE(logger.ok());
  FakeEngine engine;
  StoreServer server(options, engine, **logger);
  for (std::string_view line : {"", "garbage", "[1,2]", "42", "{\"op\":7}", "{\"key\":\"x\"}",
                                "{\"op\":\"write\",\"key\":\"x\"}", "{\"op\":\"nope\"}",
                                "{\"op\":\"read\",\"key\":\"x\"", "\xff\xfe"}) {
    json reply = server.HandleLine(line, 1);
    EXPECT_EQ(reply["ok"], false) << line;
    EXPECT_EQ(reply["error"], "malformed") << line;
    EXPECT_EQ(reply["definite"], true) << line;
  }
  EXPECT_EQ(engine.executed, 0);
  json ok = server.HandleLine(R"({"id":9,"op":"read","key":"x"})", 1);
  EXPECT_EQ(ok["ok"], true);
  EXPECT_EQ(ok["id"], 9);
}

// A node's reply is untrusted input: anything that is not a well-formed reply makes the op
// unknown (it may have happened), never ok, never a crash; the line shown in the error is
// cut short, since it ends up in the history.
TEST(Protocol, ClientTreatsGarbageRepliesAsUnknown) {
  using Kind = StoreClient::Reply::Kind;
  Result<json> garbage = StoreClient::ParseReplyLine("\xff\xfe not json " + std::string(500, 'x'));
  ASSERT_FALSE(garbage.ok());
  EXPECT_TRUE(garbage.status().message().starts_with("unparseable reply: "))
      << garbage.status().message();
  EXPECT_LT(garbage.status().message().size(), 250u);
  EXPECT_FALSE(StoreClient::ParseReplyLine("[1,2]").ok());  // JSON, but not an object
  EXPECT_FALSE(StoreClient::ParseReplyLine("").ok());

  auto decode = [](const char* line) { return StoreClient::DecodeReply(json::parse(line)); };
  EXPECT_EQ(decode(R"({"id":1,"ok":true,"value":5})").kind, Kind::kOk);
  EXPECT_EQ(decode(R"({"id":1,"ok":true,"value":5})").value, 5);
  EXPECT_EQ(decode(R"({"id":1})").kind, Kind::kUnknown);  // neither ok nor a definite error
  EXPECT_EQ(decode(R"({"id":1,"ok":"yes"})").kind, Kind::kUnknown);
  EXPECT_EQ(decode(R"({"id":1,"ok":false,"error":"timeout","definite":false})").kind,
            Kind::kUnknown);
  EXPECT_EQ(decode(R"({"id":1,"ok":false,"error":"cas-mismatch","definite":true})").kind,
            Kind::kFail);
  const StoreClient::Reply unreadable =
      decode(R"({"id":1,"ok":true,"values":{"account:0":"lots"}})");
  EXPECT_EQ(unreadable.kind, Kind::kUnknown);
  EXPECT_NE(unreadable.error.find("unreadable value of 'account:0'"), std::string::npos)
      << unreadable.error;
  // Regression: an ok read whose value was not an int64 (beyond its range, a string) was
  // recorded as an ok read of nothing, i.e. of an absent key: a false read in the history.
  for (const char* line :
       {R"({"id":1,"ok":true,"value":9223372036854775808})", R"({"id":1,"ok":true,"value":"5"})",
        R"({"id":1,"ok":true,"value":[5]})"}) {
    const StoreClient::Reply r = decode(line);
    EXPECT_EQ(r.kind, Kind::kUnknown) << line;
    EXPECT_FALSE(r.value.has_value()) << line;
    EXPECT_NE(r.error.find("unreadable value"), std::string::npos) << r.error;
  }
  // A definite refusal that carries an odd value is still a refusal.
  EXPECT_EQ(
      decode(R"({"id":1,"ok":false,"error":"cas-mismatch","definite":true,"value":"x"})").kind,
      Kind::kFail);
}

}  // namespace
}  // namespace faultline
