// The faults on a real local cluster (network namespaces, sshd, iptables): a partition cuts
// exactly what it says and heals; loss and delay rules take hold and go; the clock library
// shifts a node's clock through the file the clock fault writes; daemons on nodes can be
// killed, paused and stopped. Needs root; each test builds and removes its own cluster.
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>

#include "control/netns_cluster.h"
#include "control/node_daemon.h"
#include "control/node_tools.h"
#include "nemesis/clock_fault.h"
#include "nemesis/network_faults.h"
#include "nemesis/node_network.h"

namespace faultline {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class ClusterFaultsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (geteuid() != 0) return;
    NetnsClusterOptions o;
    o.name = "tnem" + std::to_string(getpid());
    o.node_count = 3;
    auto c = NetnsCluster::Up(o);
    ASSERT_TRUE(c.ok()) << c.status().message();
    cluster_ = std::move(c).value().release();
  }
  static void TearDownTestSuite() {
    delete cluster_;  // owned: takes the cluster down
    cluster_ = nullptr;
  }
  void SetUp() override {
    if (geteuid() != 0) GTEST_SKIP() << "needs root (network namespaces, iptables)";
    ASSERT_NE(cluster_, nullptr);
  }

  // Whether node `from` can open a TCP connection to node `to`'s sshd within 1 s.
  static bool Connects(size_t from, size_t to) {
    const std::string cmd = "timeout 1 bash -c 'exec 3<>/dev/tcp/" +
                            cluster_->nodes()[to].host + "/22' 2>/dev/null";
    auto r = cluster_->remote(from).Exec(cmd, seconds(5));
    EXPECT_TRUE(r.ok()) << r.status().message();
    return r.ok() && r->exit_status == 0;
  }

  static NetnsCluster* cluster_;
};

NetnsCluster* ClusterFaultsTest::cluster_ = nullptr;

TEST_F(ClusterFaultsTest, APartitionCutsAcrossButNotWithinASideAndHeals) {
  NodeNetwork net(*cluster_);
  ASSERT_TRUE(net.Prepare().ok());
  ASSERT_TRUE(Connects(0, 2));
  // n3 alone; n1 and n2 together.
  ASSERT_TRUE(net.SetPartition({{"n1", {"n3"}}, {"n2", {"n3"}}, {"n3", {"n1", "n2"}}}).ok());
  EXPECT_FALSE(Connects(0, 2)) << "n1 → n3 crosses the cut";
  EXPECT_FALSE(Connects(2, 1)) << "n3 → n2 crosses the cut";
  EXPECT_TRUE(Connects(0, 1)) << "n1 → n2 is within a side";
  // The control host still reaches everyone (it is this SSH session).
  auto r = cluster_->remote(2).Exec("true", seconds(5));
  EXPECT_TRUE(r.ok() && r->exit_status == 0);
  ASSERT_TRUE(net.SetPartition({}).ok());
  EXPECT_TRUE(Connects(0, 2));
  EXPECT_TRUE(Connects(2, 1));
  ASSERT_TRUE(net.Teardown().ok());
  auto rules = ExecChecked(cluster_->remote(0), "iptables -S", seconds(5));
  ASSERT_TRUE(rules.ok());
  EXPECT_EQ(rules->find("faultline"), std::string::npos) << *rules;
}

TEST_F(ClusterFaultsTest, TotalLossCutsAndHealing) {
  NodeNetwork net(*cluster_);
  ASSERT_TRUE(net.Prepare().ok());
  // Probability just under 1: effectively every packet into n2 is dropped.
  ASSERT_TRUE(net.SetLoss({"n2"}, 0.9999).ok());
  EXPECT_FALSE(Connects(0, 1));
  EXPECT_TRUE(Connects(0, 2));
  ASSERT_TRUE(net.SetLoss({}, 0).ok());
  EXPECT_TRUE(Connects(0, 1));
  ASSERT_TRUE(net.Teardown().ok());
}

// Milliseconds for node `from` to open a TCP connection to node `to`'s sshd (the SYN-ACK
// leaves `to`, so a delay on `to` shows).
static double ConnectMs(Cluster& c, size_t from, size_t to) {
  auto r = ExecChecked(c.remote(from),
                       "s=$(date +%s%N); timeout 2 bash -c 'exec 3<>/dev/tcp/" +
                           c.nodes()[to].host + "/22' && echo $(( ($(date +%s%N) - s) / 1000 ))",
                       seconds(5));
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? std::stod(*r) / 1000.0 : -1;
}

TEST_F(ClusterFaultsTest, ADelayHoldsPacketsLeavingItsNodesUntilItEnds) {
  auto tools = NodeTools::Install(*cluster_);
  ASSERT_TRUE(tools.ok()) << tools.status().message();
  NodeNetwork net(*cluster_);
  ASSERT_TRUE(net.Prepare().ok());
  DelayFault delay(net, *cluster_, *tools, /*delay_ms=*/200, /*jitter_ms=*/0, /*seed=*/1);
  // Begin picks a random subset; draw until n2 is in it and n1 is not.
  for (uint64_t seed = 0;; ++seed) {
    Random rng(seed);
    FaultEvent e = delay.Begin(rng).Take();
    ASSERT_TRUE(e.error.empty()) << e.error;
    const std::string nodes = e.value.ToJson();
    if (nodes.find("\"n2\"") != std::string::npos && nodes.find("\"n1\"") == std::string::npos) break;
    auto end = delay.End();
    ASSERT_TRUE(end.has_value());
    (void)end->Take();
  }
  EXPECT_GT(ConnectMs(*cluster_, 0, 1), 150) << "n2's SYN-ACK is not held";
  auto end = delay.End();
  ASSERT_TRUE(end.has_value());
  const FaultEvent ended = end->Take();
  EXPECT_TRUE(ended.error.empty()) << ended.error;
  EXPECT_LT(ConnectMs(*cluster_, 0, 1), 100);
  // The daemon is gone from n2.
  auto left = cluster_->remote(1).Exec("pgrep -f faultline-delayd", seconds(5));
  ASSERT_TRUE(left.ok());
  EXPECT_NE(left->exit_status, 0) << left->out;
  ASSERT_TRUE(net.Teardown().ok());
}

TEST_F(ClusterFaultsTest, TheClockLibraryFollowsTheClockFile) {
  auto tools = NodeTools::Install(*cluster_);
  ASSERT_TRUE(tools.ok()) << tools.status().message();
  const std::string file = NodeTools::ClockFile(*cluster_, 1);
  // The node's notion of now, in seconds, as a program under the library sees it.
  auto node_now = [&]() -> int64_t {
    auto out = ExecChecked(cluster_->remote(1),
                           "LD_PRELOAD=" + ShellQuote(tools->path(1, NodeTool::kClockLib)) +
                               " FAULTLINE_CLOCK_FILE=" + ShellQuote(file) + " date +%s",
                           seconds(5));
    EXPECT_TRUE(out.ok()) << out.status().message();
    return out.ok() ? std::stoll(*out) : 0;
  };
  const auto real_now = [] {
    return std::chrono::duration_cast<seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
  const std::string tool = ShellQuote(tools->path(1, NodeTool::kClockTool));
  ASSERT_TRUE(ExecChecked(cluster_->remote(1), tool + " set " + ShellQuote(file) +
                                                   " --offset-ms 3600000", seconds(5)).ok());
  EXPECT_NEAR(node_now() - real_now(), 3600, 2);
  ASSERT_TRUE(ExecChecked(cluster_->remote(1), tool + " reset " + ShellQuote(file), seconds(5)).ok());
  EXPECT_NEAR(node_now() - real_now(), 0, 2);
}

TEST_F(ClusterFaultsTest, ADaemonOnANodeIsKilledPausedAndStoppedByPid) {
  NodeDaemonSpec spec;
  spec.name = "sleeper on n2";
  spec.argv = {"sleep", "1000"};
  spec.dir = cluster_->node_dir(1) + "/sleeper";
  spec.log_path = spec.dir + "/log";
  NodeDaemon d(cluster_->remote(1), spec);
  ASSERT_TRUE(d.Start().ok());
  EXPECT_GT(d.pid(), 0);
  EXPECT_FALSE(d.Start().ok()) << "a second start while running";
  auto alive = d.Alive();
  ASSERT_TRUE(alive.ok() && *alive);
  // It lives in n2's PID namespace: n1 cannot see it.
  auto seen = cluster_->remote(0).Exec("kill -0 " + std::to_string(d.pid()), seconds(5));
  ASSERT_TRUE(seen.ok());
  auto same = cluster_->remote(1).Exec("cat /proc/" + std::to_string(d.pid()) + "/cmdline",
                                       seconds(5));
  ASSERT_TRUE(same.ok());
  EXPECT_NE(same->out.find("sleep"), std::string::npos);
  ASSERT_TRUE(d.Signal(SIGSTOP).ok());
  auto state = ExecChecked(cluster_->remote(1),
                           "awk '{print $3}' /proc/" + std::to_string(d.pid()) + "/stat", seconds(5));
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->substr(0, 1), "T");
  ASSERT_TRUE(d.Signal(SIGCONT).ok());
  ASSERT_TRUE(d.Kill().ok());
  alive = d.Alive();
  ASSERT_TRUE(alive.ok());
  EXPECT_FALSE(*alive);
  ASSERT_TRUE(d.Start().ok()) << "restart after a kill";
  ASSERT_TRUE(d.Stop(milliseconds(2000)).ok());
  EXPECT_EQ(d.pid(), 0);
}

}  // namespace
}  // namespace faultline
