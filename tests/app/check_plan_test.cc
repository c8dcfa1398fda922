// Which checkers `faultline check` runs on a file and with which parameters (app/check_plan.h):
// test.json beside the history, in its old flat form and with the workload as an object.
#include "app/check_plan.h"

#include <gtest/gtest.h>

#include "tests/report/temp_dir.h"

namespace faultline {
namespace {

// test.json with `text` beside DIR/history.jsonl, read back.
Result<std::optional<StoredRun>> StoredRunWith(const TempDir& dir, const std::string& text) {
  WriteFile(dir.path() + "/test.json", text);
  return ReadStoredRun(dir.path() + "/history.jsonl");
}

TEST(ReadStoredRun, NoTestJsonIsNoRun) {
  TempDir dir;
  auto run = ReadStoredRun(dir.path() + "/history.jsonl");
  ASSERT_TRUE(run.ok()) << run.status().message();
  EXPECT_FALSE(run->has_value());
}

TEST(ReadStoredRun, ReadsTheOldFlatKeys) {
  TempDir dir;
  auto run = StoredRunWith(dir, R"({"name":"b","workload":"bank","accounts":3,"total":30,
      "allow_negative":true,"consistency":"linearizable","ops_per_key":100,"db":"builtin"})");
  ASSERT_TRUE(run.ok()) << run.status().message();
  ASSERT_TRUE(run->has_value());
  EXPECT_EQ((*run)->workload, "bank");
  EXPECT_EQ((*run)->test_json, dir.path() + "/test.json");
  EXPECT_EQ((*run)->params, nlohmann::json::parse(R"({"accounts":3,"total":30,
      "allow_negative":true,"consistency":"linearizable"})"));
}

TEST(ReadStoredRun, TheWorkloadObjectsKeysWin) {
  TempDir dir;
  auto run = StoredRunWith(
      dir, R"({"total":10,"workload":{"name":"counter","consistency":"eventual","total":20}})");
  ASSERT_TRUE(run.ok()) << run.status().message();
  EXPECT_EQ((*run)->workload, "counter");
  EXPECT_EQ((*run)->params["consistency"], "eventual");
  EXPECT_EQ((*run)->params["total"], 20);
  EXPECT_FALSE((*run)->params.contains("name"));
}

TEST(ReadStoredRun, BadTestJsonSaysWhereAndWhat) {
  TempDir dir;
  auto run = StoredRunWith(dir, "[1, 2]");
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.status().message(), dir.path() + "/test.json: expected a JSON object");
  run = StoredRunWith(dir, R"({"workload":{"accounts":3}})");
  ASSERT_FALSE(run.ok());
  EXPECT_EQ(run.status().message(),
            dir.path() +
                "/test.json: \"workload\": expected a name or an object with a "
                "\"name\", got {\"accounts\":3}");
}

TEST(WorkloadCheckers, AreTheWorkloadsOwn) {
  EXPECT_EQ(WorkloadCheckers("register"), (std::vector<std::string>{"linearizability", "causal"}));
  EXPECT_EQ(WorkloadCheckers("bank"), (std::vector<std::string>{"bank"}));
  EXPECT_EQ(WorkloadCheckers("counter"), (std::vector<std::string>{"counter"}));
  EXPECT_EQ(WorkloadCheckers(""), (std::vector<std::string>{"linearizability"}));
}

TEST(ParseCheckerList, KeepsOrderDropsRepeatsAndNamesTheCheckers) {
  auto names = ParseCheckerList("causal,linearizability,causal");
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{"causal", "linearizability"}));
  auto bad = ParseCheckerList("bank,elle");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "--checker bank,elle: unknown checker \"elle\"; the checkers are: linearizability, "
            "causal, bank, counter, txn");
  EXPECT_FALSE(ParseCheckerList("").ok());
  EXPECT_FALSE(ParseCheckerList("bank,").ok());
}

}  // namespace
}  // namespace faultline
