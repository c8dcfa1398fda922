// ChildProcess: how a start fails (a missing program, an exec the kernel refuses), where its
// output goes, the lifeline descriptor, Release, and which children KillAllChildProcesses hits.
#include "control/child_process.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "control/local_command.h"
#include "tests/control/test_cluster.h"  // TempDir (one per test binary: control_tests)

namespace faultline {
namespace {

using std::chrono::milliseconds;

class ChildProcessTest : public ::testing::Test {
 protected:
  std::string Read(const std::string& name) {
    std::ifstream in(dir_ / name);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }
  testing::TempDir dir_;
};

TEST_F(ChildProcessTest, AMissingProgramIsNamed) {
  ChildOptions o;
  o.argv = {"faultline-no-such-program"};
  auto child = ChildProcess::Spawn(o);
  ASSERT_FALSE(child.ok());
  EXPECT_NE(child.status().message().find("cannot execute 'faultline-no-such-program'"),
            std::string::npos)
      << child.status().message();
  auto run = RunLocal({"faultline-no-such-program"});
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.status().message().find("is faultline-no-such-program installed and in PATH?"),
            std::string::npos)
      << run.status().message();
}

TEST_F(ChildProcessTest, AnExecTheKernelRefusesIsAnErrorNotAChildThatExited) {
  const std::filesystem::path junk = dir_ / "junk";
  std::ofstream(junk) << "\x7f"
                         "ELF not really\n";
  ::chmod(junk.c_str(), 0755);
  ChildOptions o;
  o.argv = {junk.string()};
  auto child = ChildProcess::Spawn(o);
  ASSERT_FALSE(child.ok());
  EXPECT_NE(child.status().message().find("cannot execute"), std::string::npos);
}

TEST_F(ChildProcessTest, OutputAndStderrAreAppendedAndTheLifelineIsDescriptor3) {
  int lifeline[2];
  ASSERT_EQ(::pipe2(lifeline, O_CLOEXEC), 0);
  ChildOptions o;
  o.argv = {"/bin/sh", "-c", "echo out; echo err >&2; echo x >&3 && echo lifeline"};
  o.output_path = dir_ / "out.log";
  o.lifeline_fd = lifeline[1];
  auto child = ChildProcess::Spawn(o);
  ASSERT_TRUE(child.ok()) << child.status().message();
  EXPECT_EQ((*child)->Wait(), 0);
  EXPECT_EQ(Read("out.log"), "out\nerr\nlifeline\n");
  EXPECT_EQ((*child)->Describe(), "exited with status 0");
  ::close(lifeline[0]);
  ::close(lifeline[1]);
}

TEST_F(ChildProcessTest, KillAllReachesOnlyTheChildrenThatAskedForIt) {
  ChildOptions o;
  o.argv = {"/bin/sleep", "30"};
  auto kept = ChildProcess::Spawn(o);
  o.killed_by_kill_all = true;
  auto killed = ChildProcess::Spawn(o);
  ASSERT_TRUE(kept.ok() && killed.ok());
  KillAllChildProcesses();
  EXPECT_TRUE((*killed)->WaitExited(milliseconds(10000)));
  EXPECT_FALSE((*kept)->HasExited());
  (*kept)->Kill();
  (*killed)->Kill();
  EXPECT_EQ((*killed)->Describe(), "killed by signal 9");
}

TEST_F(ChildProcessTest, AReleasedChildOutlivesItsOwner) {
  ChildOptions o;
  o.argv = {"/bin/sleep", "30"};
  pid_t pid = 0;
  {
    auto child = ChildProcess::Spawn(o);
    ASSERT_TRUE(child.ok());
    pid = (*child)->Release();
  }
  EXPECT_TRUE(IsOwnChild(pid));
  EXPECT_EQ(::kill(pid, 0), 0);
  ::kill(pid, SIGKILL);
  int status = 0;
  EXPECT_EQ(::waitpid(pid, &status, 0), pid);
}

}  // namespace
}  // namespace faultline
