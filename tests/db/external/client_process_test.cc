// ClientProcess: lines in and out over pipes, the environment, end of file, deadlines, and
// that killing takes the whole process group and always reaps (no zombie, nothing left).
#include "db/external/client_process.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>

#include <cerrno>
#include <filesystem>
#include <fstream>

#include "tests/db/external/process_util.h"

namespace faultline {
namespace {

using std::chrono::milliseconds;
using testing::NotRunning;
using testing::ZombieChildren;

class ClientProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("faultline-client-process-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    EXPECT_TRUE(ZombieChildren().empty());
    std::filesystem::remove_all(dir_);
  }

  std::unique_ptr<ClientProcess> Start(const std::string& command,
                                       std::vector<std::pair<std::string, std::string>> env = {}) {
    ClientProcessOptions o;
    o.command = command;
    o.env = std::move(env);
    o.stderr_path = (dir_ / "stderr.log").string();
    auto p = ClientProcess::Start(o);
    EXPECT_TRUE(p.ok()) << p.status().message();
    return p.ok() ? std::move(p).value() : nullptr;
  }
  static ClientProcess::Clock::time_point In(milliseconds ms) {
    return ClientProcess::Clock::now() + ms;
  }
  std::string Stderr() {
    std::ifstream in(dir_ / "stderr.log");
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }

  std::filesystem::path dir_;
};

TEST_F(ClientProcessTest, LinesGoInAndComeBack) {
  auto p = Start("cat");
  ASSERT_TRUE(p);
  ASSERT_TRUE(p->Write("one\ntwo\n", In(milliseconds(10000))).ok());
  auto a = p->ReadLine(In(milliseconds(10000)), 100);
  auto b = p->ReadLine(In(milliseconds(10000)), 100);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(*a, "one");
  EXPECT_EQ(*b, "two");
  EXPECT_TRUE(p->Finish(milliseconds(10000)));  // cat exits at the end of its input
  EXPECT_EQ(p->ExitStatus(), 0);
}

TEST_F(ClientProcessTest, GetsTheExtraEnvironmentAndKeepsTheRest) {
  ::setenv("FAULTLINE_TEST_KEPT", "kept", 1);
  auto p = Start("echo \"$FAULTLINE_NODE $FAULTLINE_TEST_KEPT\"; echo oops >&2",
                 {{"FAULTLINE_NODE", "n 2"}});
  ASSERT_TRUE(p);
  auto line = p->ReadLine(In(milliseconds(10000)), 100);
  ASSERT_TRUE(line.ok()) << line.status().message();
  EXPECT_EQ(*line, "n 2 kept");
  p->Finish(milliseconds(10000));
  EXPECT_EQ(Stderr(), "oops\n");
}

TEST_F(ClientProcessTest, EndOfFileIsAnErrorAndTheExitStatusIsKept) {
  auto p = Start("exit 3");
  ASSERT_TRUE(p);
  auto line = p->ReadLine(In(milliseconds(10000)), 100);
  ASSERT_FALSE(line.ok());
  EXPECT_NE(line.status().message().find("end of file"), std::string::npos);
  EXPECT_TRUE(p->Finish(milliseconds(10000)));
  EXPECT_EQ(p->ExitStatus(), 3);
  EXPECT_EQ(p->Describe(), "exited with status 3");
}

TEST_F(ClientProcessTest, WritingToAnExitedClientFailsWithoutSigpipe) {
  auto p = Start("exec 0<&-; echo closed; sleep 30");
  ASSERT_TRUE(p);
  ASSERT_TRUE(p->ReadLine(In(milliseconds(10000)), 100).ok());  // its stdin is closed now
  Status s = p->Write(std::string(1 << 20, 'x'), In(milliseconds(10000)));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("closed its stdin"), std::string::npos) << s.message();
}

TEST_F(ClientProcessTest, NoLineBeforeTheDeadlineIsAnError) {
  auto p = Start("sleep 30");
  ASSERT_TRUE(p);
  auto line = p->ReadLine(In(milliseconds(50)), 100);
  ASSERT_FALSE(line.ok());
  EXPECT_NE(line.status().message().find("no reply"), std::string::npos);
  auto poll = p->PollLine(100);
  ASSERT_TRUE(poll.ok());
  EXPECT_FALSE(poll->has_value());
}

TEST_F(ClientProcessTest, ALineOverTheLimitIsAnError) {
  auto p = Start("head -c 5000 /dev/zero | tr '\\0' a; echo");
  ASSERT_TRUE(p);
  auto line = p->ReadLine(In(milliseconds(10000)), 1000);
  ASSERT_FALSE(line.ok());
  EXPECT_NE(line.status().message().find("longer than 1000 bytes"), std::string::npos);
}

TEST_F(ClientProcessTest, KillTakesTheWholeProcessGroupAndReaps) {
  auto p = Start("sleep 30 & echo $!; wait");
  ASSERT_TRUE(p);
  auto line = p->ReadLine(In(milliseconds(10000)), 100);
  ASSERT_TRUE(line.ok()) << line.status().message();
  const pid_t grandchild = std::stoi(*line);
  const pid_t leader = p->pid();
  EXPECT_FALSE(NotRunning(grandchild));
  p->Kill();
  EXPECT_EQ(p->Describe(), "killed by signal 9");
  EXPECT_FALSE(p->ExitStatus().has_value());
  // The leader is reaped (not our child any more); the grandchild got SIGKILL too.
  EXPECT_EQ(::waitpid(leader, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
  for (int i = 0; i < 1000 && !NotRunning(grandchild); ++i) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_TRUE(NotRunning(grandchild));
}

TEST_F(ClientProcessTest, FinishKillsAClientThatIgnoresTheEndOfItsInput) {
  auto p = Start("trap '' TERM; exec 0<&-; sleep 30");
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->Finish(milliseconds(50)));
  EXPECT_EQ(p->Describe(), "killed by signal 9");
  p->Kill();  // idempotent
  EXPECT_EQ(p->Describe(), "killed by signal 9");
}

TEST_F(ClientProcessTest, DestroyingKillsAndReaps) {
  pid_t pid = 0;
  {
    auto p = Start("sleep 30");
    ASSERT_TRUE(p);
    pid = p->pid();
  }
  EXPECT_EQ(::waitpid(pid, nullptr, WNOHANG), -1);
  EXPECT_TRUE(NotRunning(pid));
}

TEST_F(ClientProcessTest, KillAllChildProcessesSignalsEveryLiveGroup) {
  auto a = Start("sleep 30");
  auto b = Start("sleep 30");
  ASSERT_TRUE(a && b);
  KillAllChildProcesses();
  EXPECT_TRUE(a->Finish(milliseconds(10000)));  // it ended before the grace period did
  EXPECT_TRUE(b->Finish(milliseconds(10000)));
  EXPECT_EQ(a->Describe(), "killed by signal 9");
  EXPECT_EQ(b->Describe(), "killed by signal 9");
}

TEST_F(ClientProcessTest, ItRunsInAProcessGroupOfItsOwn) {
  auto p = Start("ps -o pgid= -p $$");
  ASSERT_TRUE(p);
  auto line = p->ReadLine(In(milliseconds(10000)), 100);
  ASSERT_TRUE(line.ok()) << line.status().message();
  EXPECT_EQ(std::stoi(*line), p->pid());
  EXPECT_NE(::getpgid(p->pid()), ::getpgrp());
}

}  // namespace
}  // namespace faultline
