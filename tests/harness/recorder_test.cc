// The recorder: concurrent recording keeps file order = index order = time order, and a
// SIGKILL at any moment leaves a history that parses and pairs.
#include "harness/recorder.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "core/history_io.h"

namespace faultline {
namespace {

Op MakeOp(int64_t process, OpType type, int64_t v) {
  Op op;
  op.process = process;
  op.type = type;
  op.f = "write";
  op.key = "k" + std::to_string(v % 7);
  op.value = Value::Int(v);
  return op;
}

// Each thread records invoke/ok pairs for its own process.
void RecordPairs(Recorder* rec, int64_t process, int pairs) {
  for (int i = 0; i < pairs; ++i) {
    rec->Record(MakeOp(process, OpType::kInvoke, i));
    rec->Record(MakeOp(process, OpType::kOk, i));
  }
}

TEST(RecorderTest, ConcurrentRecordsAreOrderedAndComplete) {
  const std::string path = ::testing::TempDir() + "/recorder-concurrent.jsonl";
  auto rec = Recorder::Open(path, Clock::now());
  ASSERT_TRUE(rec.ok());
  std::vector<std::thread> threads;
  for (int p = 0; p < 8; ++p) threads.emplace_back(RecordPairs, rec->get(), p, 2000);
  for (auto& t : threads) t.join();
  ASSERT_TRUE((*rec)->Close().ok());
  auto loaded = ReadHistoryFile(path, HistoryFormat::kJsonl);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const auto& ops = loaded->history.ops();
  ASSERT_EQ(ops.size(), 8u * 2000 * 2);
  for (size_t i = 1; i < ops.size(); ++i) ASSERT_LE(ops[i - 1].time, ops[i].time) << i;
  std::vector<Op> kept = (*rec)->TakeOps();
  ASSERT_EQ(kept.size(), ops.size());
  EXPECT_EQ(kept.back().ToJson(), ops.back().ToJson());
}

TEST(RecorderTest, SigkillLeavesAValidPrefix) {
  const std::string path = ::testing::TempDir() + "/recorder-killed.jsonl";
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    auto rec = Recorder::Open(path, Clock::now());
    if (!rec.ok()) _exit(2);
    for (int64_t i = 0;; ++i) {  // until killed
      (*rec)->Record(MakeOp(i % 4, OpType::kInvoke, i));
      (*rec)->Record(MakeOp(i % 4, OpType::kInfo, i));
    }
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  ASSERT_EQ(kill(child, SIGKILL), 0);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child status " << status;
  auto loaded = ReadHistoryFile(path, HistoryFormat::kJsonl);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_GT(loaded->history.size(), 100u);  // flushed every 100 ms, so 400 ms leaves plenty
}

}  // namespace
}  // namespace faultline
