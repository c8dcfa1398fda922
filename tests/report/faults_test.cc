// Nemesis ops become the fault bands the report shades.
#include "report/faults.h"

#include <gtest/gtest.h>

#include "core/history_io.h"

namespace faultline {
namespace {

std::vector<FaultBand> Bands(const std::string& text) {
  auto loaded = ParseHistory(text, "test.jsonl", HistoryFormat::kJsonl);
  EXPECT_TRUE(loaded.ok()) << loaded.status().message();
  return FaultBands(loaded->history, ChooseTimeAxis(loaded->history));
}

// Where band `b` starts and ends, on the axis and in the history.
void ExpectSpan(const FaultBand& b, int64_t start, int64_t end, int64_t start_index,
                int64_t end_index) {
  EXPECT_EQ(b.start, start) << b.f;
  EXPECT_EQ(b.end, end) << b.f;
  EXPECT_EQ(b.start_index, start_index) << b.f;
  EXPECT_EQ(b.end_index, end_index) << b.f;
}

TEST(FaultBands, PairsKillsWithRestartsOfTheSameNode) {
  const auto bands = Bands(R"(
{"time":1000,"process":"nemesis","type":"info","f":"kill","value":"n1"}
{"time":2000,"process":"nemesis","type":"info","f":"kill","value":"n2"}
{"time":3000,"process":"nemesis","type":"info","f":"start","value":"n2"}
{"time":5000,"process":"nemesis","type":"info","f":"start","value":"n1"}
)");
  ASSERT_EQ(bands.size(), 2u);
  EXPECT_EQ(bands[0].f, "kill");
  EXPECT_EQ(bands[0].target, "n1");
  EXPECT_EQ(bands[0].start, 0);
  EXPECT_EQ(bands[0].end, 4);
  EXPECT_EQ(bands[0].end_index, 3);
  EXPECT_EQ(bands[1].target, "n2");
  EXPECT_EQ(bands[1].end, 2);
}

TEST(FaultBands, PartitionsEndAtStopAndUnhealedFaultsRunToTheEnd) {
  const auto bands = Bands(R"(
{"time":1000,"process":"nemesis","type":"info","f":"start-partition","value":{"n1":["n4","n5"]}}
{"time":2000,"process":"nemesis","type":"info","f":"stop-partition","value":null}
{"time":3000,"process":"nemesis","type":"info","f":"bump-clock","value":{"n2":250}}
{"time":4000,"process":"nemesis","type":"info","f":"kill","value":["n1","n3"]}
{"time":9000,"process":0,"type":"invoke","f":"read","value":null}
)");
  ASSERT_EQ(bands.size(), 3u);
  EXPECT_EQ(bands[0].target, R"({"n1":["n4","n5"]})");
  EXPECT_EQ(bands[0].end, 1);
  EXPECT_TRUE(bands[1].instant);
  EXPECT_EQ(bands[1].f, "bump-clock");
  EXPECT_EQ(bands[2].target, "n1,n3");
  EXPECT_EQ(bands[2].end_index, -1);
  EXPECT_EQ(bands[2].end, 8);  // the end of the history
}

// Jepsen's invoke names no target: the band takes it from the completion, and runs from the
// start's invoke (the fault issued) to the stop's completion.
TEST(FaultBands, ReadsJepsenInvokeInfoPairsOnce) {
  const auto bands = Bands(R"(
{"time":1000,"process":"nemesis","type":"invoke","f":"start","value":null}
{"time":1500,"process":"nemesis","type":"info","f":"start","value":"Cut off n1"}
{"time":3000,"process":"nemesis","type":"invoke","f":"stop","value":null}
{"time":3500,"process":"nemesis","type":"info","f":"stop","value":"fully connected"}
)");
  ASSERT_EQ(bands.size(), 1u);
  EXPECT_EQ(bands[0].target, "Cut off n1");
  ExpectSpan(bands[0], 0, 3, 0, 3);  // from the invoke (µs after the first op)
}

// faultline records each begin and end as an invoke when issued and an info when done: a
// kill's band runs from the kill's invoke to the start's info, when the node is back.
TEST(FaultBands, RunFromTheIssueOfTheBeginToTheCompletionOfTheEnd) {
  const auto bands = Bands(R"(
{"time":1000,"process":"nemesis","type":"invoke","f":"kill","value":"n1"}
{"time":1200,"process":0,"type":"invoke","f":"read","value":null}
{"time":2000,"process":"nemesis","type":"info","f":"kill","value":"n1"}
{"time":3000,"process":"nemesis","type":"invoke","f":"start","value":"n1"}
{"time":3100,"process":0,"type":"info","f":"read","value":null}
{"time":9000,"process":"nemesis","type":"info","f":"start","value":"n1"}
{"time":10000,"process":"nemesis","type":"invoke","f":"start-clock","value":{"n2":300,"n3":-200}}
{"time":11000,"process":"nemesis","type":"info","f":"start-clock","value":{"n2":300},"error":"n3: exit 1"}
{"time":12000,"process":"nemesis","type":"invoke","f":"stop-clock","value":["n2","n3"]}
)");
  ASSERT_EQ(bands.size(), 2u);
  EXPECT_EQ(bands[0].f, "kill");
  EXPECT_EQ(bands[0].target, "n1");
  ExpectSpan(bands[0], 0, 8, 0, 5);  // to the start's info, not its invoke (2)
  // What a partly applied fault hit is what its info says; a stop that never completed
  // (a run cut short) still ends it where it was issued.
  EXPECT_EQ(bands[1].target, R"({"n2":300})");
  ExpectSpan(bands[1], 9, 11, 6, 8);
}

// A history of one info per fault (faultline before it stamped issues) draws as it always
// did: each band from its begin's info to its end's.
TEST(FaultBands, OneOpFaultsOfOlderHistoriesDrawAsBefore) {
  const auto bands = Bands(R"(
{"time":1000,"process":"nemesis","type":"info","f":"start-partition","value":{"n1":["n3"]}}
{"time":2000,"process":0,"type":"invoke","f":"read","value":null}
{"time":4000,"process":"nemesis","type":"info","f":"stop-partition","value":null}
{"time":5000,"process":"nemesis","type":"info","f":"kill","value":"n2","error":"n2 is gone"}
)");
  ASSERT_EQ(bands.size(), 2u);
  ExpectSpan(bands[0], 0, 3, 0, 2);
  ExpectSpan(bands[1], 4, 4, 3, -1);  // never ended: to the end of the history
}

TEST(FaultTarget, ShortensLongValuesOnCharacterBoundaries) {
  EXPECT_EQ(FaultTarget(Value::String("ééééé"), 3), "é…");
  EXPECT_EQ(FaultTarget(Value()), "");
}

}  // namespace
}  // namespace faultline
