// History::Make's pairing of nemesis ops: a fault recorded as an invoke and an info (faultline
// since it stamps faults when issued, and Jepsen) pairs like a client op; a lone info (older
// faultline histories) and an invoke never completed stand alone, and neither is an error.
#include <gtest/gtest.h>

#include "core/history_io.h"

namespace faultline {
namespace {

TEST(HistoryNemesisTest, AnInvokeAndItsInfoPairAmongClientOps) {
  Result<std::vector<Op>> ops = ParseJsonlOps(R"(
{"process":"nemesis","type":"invoke","f":"kill","value":"n1"}
{"process":0,"type":"invoke","f":"read","value":null}
{"process":"nemesis","type":"info","f":"kill","value":"n1"}
{"process":0,"type":"ok","f":"read","value":3}
)", "t.jsonl");
  ASSERT_TRUE(ops.ok()) << ops.status().message();
  Result<History> made = History::Make(std::move(*ops), "t.jsonl");
  ASSERT_TRUE(made.ok()) << made.status().message();
  const History& h = *made;
  ASSERT_EQ(h.size(), 4u);
  EXPECT_EQ(h.partner(0), 2);
  EXPECT_EQ(h.partner(2), 0);
  EXPECT_EQ(h.partner(1), 3);
  EXPECT_EQ(h.partner(3), 1);
}

TEST(HistoryNemesisTest, LoneInfosAndUnfinishedInvokesStandAlone) {
  Result<std::vector<Op>> ops = ParseJsonlOps(R"(
{"process":"nemesis","type":"info","f":"kill","value":"n1"}
{"process":"nemesis","type":"invoke","f":"start","value":"n1"}
{"process":"nemesis","type":"info","f":"start","value":"n1"}
{"process":"nemesis","type":"invoke","f":"pause","value":"n3"}
{"process":"nemesis","type":"info","f":"kill","value":"n2"}
{"process":"nemesis","type":"invoke","f":"kill","value":"n2"}
)", "t.jsonl");
  ASSERT_TRUE(ops.ok()) << ops.status().message();
  Result<History> made = History::Make(std::move(*ops), "t.jsonl");
  ASSERT_TRUE(made.ok()) << "nemesis ops never make a history invalid: " << made.status().message();
  const History& h = *made;
  ASSERT_EQ(h.size(), 6u);
  EXPECT_EQ(h.partner(0), -1) << "one info per fault, as faultline recorded them before";
  EXPECT_EQ(h.partner(1), 2);
  EXPECT_EQ(h.partner(2), 1);
  EXPECT_EQ(h.partner(3), -1) << "a pause never completed";
  EXPECT_EQ(h.partner(4), -1) << "a kill's info does not complete a pause";
  EXPECT_EQ(h.partner(5), -1) << "cut short: the history ends before its completion";
}

}  // namespace
}  // namespace faultline
