// Tests of the JSON Lines history format: a write/read round trip, and format detection.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/history_io.h"

namespace faultline {

// Lets GoogleTest print Values in failure messages.
inline void PrintTo(const Value& v, std::ostream* os) { *os << v.ToJson(); }

namespace {

Op MakeOp(int64_t process, OpType type, std::string f, Value value) {
  Op op;
  op.process = process;
  op.type = type;
  op.f = std::move(f);
  op.value = std::move(value);
  return op;
}

// A history using every field and every kind of value.
std::vector<Op> SampleOps() {
  Value::Map bank = {{"from", Value::Int(1)}, {"to", Value::Int(2)}, {"amount", Value::Int(5)}};
  std::vector<Op> ops = {
      MakeOp(3, OpType::kInvoke, "cas", Value::MakeList({Value::Int(1), Value::Int(4)})),
      MakeOp(kNemesisProcess, OpType::kInfo, "start-partition",
             Value::MakeMap({{"n1", Value::MakeList({Value::String("n4")})}})),
      MakeOp(3, OpType::kOk, "cas", Value::MakeList({Value::Int(1), Value::Int(4)})),
      MakeOp(4, OpType::kInvoke, "transfer", Value::MakeMap(bank)),
      MakeOp(4, OpType::kInfo, "transfer", Value::MakeMap(bank)),
      MakeOp(5, OpType::kInvoke, "read", Value()),
      MakeOp(5, OpType::kFail, "read",
             Value::MakeList({Value::Bool(true), Value::Double(0.25), Value::Int(-7),
                              Value::String("tab\t\"quote\" \xc3\xa9 \x01")})),
  };
  for (size_t i = 0; i < ops.size(); ++i) ops[i].time = 1000 * static_cast<int64_t>(i) + 7;
  ops[0].key = "r7";
  ops[2].key = "r7";
  ops[2].node = "n2";
  ops[3].role = "primary";
  ops[4].error = "timeout after 5 s";
  ops[6].error = "not leader";
  ops[6].final = true;
  return ops;
}

TEST(JsonlTest, RoundTripKeepsEveryField) {
  Result<History> h = History::Make(SampleOps(), "sample");
  ASSERT_TRUE(h.ok()) << h.status().message();
  std::string text = HistoryToJsonl(*h);
  Result<std::vector<Op>> back = ParseJsonlOps(text, "sample.jsonl");
  ASSERT_TRUE(back.ok()) << back.status().message();
  ASSERT_EQ(back->size(), h->size());
  for (size_t i = 0; i < h->size(); ++i) {
    const Op& a = (*h)[i];
    const Op& b = (*back)[i];
    SCOPED_TRACE("op " + std::to_string(i) + ": " + a.ToJson());
    EXPECT_EQ(b.time, a.time);
    EXPECT_EQ(b.process, a.process);
    EXPECT_EQ(b.type, a.type);
    EXPECT_EQ(b.f, a.f);
    EXPECT_EQ(b.key, a.key);
    EXPECT_EQ(b.value, a.value);
    EXPECT_EQ(b.node, a.node);
    EXPECT_EQ(b.role, a.role);
    EXPECT_EQ(b.error, a.error);
    EXPECT_EQ(b.final, a.final);
    EXPECT_EQ(b.line, static_cast<int64_t>(i) + 1);
  }
  Result<History> again = History::Make(std::move(back).value(), "sample.jsonl");
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ(HistoryToJsonl(*again), text);
}

TEST(JsonlTest, EmptyAndBlankLines) {
  Result<std::vector<Op>> ops = ParseJsonlOps(
      "\n{\"process\":0,\"type\":\"invoke\",\"f\":\"read\",\"value\":null}\n  \n", "t.jsonl");
  ASSERT_TRUE(ops.ok()) << ops.status().message();
  ASSERT_EQ(ops->size(), 1u);
  EXPECT_EQ((*ops)[0].line, 2);
  Result<std::vector<Op>> none = ParseJsonlOps("", "t.jsonl");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

struct DetectCase {
  const char* name;
  const char* text;
  HistoryFormat format;
};

class DetectFormatTest : public ::testing::TestWithParam<DetectCase> {};

TEST_P(DetectFormatTest, Detects) {
  EXPECT_EQ(DetectHistoryFormat(GetParam().text), GetParam().format);
}

INSTANTIATE_TEST_SUITE_P(
    Samples, DetectFormatTest,
    ::testing::Values(
        DetectCase{"Empty", "", HistoryFormat::kJsonl},
        DetectCase{"Jsonl", "{\"index\":0,\"process\":3,\"type\":\"invoke\",\"f\":\"read\"}\n",
                   HistoryFormat::kJsonl},
        DetectCase{"EdnMapLines", "{:process 0, :type :invoke, :f :read, :value nil}\n",
                   HistoryFormat::kEdn},
        DetectCase{"EdnVector", "[{:process 0 :type :invoke :f :read :value nil}]",
                   HistoryFormat::kEdn},
        DetectCase{"Jepsen03Record",
                   "#jepsen.history.Op{:index 0, :time 1, :type :invoke, :process 0, :f :read, "
                   ":value nil}\n",
                   HistoryFormat::kEdn},
        DetectCase{"EdnComment", "; history\n{:process 0 :type :invoke :f :read}",
                   HistoryFormat::kEdn},
        DetectCase{"PorcupineKv",
                   "{:process 0, :type :invoke, :f :append, :key \"0\", :value \"x 0 0 y\"}\n",
                   HistoryFormat::kPorcupineKv},
        DetectCase{"PorcupineEtcdTabs", "INFO  jepsen.util - 0\t:invoke\t:read\tnil\n",
                   HistoryFormat::kPorcupineEtcd},
        DetectCase{"PorcupineEtcdSpaces", "\nINFO  jepsen.util - 1   :invoke :write  3\n",
                   HistoryFormat::kPorcupineEtcd}),
    [](const ::testing::TestParamInfo<DetectCase>& info) { return std::string(info.param.name); });

// Each detected format parses with the reader it names.
TEST(DetectFormatTest, DetectedFormatParses) {
  for (const char* text :
       {"{\"process\":0,\"type\":\"invoke\",\"f\":\"read\"}", "{:process 0 :type :invoke :f :read}",
        "{:process 0, :type :invoke, :f :get, :key \"1\", :value nil}",
        "INFO  jepsen.util - 0\t:invoke\t:read\tnil"}) {
    Result<LoadedHistory> h = ParseHistory(text, "t", HistoryFormat::kAuto);
    ASSERT_TRUE(h.ok()) << text << ": " << h.status().message();
    EXPECT_EQ(h->history.size(), 1u) << text;
  }
}

}  // namespace
}  // namespace faultline

namespace faultline {
namespace {

// A crash can cut the last write short: only an unterminated last line is forgiven.
TEST(JsonlTruncationTest, UnterminatedBadLastLineIsDroppedWithAWarning) {
  const std::string good = "{\"type\":\"invoke\",\"f\":\"read\",\"process\":0}\n";
  auto r = ParseHistory(good + "{\"type\":\"ok\",\"f\":\"re", "h.jsonl", HistoryFormat::kJsonl);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->history.size(), 1u);
  EXPECT_NE(r->warning.find("h.jsonl:2: ignored an unterminated last line"), std::string::npos)
      << r->warning;
}

TEST(JsonlTruncationTest, BadLastLineWithNewlineIsAnError) {
  auto r = ParseHistory("{\"type\":\"invoke\",\"f\":\"read\",\"process\":0}\n{\"type\":\n", "h.jsonl",
                        HistoryFormat::kJsonl);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind("h.jsonl:2: malformed JSON", 0), 0u) << r.status().message();
}

TEST(JsonlTruncationTest, BadMiddleLineIsAnError) {
  auto r = ParseHistory("{\"type\":\n{\"type\":\"invoke\",\"f\":\"read\",\"process\":0}", "h.jsonl",
                        HistoryFormat::kJsonl);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message().rfind("h.jsonl:1: malformed JSON", 0), 0u) << r.status().message();
}

}  // namespace
}  // namespace faultline
