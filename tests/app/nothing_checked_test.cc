// Tests of the rule for histories with nothing to check (checkers/nothing_checked.h): which
// histories give a checker something to judge, and what the user is told when none does.
#include "checkers/nothing_checked.h"

#include <gtest/gtest.h>

#include "core/history_io.h"

namespace faultline {
namespace {

History Parse(const std::string& jsonl) {
  Result<LoadedHistory> loaded = ParseHistory(jsonl, "test.jsonl", HistoryFormat::kJsonl);
  EXPECT_TRUE(loaded.ok()) << loaded.status().message();
  return loaded.ok() ? std::move(loaded->history) : History();
}

constexpr const char* kInvokeWrite = R"({"process":0,"type":"invoke","f":"write","value":1})"
                                     "\n";

TEST(NothingCheckedTest, EmptyHistoryChecksNothing) {
  const History h = Parse("");
  EXPECT_EQ(NothingCheckedReason(h), "nothing was checked: 0 ops invoked, none completed");
  EXPECT_EQ(NeverAnsweredReason(h), "no client op was run: nothing was checked");
}

TEST(NothingCheckedTest, NemesisOpsAreNotClientOps) {
  const History h =
      Parse(R"({"process":"nemesis","type":"info","f":"start-partition","value":null})"
            "\n"
            R"({"process":"nemesis","type":"info","f":"stop-partition","value":null})"
            "\n");
  EXPECT_EQ(CountClientOps(h).invoked, 0);
  EXPECT_EQ(NothingCheckedReason(h), "nothing was checked: 0 ops invoked, none completed");
}

TEST(NothingCheckedTest, AnOpThatNeverCompletedChecksNothing) {
  const History h = Parse(kInvokeWrite);
  EXPECT_EQ(NothingCheckedReason(h),
            "nothing was checked: 1 op invoked, none completed (1 never completed)");
}

TEST(NothingCheckedTest, FailedAndIndeterminateOpsCheckNothing) {
  const History h =
      Parse(std::string(kInvokeWrite) + R"({"process":0,"type":"fail","f":"write","value":1})"
                                        "\n"
                                        R"({"process":1,"type":"invoke","f":"read","value":null})"
                                        "\n"
                                        R"({"process":1,"type":"info","f":"read","value":null})"
                                        "\n");
  const ClientOpCounts c = CountClientOps(h);
  EXPECT_EQ(c.invoked, 2);
  EXPECT_EQ(c.fail, 1);
  EXPECT_EQ(c.info, 1);
  EXPECT_EQ(NothingCheckedReason(h),
            "nothing was checked: 2 ops invoked, none completed (1 failed, 1 indeterminate)");
  EXPECT_EQ(NeverAnsweredReason(h),
            "the database never answered: 0 of 2 ops succeeded (1 failed, 1 indeterminate)");
}

TEST(NothingCheckedTest, AFailedCasIsAnObservationOnlyUnderEtcd) {
  const History h = Parse(R"({"process":0,"type":"invoke","f":"cas","value":[1,2]})"
                          "\n"
                          R"({"process":0,"type":"fail","f":"cas","value":[1,2]})"
                          "\n");
  EXPECT_EQ(NothingCheckedReason(h, "cas-register"),
            "nothing was checked: 1 op invoked, none completed (1 failed)");
  EXPECT_FALSE(NothingCheckedReason(h, "etcd").has_value());
}

TEST(NothingCheckedTest, OneOkOpIsSomethingToCheck) {
  const History h =
      Parse(std::string(kInvokeWrite) + R"({"process":0,"type":"ok","f":"write","value":1})"
                                        "\n"
                                        R"({"process":1,"type":"invoke","f":"read","value":null})"
                                        "\n");
  EXPECT_EQ(CountClientOps(h).ok, 1);
  EXPECT_FALSE(NothingCheckedReason(h).has_value());
  EXPECT_FALSE(NeverAnsweredReason(h).has_value());
}

}  // namespace
}  // namespace faultline
