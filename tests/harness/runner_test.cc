// The harness end to end on an in-process store: verdicts, op timeouts, the results folder.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

#include "core/history_io.h"
#include "harness/results_store.h"
#include "harness/runner.h"
#include "tests/harness/fake_db.h"
#include "workloads/register_workload.h"

namespace faultline {
namespace {

using testing::MemoryDb;
using testing::MemoryMode;

struct Ran {
  RunReport report;
  std::string dir;
};

Ran RunOnce(MemoryMode mode, double seconds, uint64_t seed) {
  TestSpec spec;
  spec.time_limit = seconds;
  spec.concurrency = 5;
  spec.seed = seed;
  spec.op_timeout = 0.05;
  spec.recovery = 0;
  spec.rate = mode == MemoryMode::kSlow ? 0 : 2000;
  spec.results_root = ::testing::TempDir() + "/faultline-runner-test";
  auto dir = CreateRunDir(spec.results_root, "t");
  EXPECT_TRUE(dir.ok()) << dir.status().message();
  MemoryDb db(mode);
  RegisterWorkload workload(RegisterWorkloadOptions{50, 100});
  RunLog log;
  return {Runner(spec, db, workload, /*nemesis=*/nullptr, log).Run(*dir), *dir};
}

TEST(RunnerTest, LinearizableStoreIsValidAndHistoryRechecks) {
  Ran r = RunOnce(MemoryMode::kLinearizable, 0.5, 1);
  ASSERT_TRUE(r.report.status.ok()) << r.report.status.message();
  EXPECT_EQ(r.report.verdict, Verdict::kValid) << r.report.summary;
  EXPECT_GT(r.report.ops, 100);
  auto loaded = ReadHistoryFile(r.dir + "/history.jsonl", HistoryFormat::kJsonl);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(static_cast<int64_t>(loaded->history.size()), r.report.ops);
  EXPECT_TRUE(std::filesystem::exists(r.dir + "/results.json"));
}

TEST(RunnerTest, StaleReadsAreFoundInvalid) {
  Ran r = RunOnce(MemoryMode::kStaleReads, 0.5, 2);
  ASSERT_TRUE(r.report.status.ok()) << r.report.status.message();
  EXPECT_EQ(r.report.verdict, Verdict::kInvalid) << r.report.summary;
}

TEST(RunnerTest, OpTimeoutsBecomeInfoAndRetireTheProcess) {
  Ran r = RunOnce(MemoryMode::kSlow, 0.5, 3);
  ASSERT_TRUE(r.report.status.ok()) << r.report.status.message();
  auto loaded = ReadHistoryFile(r.dir + "/history.jsonl", HistoryFormat::kJsonl);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  std::set<int64_t> retired, processes;
  int infos = 0;
  for (const Op& op : loaded->history.ops()) {
    processes.insert(op.process);
    if (op.type == OpType::kInvoke) {
      EXPECT_FALSE(retired.count(op.process)) << "reused " << op.process;
    }
    if (op.type == OpType::kInfo) {
      ++infos;
      retired.insert(op.process);
    }
  }
  EXPECT_GT(infos, 0);
  EXPECT_GT(processes.size(), 5u);  // new process ids after each info
}

// A run against a database that never answered is unknown, not valid (CheckRun), and its
// results.json says why.
TEST(RunnerTest, DatabaseThatNeverAnsweredIsUnknown) {
  Ran r = RunOnce(MemoryMode::kDown, 0.3, 4);
  ASSERT_TRUE(r.report.status.ok()) << r.report.status.message();
  EXPECT_EQ(r.report.verdict, Verdict::kUnknown) << r.report.summary;
  EXPECT_NE(r.report.summary.find("the database never answered: 0 of "), std::string::npos)
      << r.report.summary;
  auto results = ReadJsonFile(r.dir + "/results.json");
  ASSERT_TRUE(results.ok()) << results.status().message();
  EXPECT_EQ((*results)["verdict"], "unknown");
  EXPECT_EQ((*results)["checkers"]["database"]["verdict"], "unknown");
}

TEST(CheckRunTest, OneSucceededOpLeavesTheCheckersVerdict) {
  RegisterWorkload workload(RegisterWorkloadOptions{10, 100});
  auto h = History::Make(ParseJsonlOps(R"({"process":0,"type":"invoke","f":"write","key":"1","value":1}
{"process":0,"type":"ok","f":"write","key":"1","value":1}
{"process":1,"type":"invoke","f":"read","key":"1","value":null}
{"process":1,"type":"info","f":"read","key":"1","value":null}
)", "t").value(), "t");
  ASSERT_TRUE(h.ok()) << h.status().message();
  auto check = CheckRun(workload, *h, "t");
  ASSERT_TRUE(check.ok()) << check.status().message();
  EXPECT_EQ(check->verdict, Verdict::kValid) << check->summary;
  EXPECT_FALSE(check->detail.contains("database"));
}

}  // namespace
}  // namespace faultline
