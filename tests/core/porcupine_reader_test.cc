// Tests of the reader for Porcupine's jepsen.util etcd logs, including all 103 fixture files
// in shared/histories/porcupine/jepsen checked against expected.tsv.
#include <gtest/gtest.h>

#include <cctype>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "core/history_io.h"
#include "tests/core/fixtures.h"

namespace faultline {
namespace {

std::vector<Op> ParseOk(const std::string& text) {
  Result<std::vector<Op>> ops = ParsePorcupineEtcdOps(text, "t.log");
  EXPECT_TRUE(ops.ok()) << ops.status().message();
  return ops.ok() ? std::move(ops).value() : std::vector<Op>{};
}

TEST(PorcupineEtcdReaderTest, ReadsEveryKindOfLine) {
  std::vector<Op> ops = ParseOk(
      "INFO  jepsen.util - 0\t:invoke\t:read\tnil\n"
      "INFO  jepsen.util - 2\t:invoke\t:write\t4\n"
      "INFO  jepsen.util - 3\t:invoke\t:cas\t[1 2]\n"
      "INFO  jepsen.util - 0\t:ok\t:read\t4\n"
      "INFO  jepsen.util - 2\t:info\t:write\t:timed-out\n"
      "INFO  jepsen.util - 3\t:fail\t:cas\t[1 2]\n");
  ASSERT_EQ(ops.size(), 6u);
  EXPECT_EQ(ops[0].process, 0);
  EXPECT_EQ(ops[0].type, OpType::kInvoke);
  EXPECT_EQ(ops[0].f, "read");
  EXPECT_TRUE(ops[0].value.is_null());
  EXPECT_EQ(ops[1].value, Value::Int(4));
  EXPECT_EQ(ops[2].f, "cas");
  EXPECT_EQ(ops[2].value, Value::MakeList({Value::Int(1), Value::Int(2)}));
  EXPECT_EQ(ops[3].value, Value::Int(4));
  EXPECT_EQ(ops[4].type, OpType::kInfo);
  EXPECT_TRUE(ops[4].value.is_null());
  EXPECT_EQ(ops[4].error, "timed-out");
  EXPECT_EQ(ops[5].type, OpType::kFail);
  EXPECT_EQ(ops[5].value, Value::MakeList({Value::Int(1), Value::Int(2)}));
  EXPECT_FALSE(ops[5].error.has_value());
  for (size_t i = 0; i < ops.size(); ++i) EXPECT_EQ(ops[i].line, static_cast<int64_t>(i) + 1);
  EXPECT_TRUE(History::Make(ops, "t.log").ok());
}

TEST(PorcupineEtcdReaderTest, SpacesBlankLinesAndCrlf) {
  std::vector<Op> ops = ParseOk(
      "\n"
      "INFO  jepsen.util - 1   :invoke :cas    [4 3]\r\n"
      "   \n"
      "INFO  jepsen.util - 1   :fail   :read   :timed-out\n");
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_EQ(ops[0].line, 2);
  EXPECT_EQ(ops[0].value, Value::MakeList({Value::Int(4), Value::Int(3)}));
  EXPECT_EQ(ops[1].line, 4);
  EXPECT_EQ(ops[1].type, OpType::kFail);
  EXPECT_EQ(ops[1].error, "timed-out");
  EXPECT_TRUE(ops[1].value.is_null());
}

TEST(PorcupineEtcdReaderTest, EmptyFileIsAnEmptyHistory) {
  EXPECT_TRUE(ParseOk("").empty());
  EXPECT_TRUE(ParseOk("\n\n").empty());
}

// A log of several MB, cut into ranges parsed on threads of their own: every op (blank lines
// leave their slots unused), its line, and the first of two errors.
TEST(PorcupineEtcdReaderTest, LargeLogsKeepLinesAndTheFirstError) {
  const std::string kLine = "INFO  jepsen.util - 3\t:invoke\t:cas\t[1 2]\n";
  const size_t kLines = (size_t{9} << 20) / kLine.size();
  std::string text;
  const std::string kBlank = std::string(kLine.size() - 1, ' ') + "\n";  // skipped
  for (size_t i = 0; i < kLines; ++i) text += i % 1000 == 7 ? kBlank : kLine;
  Result<std::vector<Op>> ops = ParsePorcupineEtcdOps(text, "big.log");
  ASSERT_TRUE(ops.ok()) << ops.status().message();
  ASSERT_EQ(ops->size(), kLines - (kLines + 992) / 1000);
  EXPECT_EQ(ops->back().line, int64_t(kLines));
  for (size_t i = 1; i < ops->size(); ++i) ASSERT_LT((*ops)[i - 1].line, (*ops)[i].line);
  // Two bad lines, one in each half: the earlier one is reported.
  std::string bad = text;
  const size_t late = kLine.size() * (kLines - 10), early = kLine.size() * (kLines / 3);
  bad.replace(late, 4, "WARN");
  bad.replace(early, 4, "WARN");
  ops = ParsePorcupineEtcdOps(bad, "big.log");
  ASSERT_FALSE(ops.ok());
  EXPECT_TRUE(ops.status().message().starts_with("big.log:" + std::to_string(kLines / 3 + 1) +
                                                 ": line does not start with"))
      << ops.status().message();
  // A byte that is not UTF-8 in the last range: its line, counted over the whole text.
  bad = text;
  bad[late + 30] = '\xff';
  ops = ParsePorcupineEtcdOps(bad, "big.log");
  ASSERT_FALSE(ops.ok());
  EXPECT_TRUE(ops.status().message().starts_with("big.log:" + std::to_string(kLines - 9) +
                                                 ": byte 0xFF at column 31"))
      << ops.status().message();
}

// ---- The 103 fixture logs ----

std::vector<PorcupineFixture> EtcdRows() { return PorcupineFixtures("jepsen/"); }

// What one history holds, counted from the pairing.
struct Counts {
  int64_t invokes = 0;
  int64_t info_or_open = 0;     // completed with info, or never completed
  int64_t timed_out_reads = 0;  // ":fail :read :timed-out"
  std::set<int64_t> processes;
};

Counts Count(const History& h) {
  Counts c;
  for (size_t i = 0; i < h.size(); ++i) {
    c.processes.insert(h[i].process);
    if (h[i].type != OpType::kInvoke) continue;
    ++c.invokes;
    int64_t done = h.partner(i);
    if (done < 0 || h[done].type == OpType::kInfo) {
      ++c.info_or_open;
    } else if (h[done].type == OpType::kFail && h[done].error == "timed-out") {
      ++c.timed_out_reads;
    }
  }
  return c;
}

class EtcdFixtureTest : public ::testing::TestWithParam<PorcupineFixture> {};

TEST_P(EtcdFixtureTest, ParsesAndPairs) {
  const PorcupineFixture& row = GetParam();
  const std::string path = row.path();
  Result<LoadedHistory> h = ReadHistoryFile(path, HistoryFormat::kAuto);
  ASSERT_TRUE(h.ok()) << h.status().message();
  if (row.ops > 0) {
    EXPECT_EQ(h->format, HistoryFormat::kPorcupineEtcd);
  }
  Counts c = Count(h->history);
  EXPECT_EQ(c.invokes, row.ops);
  EXPECT_EQ(static_cast<int64_t>(c.processes.size()), row.processes);
  // expected.tsv's pending_ops counts the ops whose outcome Porcupine treats as unknown:
  // those that ended :info (none is left open in these files) plus the reads that ended
  // ":fail :read :timed-out" (only in etcd_100..102).
  EXPECT_EQ(c.info_or_open + c.timed_out_reads, row.pending_ops);
  if (!row.file.starts_with("jepsen/etcd_10")) {
    EXPECT_EQ(c.timed_out_reads, 0);
  }
}

INSTANTIATE_TEST_SUITE_P(Porcupine, EtcdFixtureTest, ::testing::ValuesIn(EtcdRows()),
                         [](const ::testing::TestParamInfo<PorcupineFixture>& info) {
                           return FixtureTestName(info.param, 7);
                         });

TEST(EtcdFixtureTableTest, Lists103Files) { EXPECT_EQ(EtcdRows().size(), 103u); }

}  // namespace
}  // namespace faultline
