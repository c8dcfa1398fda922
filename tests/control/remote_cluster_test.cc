// RemoteCluster against the sshds of a local cluster, as if they were real hosts, with a
// known_hosts file the test writes with ssh-keyscan: the good case, an unknown host, a
// changed key.
#include "control/remote_cluster.h"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/control/hostile_strings.h"
#include "tests/control/test_cluster.h"

namespace faultline {
namespace {

using testing::ClusterGuard;
using testing::kTimeout;
using testing::TempDir;

class RemoteClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    FAULTLINE_REQUIRE_ROOT();
    guard_ = std::make_unique<ClusterGuard>(testing::TestClusterName("r"));
    local_ = testing::UpOrFail(guard_->name(), 2);
    ASSERT_NE(local_, nullptr);
    base_dir_ = "/var/tmp/faultline-test-" + std::to_string(::getpid());
  }
  void TearDown() override {
    std::filesystem::remove_all(base_dir_);
    local_.reset();
    guard_.reset();
  }

  // `ssh-keyscan` of the given nodes' addresses (hashed with -H when asked).
  std::string Keyscan(const std::vector<size_t>& nodes, bool hashed = false) {
    std::vector<std::string> argv = {"ssh-keyscan", "-t", "ed25519"};
    if (hashed) argv.push_back("-H");
    for (size_t i : nodes) argv.push_back(local_->nodes()[i].host);
    Result<LocalResult> r = RunLocal(argv);
    EXPECT_TRUE(r.ok());
    return r.ok() ? r->out : "";
  }

  RemoteClusterOptions Options(const std::string& known_hosts) {
    RemoteClusterOptions o;
    for (const auto& n : local_->nodes()) o.hosts.push_back(n.host);
    o.private_key_file = local_->state().client_key;
    o.known_hosts_file = known_hosts;
    o.base_dir = base_dir_;
    o.run_id = "run1";
    return o;
  }

  std::unique_ptr<ClusterGuard> guard_;
  std::unique_ptr<NetnsCluster> local_;
  std::string base_dir_;
  TempDir tmp_;
};

TEST_F(RemoteClusterTest, ConnectsToHostsInKnownHosts) {
  std::ofstream(tmp_ / "known_hosts") << "# written by the test\n" << Keyscan({0, 1});
  Result<std::unique_ptr<RemoteCluster>> c = RemoteCluster::Connect(Options(tmp_ / "known_hosts"));
  ASSERT_TRUE(c.ok()) << c.status().message();
  RemoteCluster& rc = **c;
  EXPECT_FALSE(rc.local());
  ASSERT_EQ(rc.nodes().size(), 2u);
  EXPECT_EQ(rc.control_address(), local_->control_address());
  EXPECT_EQ(rc.node_dir(0), base_dir_ + "/run1/" + rc.nodes()[0].name);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(rc.nodes()[i].name, local_->nodes()[i].host);
    EXPECT_EQ(rc.nodes()[i].host, local_->nodes()[i].host);
    Result<std::string> out = ExecChecked(
        rc.remote(i), "hostname; test -d " + ShellQuote(rc.node_dir(i)) + " && echo dir", kTimeout);
    ASSERT_TRUE(out.ok()) << out.status().message();
    EXPECT_EQ(*out, "n" + std::to_string(i + 1) + "\ndir\n");
  }
  EXPECT_NE(rc.Describe().find("2 hosts"), std::string::npos) << rc.Describe();
}

TEST_F(RemoteClusterTest, HashedKnownHostsWork) {
  std::ofstream(tmp_ / "known_hosts") << Keyscan({0, 1}, /*hashed=*/true);
  Result<std::unique_ptr<RemoteCluster>> c = RemoteCluster::Connect(Options(tmp_ / "known_hosts"));
  ASSERT_TRUE(c.ok()) << c.status().message();
}

TEST_F(RemoteClusterTest, UnknownHostIsRefusedWithWhatToDo) {
  std::ofstream(tmp_ / "known_hosts") << Keyscan({0});  // n2 missing
  Result<std::unique_ptr<RemoteCluster>> c = RemoteCluster::Connect(Options(tmp_ / "known_hosts"));
  ASSERT_FALSE(c.ok());
  const std::string& m = c.status().message();
  const std::string n2 = local_->nodes()[1].host;
  EXPECT_NE(m.find("host " + n2 + " is not in"), std::string::npos) << m;
  EXPECT_NE(m.find("ssh-keyscan"), std::string::npos) << m;
  EXPECT_NE(m.find(local_->state().nodes[1].host_key_sha256), std::string::npos) << m;
}

TEST_F(RemoteClusterTest, ChangedHostKeyIsRefused) {
  // n1's address with n2's key: what a reinstalled (or impersonated) host looks like.
  std::string line = Keyscan({1});
  const std::string n1 = local_->nodes()[0].host, n2 = local_->nodes()[1].host;
  line.replace(line.find(n2), n2.size(), n1);
  std::ofstream(tmp_ / "known_hosts") << line << Keyscan({1});
  Result<std::unique_ptr<RemoteCluster>> c = RemoteCluster::Connect(Options(tmp_ / "known_hosts"));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("does not match"), std::string::npos) << c.status().message();
  EXPECT_NE(c.status().message().find("ssh-keygen -R " + n1), std::string::npos);
}

// A host whose known_hosts entry is of another type than libssh2's first choice (here only
// its ECDSA key is listed, ed25519 is preferred), on a port other than 22.
TEST_F(RemoteClusterTest, FindsTheListedKeyTypeOnAnotherPort) {
  const std::string dir = local_->node_dir(0) + "/sshd2";
  const std::string cfg = dir + "/sshd_config";
  const std::string address = local_->nodes()[0].host;
  Result<std::string> started = ExecChecked(
      local_->remote(0),
      "mkdir -p " + dir + " && chmod 700 " + dir + " && cd " + dir +
          " && ssh-keygen -q -t ed25519 -N '' -f ed && ssh-keygen -q -t ecdsa -N '' -f ec && "
          "printf 'ListenAddress " + address + ":2222\\nHostKey " + dir + "/ed\\nHostKey " +
          dir + "/ec\\nAuthorizedKeysFile " + local_->state().state_dir +
          "/authorized_keys\\nUsePAM no\\nPidFile none\\n' > " + cfg +
          " && /usr/sbin/sshd -f " + cfg +
          " && for i in $(seq 200); do (exec 3<>/dev/tcp/" + address +
          "/2222) 2>/dev/null && break; sleep 0.05; done && cat ec.pub",
      kTimeout);
  ASSERT_TRUE(started.ok()) << started.status().message();
  std::istringstream pub(*started);
  std::string type, blob;
  pub >> type >> blob;
  std::ofstream(tmp_ / "known_hosts") << "[" << address << "]:2222 " << type << " " << blob
                                      << "\n";
  SshRemoteOptions o;
  o.host = address;
  o.port = 2222;
  o.private_key_file = local_->state().client_key;
  o.known_hosts_file = tmp_ / "known_hosts";
  SshRemote remote(o);
  Result<std::string> out = ExecChecked(remote, "hostname", kTimeout);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(*out, "n1\n");
}

TEST_F(RemoteClusterTest, MissingKnownHostsFileSaysHowToCreateIt) {
  Result<std::unique_ptr<RemoteCluster>> c = RemoteCluster::Connect(Options(tmp_ / "absent"));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find(tmp_ / "absent"), std::string::npos);
  EXPECT_NE(c.status().message().find("ssh-keyscan"), std::string::npos);
}

TEST(RemoteClusterOptionsTest, BadOptionsAreRefused) {
  RemoteClusterOptions o;
  EXPECT_EQ(RemoteCluster::Connect(o).status().code(), Status::Code::kInvalidArgument);
  o.hosts = {"a", "a"};
  EXPECT_EQ(RemoteCluster::Connect(o).status().code(), Status::Code::kInvalidArgument);
  o.hosts = {"a"};
  o.private_key_file = "/k";
  o.run_id = "../escape";
  EXPECT_EQ(RemoteCluster::Connect(o).status().code(), Status::Code::kInvalidArgument);
}

// A host name ends up in a path on the node (<base>/<run>/<host>, removed with rm -rf when a
// store starts afresh) and in the store's peer list: "../.." would have aimed those at the
// node's root. Every hostile string that is not a plain name is refused before any
// connection, with a message naming it.
TEST(RemoteClusterOptionsTest, HostileHostNamesAreRefusedBeforeAnyConnection) {
  std::vector<std::string> hostile = testing::HostileStrings();
  for (const char* h : {"..", "../../etc", "a/b", "/", ".", ".hidden", "trailing.", "a..b",
                        "-oProxyCommand=touch /tmp/x", "db1 -p 2222", "a,b", "n1=10.0.0.1:1",
                        "db1:22", "[::1]", "a\\b", "é.example"}) {
    hostile.push_back(h);
  }
  hostile.push_back(std::string(254, 'a'));
  hostile.push_back(std::string("db1\0evil", 8));
  for (const std::string& host : hostile) {
    if (host == "plain") continue;  // a fine host name
    RemoteClusterOptions o;
    o.hosts = {"db1", host};
    o.private_key_file = "/k";
    Result<std::unique_ptr<RemoteCluster>> c = RemoteCluster::Connect(o);
    ASSERT_FALSE(c.ok()) << "accepted host name \"" << host << "\"";
    EXPECT_EQ(c.status().code(), Status::Code::kInvalidArgument) << c.status().message();
    EXPECT_NE(c.status().message().find("host name \""), std::string::npos) << c.status().message();
  }
}

TEST(RemoteClusterOptionsTest, KeyOpenToOtherUsersIsRefused) {
  TempDir tmp;
  const std::string key = tmp / "id_ed25519";
  std::ofstream(key) << "not read: the mode is checked first\n";
  RemoteClusterOptions o;
  o.hosts = {"db1"};
  o.private_key_file = key;
  for (mode_t mode : {0644, 0640, 0604, 0660, 0666}) {
    ASSERT_EQ(::chmod(key.c_str(), mode), 0);
    Result<std::unique_ptr<RemoteCluster>> c = RemoteCluster::Connect(o);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.status().code(), Status::Code::kInvalidArgument) << c.status().message();
    EXPECT_NE(c.status().message().find("chmod 600 " + key), std::string::npos)
        << c.status().message();
  }
}

TEST(RemoteClusterOptionsTest, OrdinaryHostNamesPass) {
  for (const char* host : {"db1", "db-1.example.com", "10.0.0.17", "node_3.lab", "a",
                           "xn--bcher-kva.example", "1.2.3.4"}) {
    EXPECT_TRUE(CheckHostName(host).ok()) << host << ": " << CheckHostName(host).message();
  }
  EXPECT_TRUE(CheckHostName(std::string(63, 'a') + "." + std::string(63, 'b')).ok());
}

// The owner line a run leaves on its hosts names this process while it lives; a process that
// ended (or another with its PID: the start time differs) is not alive; another control
// host's line is not ours, so a run never removes what another host's faultline runs.
TEST(RemoteClusterOwnerTest, OwnerLinesNameALiveProcessOfThisHostOnly) {
  const std::string mine = OwnerLine(::getpid());
  ASSERT_FALSE(mine.empty());
  EXPECT_TRUE(OwnerLineIsOurs(mine));
  EXPECT_TRUE(OwnerLineAlive(mine));

  std::istringstream words(mine);
  std::string host, boot, pid, start;
  words >> host >> boot >> pid >> start;
  EXPECT_EQ(pid, std::to_string(::getpid()));
  EXPECT_FALSE(OwnerLineAlive(host + " " + boot + " " + pid + " " + start + "1"));  // PID reused

  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) _exit(0);
  const std::string ended = OwnerLine(child);  // a zombie until reaped: still readable
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_FALSE(ended.empty());
  EXPECT_TRUE(OwnerLineIsOurs(ended));
  EXPECT_FALSE(OwnerLineAlive(ended));

  for (const std::string& other : {"elsewhere " + boot + " " + pid + " " + start,
                                   host + " another-boot " + pid + " " + start, std::string(),
                                   host + " " + boot + " x y", host + " " + boot}) {
    EXPECT_FALSE(OwnerLineAlive(other)) << other;
  }
  EXPECT_FALSE(OwnerLineIsOurs("elsewhere " + boot + " " + pid + " " + start));
}

}  // namespace
}  // namespace faultline
