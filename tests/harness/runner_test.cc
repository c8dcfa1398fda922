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
  spec.ops_per_key = 50;
  spec.results_root = ::testing::TempDir() + "/faultline-runner-test";
  auto dir = CreateRunDir(spec.results_root, "t");
  EXPECT_TRUE(dir.ok()) << dir.status().message();
  MemoryDb db(mode);
  RegisterWorkload workload(RegisterWorkloadOptions{spec.ops_per_key, 100});
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

}  // namespace
}  // namespace faultline
