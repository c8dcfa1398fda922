// Ctrl-C handling (harness/interrupt.h) and the runner's answer to it: a first SIGINT stops
// the run early — no new ops, no final reads — with a history that still pairs; a second
// one runs the forced-exit cleanup on a thread of its own and exits 130. Under TSan
// (scripts/sanitize.sh) these check the hand-offs between the signal handler, the workers,
// the forced-exit thread and the thread that set the cleanup.
#include "harness/interrupt.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <csignal>
#include <filesystem>

#include "core/history_io.h"
#include "harness/results_store.h"
#include "harness/runner.h"
#include "tests/harness/fake_db.h"
#include "workloads/register_workload.h"

namespace faultline {
namespace {

using testing::MemoryDb;
using testing::MemoryMode;

TEST(InterruptTest, FirstSignalRequestsAStop) {
  InstallInterruptHandler();
  ResetInterrupt();
  EXPECT_FALSE(InterruptRequested());
  ASSERT_EQ(std::raise(SIGINT), 0);
  EXPECT_TRUE(InterruptRequested());
  ResetInterrupt();
  EXPECT_FALSE(InterruptRequested());
}

TEST(InterruptTest, SecondSignalRunsTheCleanupAndExits130) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_EXIT(
      {
        InstallInterruptHandler();
        SetForcedExitCleanup([] {
          static const char kMsg[] = "cleanup ran\n";
          (void)!write(STDERR_FILENO, kMsg, sizeof kMsg - 1);
        });
        std::raise(SIGINT);
        std::raise(SIGINT);
        for (;;) pause();  // the forced-exit thread ends the process
      },
      ::testing::ExitedWithCode(130), "cleanup ran");
}

// MemoryDb whose clients raise SIGINT once `after` ops were invoked in all, and count the
// invocations, and those that began after the interrupt was seen. (TSan delivers a signal
// to its handler late, so the count at the raise is not the count at the interrupt.)
class InterruptingDb : public Db {
 public:
  InterruptingDb(MemoryDb& inner, int after) : inner_(inner), after_(after) {}
  std::string Describe() const override { return "interrupting " + inner_.Describe(); }
  std::vector<std::string> Nodes() const override { return inner_.Nodes(); }
  Result<std::unique_ptr<Client>> OpenClient(const std::string& node) override {
    auto c = inner_.OpenClient(node);
    if (!c.ok()) return c.status();
    return std::unique_ptr<Client>(new Interrupting(this, std::move(c).value()));
  }
  Status Kill(const std::string& n) override { return inner_.Kill(n); }
  Status Restart(const std::string& n) override { return inner_.Restart(n); }
  std::optional<std::string> Primary() override { return inner_.Primary(); }
  Status CollectLogs(const std::string& d) override { return inner_.CollectLogs(d); }

  int invoked() const { return invoked_; }
  int invoked_after_interrupt() const { return invoked_after_interrupt_; }

 private:
  class Interrupting : public Client {
   public:
    Interrupting(InterruptingDb* db, std::unique_ptr<Client> inner)
        : db_(db), inner_(std::move(inner)) {}
    Completion Invoke(const OpRequest& req, Clock::time_point deadline) override {
      if (InterruptRequested()) ++db_->invoked_after_interrupt_;
      if (db_->invoked_.fetch_add(1) + 1 == db_->after_) std::raise(SIGINT);
      return inner_->Invoke(req, deadline);
    }

   private:
    InterruptingDb* db_;
    std::unique_ptr<Client> inner_;
  };

  MemoryDb& inner_;
  const int after_;
  std::atomic<int> invoked_{0};
  std::atomic<int> invoked_after_interrupt_{0};
};

TEST(InterruptTest, FirstSignalEndsTheRunWithAPairedHistoryAndNoFinalReads) {
  InstallInterruptHandler();
  ResetInterrupt();
  TestSpec spec;
  spec.time_limit = 600;  // only the interrupt can end this run
  spec.concurrency = 5;
  spec.seed = 4;
  spec.op_timeout = 1;
  spec.recovery = 0;
  spec.results_root = ::testing::TempDir() + "/faultline-interrupt-test";
  auto dir = CreateRunDir(spec.results_root, "t");
  ASSERT_TRUE(dir.ok()) << dir.status().message();
  MemoryDb memory(MemoryMode::kLinearizable);
  constexpr int kAfter = 300;
  InterruptingDb db(memory, kAfter);
  RegisterWorkload workload(RegisterWorkloadOptions{50, 100});
  RunLog log;
  RunReport report = Runner(spec, db, workload, /*nemesis=*/nullptr, log).Run(*dir);
  ResetInterrupt();

  ASSERT_TRUE(report.status.ok()) << report.status.message();
  EXPECT_TRUE(report.interrupted);
  EXPECT_EQ(report.verdict, Verdict::kValid) << report.summary;
  // No worker starts an op once it has seen the interrupt: at most one op each was already
  // past that check.
  EXPECT_GE(db.invoked(), kAfter);
  EXPECT_LE(db.invoked_after_interrupt(), spec.concurrency);
  auto loaded = ReadHistoryFile(*dir + "/history.jsonl", HistoryFormat::kJsonl);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ(static_cast<int64_t>(loaded->history.size()), report.ops);
  EXPECT_EQ(loaded->history.size(), 2u * db.invoked());  // every invoke completed
  for (const Op& op : loaded->history.ops()) EXPECT_FALSE(op.final) << op.ToJson();
  auto results = ReadJsonFile(*dir + "/results.json");
  ASSERT_TRUE(results.ok()) << results.status().message();
  EXPECT_EQ((*results)["interrupted"], true);
  std::filesystem::remove_all(spec.results_root);
}

}  // namespace
}  // namespace faultline
