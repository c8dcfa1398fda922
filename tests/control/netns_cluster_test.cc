// The local network-namespace cluster: idempotent up, separate subnets, per-node hostname,
// /etc/hosts and PID namespace, TCP between nodes and from the control host, attach, and a
// down that leaves nothing behind.
#include "control/netns_cluster.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <future>

#include "control/netns_network.h"
#include "tests/control/test_cluster.h"

namespace faultline {
namespace {

namespace fs = std::filesystem;
using testing::ClusterGuard;
using testing::kTimeout;
using testing::TestClusterName;
using testing::UpOrFail;

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string OnNode(Remote& r, const std::string& command) {
  Result<std::string> out = ExecChecked(r, command, kTimeout);
  EXPECT_TRUE(out.ok()) << out.status().message();
  return out.ok() ? Trim(*out) : "";
}

// Everything of cluster `name` that Down must remove, as readable strings.
std::vector<std::string> Leftovers(const NetnsClusterState& s) {
  std::vector<std::string> left;
  for (const auto& ns : ClusterNamespaces(s.name)) left.push_back("namespace " + ns);
  for (const auto& entry : fs::directory_iterator("/sys/class/net")) {
    const std::string link = entry.path().filename().string();
    if (link.rfind("fl" + s.link_id, 0) == 0) left.push_back("link " + link);
  }
  for (const auto& n : s.nodes) {
    if (fs::exists("/etc/netns/" + n.netns)) left.push_back("/etc/netns/" + n.netns);
    if (n.init_pid > 0 && ::kill(n.init_pid, 0) == 0) left.push_back("init " + n.netns);
    if (n.launcher_pid > 0 && ::kill(n.launcher_pid, 0) == 0) left.push_back("launcher");
  }
  if (fs::exists(s.state_dir)) left.push_back(s.state_dir);
  if (fs::exists(s.nodes_dir)) left.push_back(s.nodes_dir);
  const auto names = NetnsCluster::List();
  if (std::find(names.begin(), names.end(), s.name) != names.end()) left.push_back("listed");
  return left;
}

// "comm (state) ppid", for messages about processes that should not exist.
std::string ProcessSummary(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat;
  std::getline(in, stat);
  return stat.substr(0, 60);
}

class NetnsClusterTest : public ::testing::Test {
 protected:
  void SetUp() override { FAULTLINE_REQUIRE_ROOT(); }
};

TEST_F(NetnsClusterTest, NodesHaveTheirHostnameAndResolveEachOther) {
  ClusterGuard guard(TestClusterName("h"));
  auto c = UpOrFail(guard.name(), 3);
  ASSERT_NE(c, nullptr);
  EXPECT_TRUE(c->local());
  EXPECT_EQ(c->control_address(), c->state().control_address);
  for (size_t i = 0; i < 3; ++i) {
    const std::string name = "n" + std::to_string(i + 1);
    EXPECT_EQ(c->nodes()[i].name, name);
    EXPECT_EQ(OnNode(c->remote(i), "hostname"), name);
    EXPECT_EQ(OnNode(c->remote(i), "cat /etc/hostname"), name);
    for (size_t j = 0; j < 3; ++j) {
      EXPECT_EQ(OnNode(c->remote(i), "getent hosts n" + std::to_string(j + 1) + " | cut -d' ' -f1"),
                c->nodes()[j].host);
    }
    EXPECT_EQ(OnNode(c->remote(i), "getent hosts control | cut -d' ' -f1"), c->control_address());
    EXPECT_EQ(OnNode(c->remote(i), "ip -4 route | grep -c default || true"), "0");
  }
}

TEST_F(NetnsClusterTest, ProcessesOfOneNodeAreInvisibleToAnother) {
  ClusterGuard guard(TestClusterName("p"));
  auto c = UpOrFail(guard.name(), 2);
  ASSERT_NE(c, nullptr);
  OnNode(c->remote(0), "setsid sleep 4321 </dev/null >/dev/null 2>&1 &");
  EXPECT_NE(OnNode(c->remote(0), "pgrep -x sleep -a || true").find("sleep 4321"),
            std::string::npos);
  EXPECT_EQ(OnNode(c->remote(1), "pgrep -x sleep -a || true"), "");
  EXPECT_EQ(OnNode(c->remote(0), "cat /proc/1/comm"), "sshd");  // each node has its own PID 1
  EXPECT_EQ(OnNode(c->remote(1), "cat /proc/1/comm"), "sshd");
  EXPECT_EQ(OnNode(c->remote(1), "pkill -x sleep; echo $?"), "1");  // nothing to kill on n2
  EXPECT_NE(OnNode(c->remote(0), "pgrep -x sleep -a || true").find("sleep 4321"),
            std::string::npos);
}

TEST_F(NetnsClusterTest, TcpWorksBetweenNodesAndFromTheControlHost) {
  ClusterGuard guard(TestClusterName("t"));
  auto c = UpOrFail(guard.name(), 2);
  ASSERT_NE(c, nullptr);
  // n1 -> n2 by name: read sshd's banner with bash's /dev/tcp.
  EXPECT_EQ(OnNode(c->remote(0), "timeout 5 bash -c 'exec 3<>/dev/tcp/n2/22; head -c 7 <&3'"),
            "SSH-2.0");
  // n2 -> control host: a listener in the root namespace on the bridge address.
  const int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  ::inet_pton(AF_INET, c->control_address().c_str(), &addr.sin_addr);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(listener, 1), 0);
  socklen_t len = sizeof addr;
  ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
  auto sent = std::async(std::launch::async, [&] {
    return OnNode(c->remote(1),
                  "echo hello >/dev/tcp/control/" + std::to_string(ntohs(addr.sin_port)));
  });
  const int conn = ::accept(listener, nullptr, nullptr);
  ASSERT_GE(conn, 0);
  char buf[16] = {};
  EXPECT_EQ(::read(conn, buf, sizeof buf), 6);
  EXPECT_EQ(std::string(buf), "hello\n");
  ::close(conn);
  ::close(listener);
  sent.get();
  // control -> node: SSH itself; and a plain connection to n1's port 22.
  EXPECT_EQ(OnNode(c->remote(0), "echo reached"), "reached");
}

TEST_F(NetnsClusterTest, UpIsIdempotentAndCleansLeftovers) {
  ClusterGuard guard(TestClusterName("i"));
  auto first = UpOrFail(guard.name(), 2);
  ASSERT_NE(first, nullptr);
  OnNode(first->remote(0), "setsid sleep 9876 </dev/null >/dev/null 2>&1 &");
  const NetnsClusterState old = first->state();
  first->Disown();  // as if the process that built it had crashed
  first.reset();
  auto second = UpOrFail(guard.name(), 3);
  ASSERT_NE(second, nullptr);
  EXPECT_EQ(second->nodes().size(), 3u);
  for (const auto& n : old.nodes) EXPECT_NE(::kill(n.init_pid, 0), 0) << "old init survived";
  EXPECT_EQ(ClusterNamespaces(guard.name()).size(), 3u);
  for (const auto& h : second->Probe(kTimeout)) {
    EXPECT_TRUE(h.sshd_alive && h.ssh_ok) << h.name << ": " << h.detail;
  }
  EXPECT_EQ(OnNode(second->remote(0), "pgrep -x sleep || true"), "");
}

TEST_F(NetnsClusterTest, TwoClustersAtOnceGetDifferentSubnets) {
  ClusterGuard guard_a(TestClusterName("a"));
  ClusterGuard guard_b(TestClusterName("b"));
  auto a = std::async(std::launch::async, [&] { return UpOrFail(guard_a.name(), 2); });
  auto b = std::async(std::launch::async, [&] { return UpOrFail(guard_b.name(), 2); });
  auto ca = a.get();
  auto cb = b.get();
  ASSERT_NE(ca, nullptr);
  ASSERT_NE(cb, nullptr);
  EXPECT_NE(ca->state().subnet, cb->state().subnet);
  EXPECT_NE(ca->state().bridge, cb->state().bridge);
  EXPECT_EQ(OnNode(ca->remote(1), "hostname"), "n2");
  EXPECT_EQ(OnNode(cb->remote(1), "hostname"), "n2");
  // Cluster a's nodes cannot reach cluster b's: separate bridges, no routes between them.
  EXPECT_EQ(OnNode(ca->remote(0), "timeout 2 bash -c 'echo >/dev/tcp/" + cb->nodes()[0].host +
                                      "/22' 2>/dev/null; echo $?"),
            "1");
}

TEST_F(NetnsClusterTest, DownLeavesNothing) {
  ClusterGuard guard(TestClusterName("d"));
  auto c = UpOrFail(guard.name(), 2);
  ASSERT_NE(c, nullptr);
  OnNode(c->remote(1), "setsid sleep 5555 </dev/null >/dev/null 2>&1 &");
  std::vector<pid_t> inside;
  for (const auto& n : c->state().nodes) {
    for (pid_t p : PidsInNetns(n.netns)) inside.push_back(p);
  }
  ASSERT_FALSE(inside.empty());
  const NetnsClusterState state = c->state();
  Status s = c->TearDown();
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(Leftovers(state), std::vector<std::string>{});
  for (pid_t p : inside) {
    EXPECT_TRUE(::kill(p, 0) != 0 || PidNamespaceOf(p).empty())
        << "pid " << p << " survived: " << ProcessSummary(p);
  }
}

TEST_F(NetnsClusterTest, DownOfAnAbsentOrHalfBuiltClusterIsFine) {
  const std::string name = TestClusterName("x");
  ClusterGuard guard(name);
  EXPECT_TRUE(NetnsCluster::Down(name).ok());
  // Half-built: a namespace and a link, no state.
  const std::string ns = NodeNetnsName(name, 1);
  const std::string link = "fl" + ClusterLinkId(name) + "n1";
  ASSERT_TRUE(RunLocalChecked({"ip", "netns", "add", ns}).ok());
  ASSERT_TRUE(RunLocalChecked(
                  {"ip", "link", "add", link, "type", "veth", "peer", "name", "eth0", "netns", ns})
                  .ok());
  const auto listed = NetnsCluster::List();
  EXPECT_NE(std::find(listed.begin(), listed.end(), name), listed.end());
  Status s = NetnsCluster::Down(name);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_FALSE(fs::exists("/run/netns/" + ns));
  EXPECT_FALSE(fs::exists("/sys/class/net/" + link));
}

TEST_F(NetnsClusterTest, AttachReachesAClusterWithoutOwningIt) {
  ClusterGuard guard(TestClusterName("at"));
  {
    auto c = UpOrFail(guard.name(), 2);
    ASSERT_NE(c, nullptr);
    c->Disown();
  }
  {
    Result<std::unique_ptr<NetnsCluster>> attached = NetnsCluster::Attach(guard.name());
    ASSERT_TRUE(attached.ok()) << attached.status().message();
    EXPECT_EQ(OnNode((*attached)->remote(1), "hostname"), "n2");
  }
  // The attached object is gone; the cluster is not.
  Result<std::unique_ptr<NetnsCluster>> again = NetnsCluster::Attach(guard.name());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(OnNode((*again)->remote(0), "hostname"), "n1");
  Result<std::unique_ptr<NetnsCluster>> missing = NetnsCluster::Attach(TestClusterName("none"));
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("cluster up"), std::string::npos);
}

TEST_F(NetnsClusterTest, NodeDirectoriesAreUsableByOtherUsers) {
  ClusterGuard guard(TestClusterName("u"));
  auto c = UpOrFail(guard.name(), 1);
  ASSERT_NE(c, nullptr);
  const std::string dir = c->node_dir(0);
  EXPECT_EQ(
      OnNode(c->remote(0), "chown nobody " + ShellQuote(dir) + " && su -s /bin/sh nobody -c " +
                               ShellQuote("touch " + ShellQuote(dir + "/f") + " && echo ok")),
      "ok");
  struct stat st {};
  ASSERT_EQ(::stat(c->state().state_dir.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u) << "keys must stay root-only";
}

TEST_F(NetnsClusterTest, BadOptionsAreRefusedUpFront) {
  NetnsClusterOptions o;
  o.name = "Bad Name";
  EXPECT_EQ(NetnsCluster::Up(o).status().code(), Status::Code::kInvalidArgument);
  o.name = TestClusterName("z");
  o.node_count = 10;
  EXPECT_EQ(NetnsCluster::Up(o).status().code(), Status::Code::kInvalidArgument);
  o.node_count = 1;
  o.sshd = "/nonexistent/sshd";
  Result<std::unique_ptr<NetnsCluster>> r = NetnsCluster::Up(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("openssh-server"), std::string::npos);
}

}  // namespace
}  // namespace faultline
