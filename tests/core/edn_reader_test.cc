// Tests of the EDN history reader: every EDN construct Jepsen writes, Jepsen 0.3 op records,
// jepsen.independent tuples, and Porcupine's kv fixture files.
#include <gtest/gtest.h>

#include <cctype>
#include <cmath>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "core/history_io.h"
#include "tests/core/fixtures.h"

namespace faultline {

// Lets GoogleTest print Values in failure messages.
inline void PrintTo(const Value& v, std::ostream* os) { *os << v.ToJson(); }

namespace {

std::vector<Op> ParseOk(const std::string& text) {
  Result<std::vector<Op>> ops = ParseEdnOps(text, "t.edn");
  EXPECT_TRUE(ops.ok()) << ops.status().message();
  return ops.ok() ? std::move(ops).value() : std::vector<Op>{};
}

// The :value of one op, read next to a read op so that a pair is not taken as an
// independent [k v] tuple.
Value ReadValue(const std::string& edn) {
  std::vector<Op> ops = ParseOk("{:process 0 :type :invoke :f :x :value " + edn +
                                "}\n{:process 1 :type :invoke :f :read :value nil}");
  return ops.size() == 2 ? ops[0].value : Value::String("<parse failed>");
}

Value L(Value::List l) { return Value::MakeList(std::move(l)); }
Value I(int64_t i) { return Value::Int(i); }
Value S(std::string s) { return Value::String(std::move(s)); }

TEST(EdnReaderTest, Scalars) {
  EXPECT_EQ(ReadValue("nil"), Value());
  EXPECT_EQ(ReadValue("true"), Value::Bool(true));
  EXPECT_EQ(ReadValue("false"), Value::Bool(false));
  EXPECT_EQ(ReadValue("42"), I(42));
  EXPECT_EQ(ReadValue("-7"), I(-7));
  EXPECT_EQ(ReadValue("+5"), I(5));
  EXPECT_EQ(ReadValue("42N"), I(42));
  EXPECT_EQ(ReadValue("-9223372036854775808"), I(INT64_MIN));
  EXPECT_EQ(ReadValue("1.5"), Value::Double(1.5));
  EXPECT_EQ(ReadValue("-2.5e3"), Value::Double(-2500));
  EXPECT_EQ(ReadValue("3M"), Value::Double(3));
  EXPECT_EQ(ReadValue("##Inf"), Value::Double(INFINITY));
  EXPECT_EQ(ReadValue("\"s\""), S("s"));
  EXPECT_EQ(ReadValue(":kw"), S("kw"));
  EXPECT_EQ(ReadValue(":ns.a/kw"), S("ns.a/kw"));
  EXPECT_EQ(ReadValue("a-symbol?"), S("a-symbol?"));
  EXPECT_EQ(ReadValue("\\a"), S("a"));
  EXPECT_EQ(ReadValue("\\newline"), S("\n"));
  EXPECT_EQ(ReadValue("\\u00e9"), S("\xc3\xa9"));
}

TEST(EdnReaderTest, StringEscapes) {
  EXPECT_EQ(ReadValue(R"("q\" b\\ n\n t\t r\r u\u00e9 pair\uD83D\uDE00")"),
            S("q\" b\\ n\n t\t r\r u\xc3\xa9 pair\xf0\x9f\x98\x80"));
  EXPECT_EQ(ReadValue("\"two\nlines\""), S("two\nlines"));
}

TEST(EdnReaderTest, Collections) {
  EXPECT_EQ(ReadValue("[1 [2 3] ()]"), L({I(1), L({I(2), I(3)}), L({})}));
  EXPECT_EQ(ReadValue("(1 :a)"), L({I(1), S("a")}));
  EXPECT_EQ(ReadValue("#{3}"), L({I(3)}));
  Value m = ReadValue("{:a 1, \"b\" [2], 3 nil, :n/k {:x 1}}");
  ASSERT_TRUE(m.is_map());
  ASSERT_EQ(m.as_map().size(), 4u);
  EXPECT_EQ(m.as_map()[0].first, "a");
  EXPECT_EQ(m.as_map()[1].first, "b");
  EXPECT_EQ(m.as_map()[2].first, "3");  // non-string keys become their printed form
  EXPECT_EQ(m.as_map()[3].first, "n/k");
  EXPECT_EQ(*m.Find("b"), L({I(2)}));
  EXPECT_EQ(*m.Find("n/k")->Find("x"), I(1));
}

TEST(EdnReaderTest, CommentsCommasAndDiscard) {
  std::vector<Op> ops = ParseOk(
      "; a history\n"
      "#_{:process 9 :type :invoke :f :lost}\n"
      "{:process 0, ; the client\n"
      " :type :invoke,, #_ #_ :ignored 1 :f :read :value [1 #_2 3 4]}\n");
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0].line, 3);
  EXPECT_EQ(ops[0].f, "read");
  EXPECT_EQ(ops[0].value, L({I(1), I(3), I(4)}));
}

TEST(EdnReaderTest, TaggedLiterals) {
  EXPECT_EQ(ReadValue("#inst \"2024-01-02T03:04:05Z\""), S("2024-01-02T03:04:05Z"));
  EXPECT_EQ(ReadValue("#uuid \"f81d4fae-7dec-11d0-a765-00a0c91e6bf6\""),
            S("f81d4fae-7dec-11d0-a765-00a0c91e6bf6"));
  EXPECT_EQ(ReadValue("#my.app/Point{:x 1}"), Value::MakeMap({{"x", I(1)}}));
}

// Jepsen 0.3 writes history.edn as one #jepsen.history.Op record per line.
TEST(EdnReaderTest, Jepsen03OpRecords) {
  std::vector<Op> ops = ParseOk(
      "#jepsen.history.Op{:index 0, :time 1000, :type :invoke, :process 0, :f :write, "
      ":value 3}\n"
      "#jepsen.history.Op{:index 1, :time 2000, :type :invoke, :process :nemesis, "
      ":f :start-partition, :value nil}\n"
      "#jepsen.history.Op{:index 2, :time 3000, :type :info, :process 0, :f :write, "
      ":value 3, :error [:timeout \"took 5s\"], :node \"n2\"}\n");
  ASSERT_EQ(ops.size(), 3u);
  EXPECT_EQ(ops[0].time, 1000);
  EXPECT_EQ(ops[0].process, 0);
  EXPECT_EQ(ops[0].type, OpType::kInvoke);
  EXPECT_EQ(ops[0].f, "write");
  EXPECT_EQ(ops[0].value, I(3));
  EXPECT_FALSE(ops[0].key.has_value());
  EXPECT_TRUE(ops[1].is_nemesis());
  EXPECT_EQ(ops[1].f, "start-partition");
  EXPECT_EQ(ops[2].type, OpType::kInfo);
  EXPECT_EQ(ops[2].error, "[\"timeout\",\"took 5s\"]");
  EXPECT_EQ(ops[2].node, "n2");
  EXPECT_EQ(ops[2].line, 3);
  EXPECT_TRUE(History::Make(ops, "t.edn").ok());
}

TEST(EdnReaderTest, TopLevelVectorKeepsLinesAndIgnoresIndex) {
  std::vector<Op> ops = ParseOk(
      "[{:process 0 :type :invoke :f :read :value nil :index 7}\n"
      " {:process 0\n"
      "  :type :ok :f :read :value 5 :index 3}]\n");
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_EQ(ops[0].line, 1);
  EXPECT_EQ(ops[1].line, 2);
  Result<History> h = History::Make(ops, "t.edn");
  ASSERT_TRUE(h.ok()) << h.status().message();
  EXPECT_EQ((*h)[1].index, 1);
  EXPECT_EQ(h->partner(0), 1);
  EXPECT_EQ(ParseOk("({:process 0 :type :invoke :f :read})").size(), 1u);
}

TEST(EdnReaderTest, EmptyInputIsAnEmptyHistory) {
  EXPECT_TRUE(ParseOk("").empty());
  EXPECT_TRUE(ParseOk("  ; only a comment\n\n").empty());
  EXPECT_TRUE(ParseOk("[]").empty());
}

TEST(EdnReaderTest, IndependentTuplesAreSplit) {
  std::vector<Op> ops = ParseOk(
      "{:process 0 :type :invoke :f :read :value [5 nil]}\n"
      "{:process :nemesis :type :info :f :kill :value nil}\n"
      "{:process 0 :type :ok :f :read :value [5 2]}\n"
      "{:process 1 :type :invoke :f :cas :value [:x [1 2]]}\n"
      "{:process 1 :type :fail :f :cas :value [:x [1 2]]}\n");
  ASSERT_EQ(ops.size(), 5u);
  EXPECT_EQ(ops[0].key, "5");
  EXPECT_EQ(ops[0].value, Value());
  EXPECT_EQ(ops[2].key, "5");
  EXPECT_EQ(ops[2].value, I(2));
  EXPECT_EQ(ops[3].key, "x");
  EXPECT_EQ(ops[3].value, L({I(1), I(2)}));
  EXPECT_FALSE(ops[1].key.has_value());
  EXPECT_TRUE(History::Make(ops, "t.edn").ok());
}

TEST(EdnReaderTest, PairsAreNotTuplesUnlessEveryClientOpHasOne) {
  // A plain register history: cas values are pairs, but the read's nil is not.
  std::vector<Op> ops = ParseOk(
      "{:process 0 :type :invoke :f :cas :value [1 2]}\n"
      "{:process 1 :type :invoke :f :read :value nil}\n");
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_FALSE(ops[0].key.has_value());
  EXPECT_EQ(ops[0].value, L({I(1), I(2)}));
  // Two-micro-op transactions are pairs whose first element is not a scalar.
  ops = ParseOk("{:process 0 :type :invoke :f :txn :value [[:r 1 nil] [:append 1 2]]}");
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_FALSE(ops[0].key.has_value());
  // An explicit :key wins over tuple detection.
  ops = ParseOk("{:process 0 :type :invoke :f :cas :key \"k\" :value [1 2]}");
  ASSERT_EQ(ops.size(), 1u);
  EXPECT_EQ(ops[0].key, "k");
  EXPECT_EQ(ops[0].value, L({I(1), I(2)}));
}

TEST(EdnReaderTest, PorcupineKvLines) {
  std::vector<Op> ops = ParseOk(
      "{:process 0, :type :invoke, :f :append, :key \"0\", :value \"x 0 0 y\"}\n"
      "\n"
      "{:process 0, :type :ok, :f :append, :key \"0\", :value \"x 0 0 y\"}\n");
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_EQ(ops[0].key, "0");
  EXPECT_EQ(ops[0].f, "append");
  EXPECT_EQ(ops[1].value, S("x 0 0 y"));
  EXPECT_EQ(ops[1].line, 3);
}

// ---- Porcupine's kv fixture files (shared/histories/porcupine/kv) ----

std::vector<PorcupineFixture> KvRows() { return PorcupineFixtures("kv/"); }

class KvFixtureTest : public ::testing::TestWithParam<PorcupineFixture> {};

TEST_P(KvFixtureTest, ParsesAndPairs) {
  const PorcupineFixture& row = GetParam();
  const std::string path = row.path();
  Result<LoadedHistory> h = ReadHistoryFile(path, HistoryFormat::kAuto);
  ASSERT_TRUE(h.ok()) << h.status().message();
  EXPECT_EQ(h->format, HistoryFormat::kPorcupineKv);
  int64_t invokes = 0;
  std::set<int64_t> processes;
  for (size_t i = 0; i < h->history.size(); ++i) {
    const Op& op = h->history[i];
    EXPECT_TRUE(op.key.has_value()) << path << ":" << op.line;
    EXPECT_EQ(op.line, static_cast<int64_t>(i) + 1);  // one op per line, no blank lines
    if (op.type == OpType::kInvoke) {
      ++invokes;
      EXPECT_GE(h->history.partner(i), 0) << "every kv op completes: " << path << ":" << op.line;
    }
    processes.insert(op.process);
  }
  EXPECT_EQ(invokes, row.ops);
  EXPECT_EQ(static_cast<int64_t>(processes.size()), row.processes);
  EXPECT_EQ(static_cast<int64_t>(h->history.size()), 2 * row.ops);
}

INSTANTIATE_TEST_SUITE_P(Porcupine, KvFixtureTest, ::testing::ValuesIn(KvRows()),
                         [](const ::testing::TestParamInfo<PorcupineFixture>& info) {
                           return FixtureTestName(info.param, 3);
                         });

TEST(KvFixtureTableTest, ListsSixFiles) { EXPECT_EQ(KvRows().size(), 6u); }

}  // namespace
}  // namespace faultline
