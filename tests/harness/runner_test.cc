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

// `clients_ready_after`: OpenClient says NotReady (after waiting up to the op timeout) until
// this long after the run starts.
Ran RunOnce(MemoryMode mode, double seconds, uint64_t seed, double clients_ready_after = 0) {
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
  if (clients_ready_after > 0) {
    db.set_clients_ready_at(
        Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(clients_ready_after * 1000)),
        std::chrono::milliseconds(static_cast<int64_t>(spec.op_timeout * 1000)));
  }
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

// An ok that arrives after the op's deadline is recorded as info, so no ok op's recorded
// latency exceeds the op timeout plus the 50 ms slack, however the client stalls.
TEST(RunnerTest, NoOkOpIsRecordedPastTheOpTimeout) {
  Ran r = RunOnce(MemoryMode::kLateOk, 0.5, 5);
  ASSERT_TRUE(r.report.status.ok()) << r.report.status.message();
  auto loaded = ReadHistoryFile(r.dir + "/history.jsonl", HistoryFormat::kJsonl);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const History& h = loaded->history;
  int late = 0, oks = 0;
  for (size_t i = 0; i < h.size(); ++i) {
    const Op& op = h.ops()[i];
    if (op.type == OpType::kInvoke || op.is_nemesis()) continue;
    const int64_t latency_ns = op.time - h.ops()[h.partner(i)].time;
    if (op.type == OpType::kOk) {
      ++oks;
      EXPECT_LE(latency_ns, 50'000'000 + 50'000'000) << "op " << op.index;
    }
    if (op.error && op.error->find("too late to count") != std::string::npos) {
      ++late;
      EXPECT_EQ(op.type, OpType::kInfo);
    }
  }
  EXPECT_GT(oks, 0);
  EXPECT_GT(late, 0);  // every fifth call of a client answers 80 ms past its deadline
}

// While no client is ready (external client processes still starting), a worker's op is not
// invoked: nothing enters the history before the first client is ready, no op fails for it,
// and results.json counts what was not sent.
TEST(RunnerTest, OpsWaitForAReadyClientAndAreNotRecordedUntilThen) {
  Ran r = RunOnce(MemoryMode::kLinearizable, 0.6, 6, /*clients_ready_after=*/0.3);
  ASSERT_TRUE(r.report.status.ok()) << r.report.status.message();
  EXPECT_EQ(r.report.verdict, Verdict::kValid) << r.report.summary;
  auto loaded = ReadHistoryFile(r.dir + "/history.jsonl", HistoryFormat::kJsonl);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const History& h = loaded->history;
  ASSERT_GT(h.size(), 0u);
  EXPECT_GE(h.ops()[0].time, 250'000'000) << "an op was recorded before any client was ready";
  for (const Op& op : h.ops()) {
    EXPECT_FALSE(op.error && op.error->find("ready") != std::string::npos)
        << "op " << op.index << ": " << *op.error;
  }
  auto results = ReadJsonFile(r.dir + "/results.json");
  ASSERT_TRUE(results.ok()) << results.status().message();
  EXPECT_GT(results->value("not_sent", 0), 0);
  EXPECT_NE(r.report.summary.find("not sent"), std::string::npos) << r.report.summary;
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
