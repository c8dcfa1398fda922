// The summary's sentences and the counterexample section's shape.
#include "report/sections.h"

#include <gtest/gtest.h>

#include "report/problems.h"
#include "report/test_facts.h"

namespace faultline {
namespace {

nlohmann::json Linearizability(const char* verdict, int invalid, int unknown) {
  return {{"verdict", verdict},
          {"model", "cas-register"},
          {"keys", 10},
          {"ops", 1234},
          {"invalid_keys", invalid},
          {"unknown_keys", unknown},
          {"problems", nlohmann::json::array()}};
}

TEST(CheckerReason, SaysWhyForEachVerdict) {
  EXPECT_EQ(CheckerReason("linearizability", Linearizability("valid", 0, 0)),
            "linearizable (10 keys, 1,234 ops, cas-register model)");
  nlohmann::json invalid = Linearizability("invalid", 2, 0);
  invalid["problems"] = {{{"key", "k7"}, {"verdict", "invalid"}, {"explanation", "stale read"}}};
  EXPECT_EQ(
      CheckerReason("linearizability", invalid),
      "2 of 10 keys not linearizable (10 keys, 1,234 ops, cas-register model); key k7: stale read");
  EXPECT_EQ(CheckerReason("linearizability", Linearizability("unknown", 0, 3)),
            "3 of 10 keys undecided (10 keys, 1,234 ops, cas-register model)");
  EXPECT_EQ(CheckerReason("bank", {{"verdict", "invalid"}, {"reason", "total 990 ≠ 1000"}}),
            "total 990 ≠ 1000");
}

TEST(ProblemsHtml, DrawsTheFirstInFullAndListsTheRest) {
  std::vector<Problem> problems(5);
  for (size_t i = 0; i < problems.size(); ++i) {
    problems[i].checker = "linearizability";
    problems[i].key = "k" + std::to_string(i);
    problems[i].verdict = "invalid";
    problems[i].unplaced = {{int64_t(10 + i), 1, "read 3", "not allowed in state 4"}};
  }
  const std::string html = ProblemsHtml(problems, 2);
  EXPECT_NE(html.find("id=\"problem-1\""), std::string::npos);
  EXPECT_EQ(html.find("id=\"problem-2\""), std::string::npos);
  EXPECT_NE(html.find("3 more"), std::string::npos);
  EXPECT_NE(html.find("data-op=\"14\""), std::string::npos);  // the last one's op, linked
  EXPECT_EQ(ProblemsHtml({}, 2), "");
}

// test.json as written since each part's options live under it, and as written before.
TEST(FlattenParts, ReadsBothShapesOfTestJson) {
  const nlohmann::json now = {{"db", {{"name", "builtin"}, {"replication", "quorum"}, {"r", 1}}},
                              {"workload", {{"name", "bank"}, {"accounts", 4}}},
                              {"nodes", 3}};
  const nlohmann::json flat = FlattenParts(now);
  EXPECT_EQ(flat["db"], "builtin");
  EXPECT_EQ(flat["replication"], "quorum");
  EXPECT_EQ(flat["r"], 1);
  EXPECT_EQ(flat["workload"], "bank");
  EXPECT_EQ(flat["accounts"], 4);
  const nlohmann::json before = {{"db", "etcd"}, {"workload", "register"}, {"nodes", 3}};
  EXPECT_EQ(FlattenParts(before), before);
}

TEST(OptionsHtml, ShowsEachPartsOptionsUnderItsName) {
  const std::string h = OptionsHtml({{"db", {{"name", "etcd"}, {"read_consistency", "serializable"}}}});
  EXPECT_NE(h.find("db.read_consistency"), std::string::npos) << h;
  EXPECT_NE(h.find("serializable"), std::string::npos) << h;
}

TEST(OverallVerdict, IsNotCheckedWithoutResults) {
  RunData run;
  EXPECT_EQ(OverallVerdict(run), "not checked");
  run.results = {{"verdict", "invalid"}};
  EXPECT_EQ(OverallVerdict(run), "invalid");
}

}  // namespace
}  // namespace faultline
