// LocalCluster's process handling: every child is reaped by Stop() and by the destructor,
// kill/restart/pause/resume act on the right process, and startup failures say where to look.
#include <gtest/gtest.h>
#include <signal.h>

#include <cerrno>
#include <fstream>

#include "tests/db/builtin/cluster_fixture.h"

namespace faultline {
namespace {

using Kind = StoreClient::Reply::Kind;

class LocalClusterTest : public ClusterTest {
 protected:
  static std::vector<pid_t> Pids(const LocalCluster& cluster) {
    std::vector<pid_t> pids;
    for (const NodeAddress& e : cluster.Endpoints()) pids.push_back(cluster.Pid(e.name));
    return pids;
  }
  static void ExpectGone(const std::vector<pid_t>& pids) {
    for (pid_t pid : pids) {
      ASSERT_GT(pid, 0);
      errno = 0;
      EXPECT_EQ(::kill(pid, 0), -1) << "pid " << pid << " still exists";
      EXPECT_EQ(errno, ESRCH);
    }
  }
};

TEST_F(LocalClusterTest, StopLeavesNoProcess) {
  auto cluster = StartCluster(ReplicationMode::kPrimary, 5);
  ASSERT_NE(cluster, nullptr);
  ASSERT_TRUE(cluster->Pause("n2").ok());  // a stopped process must be stopped too
  std::vector<pid_t> pids = Pids(*cluster);
  ASSERT_TRUE(cluster->Stop().ok());
  ExpectGone(pids);
  EXPECT_EQ(cluster->Pid("n1"), 0);
  ASSERT_TRUE(cluster->Stop().ok());  // idempotent
}

TEST_F(LocalClusterTest, DestructorLeavesNoProcess) {
  std::vector<pid_t> pids;
  {
    auto cluster = StartCluster(ReplicationMode::kAsync, 3);
    ASSERT_NE(cluster, nullptr);
    pids = Pids(*cluster);
    ASSERT_TRUE(cluster->Kill("n3").ok());
  }
  ExpectGone(pids);
}

TEST_F(LocalClusterTest, KillRestartPauseResume) {
  auto cluster = StartCluster(ReplicationMode::kPrimary, 3);
  ASSERT_NE(cluster, nullptr);
  const pid_t before = cluster->Pid("n2");
  ASSERT_TRUE(cluster->Kill("n2").ok());
  EXPECT_EQ(cluster->Pid("n2"), 0);
  ExpectGone({before});
  EXPECT_FALSE(cluster->Kill("n2").ok()) << "killing a dead node is an error";
  ASSERT_TRUE(cluster->Restart("n2").ok());
  EXPECT_NE(cluster->Pid("n2"), 0);
  EXPECT_NE(cluster->Pid("n2"), before);
  ASSERT_TRUE(cluster->Pause("n1").ok());
  EXPECT_FALSE(cluster->Primary().ok()) << "a paused primary cannot be asked";
  ASSERT_TRUE(cluster->Resume("n1").ok());
  EXPECT_EQ(*cluster->Primary(), "n1");
  EXPECT_FALSE(cluster->Kill("n9").ok());
}

TEST_F(LocalClusterTest, StartupFailureNamesTheNodeAndItsLog) {
  LocalClusterOptions o;
  o.node_count = 3;
  o.store_binary = FAULTLINE_STORE_BIN;
  o.run_dir = run_dir_;
  o.replication = ReplicationMode::kQuorum;
  o.r = 7;  // more than the node count: every node refuses to start
  auto cluster = LocalCluster::Start(o);
  ASSERT_FALSE(cluster.ok());
  EXPECT_NE(cluster.status().message().find("n1: faultline-store exited with status 3"),
            std::string::npos)
      << cluster.status().message();
  EXPECT_NE(cluster.status().message().find("stdout.log"), std::string::npos);
  std::ifstream out(run_dir_ / "nodes" / "n1" / "stdout.log");
  std::string text((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("--r and --w"), std::string::npos) << text;
}

TEST_F(LocalClusterTest, MissingBinaryIsAClearError) {
  LocalClusterOptions o;
  o.store_binary = run_dir_ / "no-such-binary";
  o.run_dir = run_dir_;
  auto cluster = LocalCluster::Start(o);
  ASSERT_FALSE(cluster.ok());
  EXPECT_NE(cluster.status().message().find("no-such-binary"), std::string::npos);
}

}  // namespace
}  // namespace faultline
