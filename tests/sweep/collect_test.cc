// What a sweep concludes from its run folders: each cell's k/n beside its prediction, the two
// kinds of surprise (with the 95% bound for a violation never caught), unknown and set-up
// failures, which runs --resume starts again, the exit code, and the text matrix.
#include "sweep/collect.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "harness/results_store.h"

namespace faultline {
namespace {

namespace fs = std::filesystem;

class SweepCollect : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::TempDir() + "/collect-" +
           testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    plan_.name = "register";
    plan_.columns = "nemesis";
    plan_.seeds = 3;
    plan_.run_seeds = {11, 12, 13};
  }

  Cell& AddCell(const std::string& id, const std::string& expect) {
    plan_.cells.push_back({id, {{"replication", id}, {"nemesis", "kill"}}, {}, "replication=" + id,
                           "kill", "builtin", expect, "because"});
    return plan_.cells.back();
  }

  // Run k of `cell` as `faultline test` leaves it: verdict "" leaves no results.json.
  void Run(const Cell& cell, int k, const std::string& verdict, bool interrupted = false) {
    const std::string run = RunsRoot(dir_) + "/" + RunName(cell, k) + "/20261207T10000" +
                            std::to_string(k);
    fs::create_directories(run);
    std::ofstream(run + "/test.json") << R"({"name": "x", "db": {"name": "builtin"}})";
    std::ofstream(run + "/history.jsonl")
        << R"({"index":0,"time":1000,"process":0,"type":"invoke","f":"write","key":"k","value":1})"
        << "\n"
        << R"({"index":1,"time":2000,"process":0,"type":"ok","f":"write","key":"k","value":1})"
        << "\n";
    if (verdict.empty()) return;
    ASSERT_TRUE(WriteJsonFile(run + "/results.json",
                              {{"verdict", verdict}, {"interrupted", interrupted},
                               {"checkers", nlohmann::json::object()}})
                    .ok());
  }

  void SetupFailed(const Cell& cell, int k) {
    fs::create_directories(RunsRoot(dir_) + "/" + RunName(cell, k));
    ASSERT_TRUE(WriteJsonFile(RunOutcomePath(dir_, cell, k), {{"exit", 4}}).ok());
    std::ofstream(RunsRoot(dir_) + "/" + RunName(cell, k) + "/sweep-run.log")
        << "starting\nsetup failed: n2 did not start (see nodes/n2/store.log)\n\n";
  }

  const nlohmann::json& CellOf(const nlohmann::json& sweep, const std::string& id) {
    for (const nlohmann::json& c : sweep["cells"]) {
      if (c["id"] == id) return c;
    }
    ADD_FAILURE() << "no cell " << id;
    return sweep;
  }

  std::string dir_;
  SweepPlan plan_;
};

TEST_F(SweepCollect, EachCellBesideItsPrediction) {
  const Cell safe = AddCell("safe", "safe");
  const Cell caught = AddCell("caught", "unsafe");
  const Cell missed = AddCell("missed", "unsafe");
  const Cell open = AddCell("open", "no-promise");
  for (int k = 0; k < 3; ++k) {
    Run(safe, k, "valid");
    Run(caught, k, k == 1 ? "invalid" : "valid");
    Run(missed, k, "valid");
    Run(open, k, k == 0 ? "invalid" : "valid");
  }
  const nlohmann::json s = CollectSweep(plan_, dir_, {});
  EXPECT_EQ(CellOf(s, "safe")["outcome"], "as-predicted");
  EXPECT_EQ(CellOf(s, "safe")["status"], "done");
  EXPECT_EQ(CellOf(s, "caught")["outcome"], "as-predicted");
  EXPECT_EQ(CellOf(s, "caught")["invalid"], 1);
  EXPECT_EQ(CellOf(s, "open")["outcome"], "as-predicted");
  const nlohmann::json& m = CellOf(s, "missed");
  EXPECT_EQ(m["outcome"], "surprise-never-caught");
  // 1 - 0.05^(1/3) = 63%.
  EXPECT_NE(m["note"].get<std::string>().find("0 of 3 runs caught it"), std::string::npos);
  EXPECT_NE(m["note"].get<std::string>().find("less than 63%"), std::string::npos) << m["note"];
  EXPECT_EQ(SweepExitCode(s), 0);
  const nlohmann::json& run = CellOf(s, "safe")["runs"][2];
  EXPECT_EQ(run["seed"], 13);
  EXPECT_EQ(run["dir"], "runs/safe-s3/20261207T100002");
  EXPECT_TRUE(run["summary"].is_object());
  EXPECT_EQ(s["cells"][0].count("args"), 0u);
}

TEST_F(SweepCollect, InvalidWhereSafetyWasPredictedOrAssumedExitsOne) {
  const Cell safe = AddCell("safe", "safe");
  const Cell assumed = AddCell("assumed", "undeclared");
  for (int k = 0; k < 3; ++k) {
    Run(safe, k, "valid");
    Run(assumed, k, k == 2 ? "invalid" : "valid");
  }
  nlohmann::json s = CollectSweep(plan_, dir_, {});
  EXPECT_EQ(CellOf(s, "assumed")["outcome"], "surprise-invalid");
  EXPECT_NE(CellOf(s, "assumed")["note"].get<std::string>().find("safety was assumed"),
            std::string::npos);
  EXPECT_EQ(SweepExitCode(s), 1);
  EXPECT_NE(SweepTable(s).find("1/3 - !"), std::string::npos) << SweepTable(s);
}

TEST_F(SweepCollect, UnknownAndSetupFailuresAndMissingRuns) {
  const Cell unknown = AddCell("unknown", "safe");
  const Cell broken = AddCell("broken", "safe");
  const Cell partial = AddCell("partial", "safe");
  for (int k = 0; k < 3; ++k) {
    Run(unknown, k, k == 0 ? "unknown" : "valid");
    SetupFailed(broken, k);
  }
  Run(partial, 0, "valid");
  Run(partial, 1, "valid", /*interrupted=*/true);
  Run(partial, 2, "");
  nlohmann::json s = CollectSweep(plan_, dir_, {"partial-s3"});
  EXPECT_EQ(CellOf(s, "unknown")["outcome"], "unknown");
  EXPECT_EQ(CellOf(s, "broken")["outcome"], "setup-failed");
  EXPECT_EQ(CellOf(s, "broken")["runs"][0]["error"],
            "setup failed: n2 did not start (see nodes/n2/store.log)");
  EXPECT_EQ(CellOf(s, "partial")["status"], "partial");
  EXPECT_EQ(CellOf(s, "partial")["runs"][1]["verdict"], "incomplete");
  EXPECT_EQ(CellOf(s, "partial")["runs"][2]["verdict"], "incomplete");
  EXPECT_EQ(s["not_run"], nlohmann::json({"partial-s3"}));
  EXPECT_EQ(SweepExitCode(s), 2);
  // --resume starts again what did not finish: interrupted, never checked, never started.
  EXPECT_TRUE(RunFinished(dir_, partial, 0));
  EXPECT_FALSE(RunFinished(dir_, partial, 1));
  EXPECT_FALSE(RunFinished(dir_, partial, 2));
  EXPECT_FALSE(RunFinished(dir_, broken, 0));  // set-up failures are tried again
  EXPECT_FALSE(RunFinished(dir_, AddCell("never", "safe"), 0));
}

TEST_F(SweepCollect, MissingRunsLeaveTheSweepUndecided) {
  const Cell done = AddCell("done", "safe");
  const Cell cut = AddCell("cut", "safe");
  for (int k = 0; k < 3; ++k) Run(done, k, "valid");
  Run(cut, 0, "valid");
  const nlohmann::json s = CollectSweep(plan_, dir_, {"cut-s2", "cut-s3"});
  EXPECT_EQ(CellOf(s, "cut")["outcome"], "as-predicted");
  EXPECT_EQ(CellOf(s, "cut")["status"], "partial");
  EXPECT_EQ(SweepExitCode(s), 2);
}

TEST_F(SweepCollect, SetupFailureAloneExitsFour) {
  const Cell ok = AddCell("ok", "safe");
  const Cell broken = AddCell("broken", "safe");
  for (int k = 0; k < 3; ++k) {
    Run(ok, k, "valid");
    k == 0 ? SetupFailed(broken, k) : Run(broken, k, "valid");
  }
  const nlohmann::json s = CollectSweep(plan_, dir_, {});
  EXPECT_EQ(CellOf(s, "broken")["status"], "partial");
  EXPECT_EQ(SweepExitCode(s), 4);
}

}  // namespace
}  // namespace faultline
