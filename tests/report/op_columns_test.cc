// The compact op columns round-trip to what the history says.
#include "report/op_columns.h"

#include <gtest/gtest.h>

#include "core/history_io.h"
#include "tests/report/column_decoder.h"

namespace faultline {
namespace {

History Parse(const std::string& text) {
  auto loaded = ParseHistory(text, "test.jsonl", HistoryFormat::kJsonl);
  EXPECT_TRUE(loaded.ok()) << loaded.status().message();
  return loaded.ok() ? std::move(loaded->history) : History();
}

constexpr const char* kHistory = R"(
{"index":0,"time":1000,"process":3,"type":"invoke","f":"write","key":"a","value":5}
{"index":1,"time":2000,"process":0,"type":"invoke","f":"read","key":"b","value":null}
{"index":2,"time":2600,"process":0,"type":"ok","f":"read","key":"b","value":5,"node":"n2"}
{"index":3,"time":3000,"process":"nemesis","type":"info","f":"kill","value":"n1"}
{"index":4,"time":4000,"process":3,"type":"fail","f":"write","key":"a","value":5,"error":"</script>"}
{"index":5,"time":5000,"process":0,"type":"invoke","f":"cas","key":"a","value":[5,-7]}
{"index":6,"time":9000,"process":0,"type":"info","f":"cas","key":"a","value":[5,-7]}
{"index":7,"time":9500,"process":3,"type":"invoke","f":"write","key":"c","value":{"odd":true}}
)";

TEST(EncodeOps, RoundTripsEveryField) {
  const History h = Parse(kHistory);
  const TimeAxis axis = ChooseTimeAxis(h);
  ASSERT_TRUE(axis.real_time);
  const EncodedOps enc = EncodeOps(h, axis, 1 << 20);
  const auto& t = enc.tables;
  EXPECT_EQ(t["count"], 4);
  EXPECT_EQ(t["unit"], "us");
  EXPECT_EQ(t["lanes"], nlohmann::json({{0}, {3}}));
  const auto rows = DecodeColumns(enc);
  ASSERT_EQ(rows.size(), 4u);
  // write 5 by process 3 (lane 1): failed, with its error text.
  EXPECT_EQ(rows[0].idx, 0);
  EXPECT_EQ(rows[0].lane, 1);
  EXPECT_EQ(t["f"][rows[0].f], "write");
  EXPECT_EQ(rows[0].outcome, int(RowOutcome::kFail));
  EXPECT_EQ(t["keys"][rows[0].key], "a");
  EXPECT_EQ(rows[0].vtag, 1);
  EXPECT_EQ(rows[0].va, 5);
  EXPECT_EQ(t["strings"][rows[0].err - 2], "</script>");
  EXPECT_EQ(rows[0].start, 0);
  EXPECT_EQ(rows[0].end, 3);  // µs since the first op
  // read → 5, ok, on n2.
  EXPECT_EQ(rows[1].idx, 1);
  EXPECT_EQ(rows[1].outcome, int(RowOutcome::kOk));
  EXPECT_EQ(rows[1].va, 5);
  EXPECT_EQ(t["nodes"][rows[1].node], "n2");
  EXPECT_EQ(t["keys"][rows[1].key], "b");
  // cas 5→-7, info.
  EXPECT_EQ(rows[2].vtag, 2);
  EXPECT_EQ(rows[2].va, 5);
  EXPECT_EQ(rows[2].vb, -7);
  EXPECT_EQ(rows[2].outcome, int(RowOutcome::kInfo));
  // a map value goes to the string table; never completed: pending, drawn to the end.
  EXPECT_EQ(rows[3].vtag, 3);
  EXPECT_EQ(t["strings"][rows[3].va], R"({"odd":true})");
  EXPECT_EQ(rows[3].outcome, int(RowOutcome::kPending));
  EXPECT_EQ(rows[3].end, t["end"].get<int64_t>());
}

TEST(EncodeOps, ElidesStringsPastTheBudget) {
  const EncodedOps enc = EncodeOps(Parse(kHistory), ChooseTimeAxis(Parse(kHistory)), 4);
  const auto rows = DecodeColumns(enc);
  EXPECT_EQ(rows[0].err, 1);   // "</script>" does not fit in 4 bytes
  EXPECT_EQ(rows[3].vtag, 4);  // nor the map
  EXPECT_EQ(enc.tables["strings_elided"], 2);
}

TEST(AssignLanes, OneLanePerProcessUpToTheLimit) {
  std::string text;
  for (int p = 0; p < 3; ++p) {
    text += "{\"process\":" + std::to_string(p * 7) + ",\"type\":\"invoke\",\"f\":\"read\"}\n";
  }
  EXPECT_EQ(AssignLanes(Parse(text)), (std::vector<std::vector<int64_t>>{{0}, {7}, {14}}));
}

TEST(AssignLanes, RetiredProcessesShareALaneBeyondTheLimit) {
  // Two workers: worker w runs process w, then w + 2, w + 4, … each ending in info.
  std::string text;
  const int processes = int(kMaxProcessLanes) + 2;
  for (int p = 0; p < processes; p += 2) {
    for (int w = 0; w < 2; ++w) {
      text += "{\"process\":" + std::to_string(p + w) + ",\"type\":\"invoke\",\"f\":\"read\"}\n";
    }
    for (int w = 0; w < 2; ++w) {
      text += "{\"process\":" + std::to_string(p + w) + ",\"type\":\"info\",\"f\":\"read\"}\n";
    }
  }
  const History h = Parse(text);
  const auto lanes = AssignLanes(h);
  ASSERT_EQ(lanes.size(), 2u);
  EXPECT_EQ(lanes[0].size(), size_t(processes / 2));
  EXPECT_EQ(lanes[0][1], 2);
  EXPECT_EQ(lanes[1][1], 3);
  // The lane column marks each next process, so every op's process can be recovered.
  const auto rows = DecodeColumns(EncodeOps(h, ChooseTimeAxis(h), 1024));
  ASSERT_EQ(rows.size(), size_t(processes));
  EXPECT_EQ(rows[2].lane, 0);
  EXPECT_EQ(rows[3].lane, 1);
}

TEST(ChooseTimeAxis, FallsBackToLineOrderWithoutTimes) {
  const History h = Parse(R"(
{"process":0,"type":"invoke","f":"write","value":1}
{"process":0,"type":"ok","f":"write","value":1}
{"process":1,"type":"invoke","f":"read","value":null}
{"process":1,"type":"ok","f":"read","value":1}
)");
  const TimeAxis axis = ChooseTimeAxis(h);
  EXPECT_FALSE(axis.real_time);
  const auto rows = DecodeColumns(EncodeOps(h, axis, 1024));
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1].start, 2);
  EXPECT_EQ(rows[1].end, 3);
  EXPECT_EQ(rows[1].key, -1);  // no keys
}

TEST(ChooseTimeAxis, FallsBackWhenTimesGoBackwards) {
  const History h = Parse(R"(
{"time":5000,"process":0,"type":"invoke","f":"write","value":1}
{"time":1000,"process":0,"type":"ok","f":"write","value":1}
)");
  EXPECT_FALSE(ChooseTimeAxis(h).real_time);
}

}  // namespace
}  // namespace faultline
