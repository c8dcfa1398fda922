// SshRemote against a real local cluster: exec results, signals, both output streams at
// volume, timeouts, SCP round trips, reconnecting after the node drops the session, and the
// errors a user must be able to act on (host key, RSA key, unreachable host).
#include "control/ssh_remote.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <future>
#include <random>
#include <sstream>

#include "control/netns_network.h"
#include "tests/control/hostile_strings.h"
#include "tests/control/test_cluster.h"

namespace faultline {
namespace {

using testing::ClusterGuard;
using testing::kTimeout;
using testing::TempDir;

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = char(rng() & 0xff);
  return s;
}

void WriteFile(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// One 2-node cluster per test process (ctest runs each test in its own process).
class SshRemoteTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!testing::LocalClusterUnavailable().empty()) return;
    guard_ = new ClusterGuard(testing::TestClusterName("s"));
    cluster_ = testing::UpOrFail(guard_->name(), 2).release();
  }
  static void TearDownTestSuite() {
    delete cluster_;
    delete guard_;
    cluster_ = nullptr;
    guard_ = nullptr;
  }
  void SetUp() override {
    FAULTLINE_REQUIRE_ROOT();
    ASSERT_NE(cluster_, nullptr) << "the test cluster did not come up";
  }
  SshRemote& n1() { return cluster_->ssh(0); }
  SshRemoteOptions OptionsFor(size_t i) { return cluster_->ssh(i).options(); }

  static inline ClusterGuard* guard_ = nullptr;
  static inline NetnsCluster* cluster_ = nullptr;
};

TEST_F(SshRemoteTest, ExecReturnsStdoutStderrAndExitStatus) {
  Result<ExecResult> r = n1().Exec("echo out; echo err >&2; exit 7", kTimeout);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->out, "out\n");
  EXPECT_EQ(r->err, "err\n");
  EXPECT_EQ(r->exit_status, 7);
  r = n1().Exec("true", kTimeout);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->exit_status, 0);
  EXPECT_EQ(r->out, "");
}

TEST_F(SshRemoteTest, KilledBySignalIs128PlusSignal) {
  Result<ExecResult> r = n1().Exec("kill -KILL $$", kTimeout);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->exit_status, 128 + 9);
  r = n1().Exec("kill -TERM $$", kTimeout);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->exit_status, 128 + 15);
}

TEST_F(SshRemoteTest, CommandsGetNoStdin) {
  Result<ExecResult> r = n1().Exec("cat; echo done", kTimeout);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->out, "done\n");
}

// A reader that drains one stream before the other deadlocks here: the command fills one
// stream's window while the reader waits on the other.
TEST_F(SshRemoteTest, OneMegabyteOnBothStreamsAtOnce) {
  const std::string mb = "1048576";
  for (const std::string order : {"err-first", "out-first", "interleaved", "8 MB err-first"}) {
    std::string cmd;
    if (order == "8 MB err-first") {  // more than libssh2's 2 MB channel window
      cmd = "for i in $(seq 8); do head -c " + mb +
            " /dev/zero | tr '\\0' e >&2; done; "
            "head -c " +
            mb + " /dev/zero | tr '\\0' o";
    } else if (order == "err-first") {
      cmd = "head -c " + mb + " /dev/zero | tr '\\0' e >&2; head -c " + mb +
            " /dev/zero | tr '\\0' o";
    } else if (order == "out-first") {
      cmd = "head -c " + mb + " /dev/zero | tr '\\0' o; head -c " + mb +
            " /dev/zero | tr '\\0' e >&2";
    } else {
      cmd =
          "for i in $(seq 64); do head -c 16384 /dev/zero | tr '\\0' o; "
          "head -c 16384 /dev/zero | tr '\\0' e >&2; done";
    }
    Result<ExecResult> r = n1().Exec(cmd, kTimeout);
    ASSERT_TRUE(r.ok()) << order << ": " << r.status().message();
    EXPECT_EQ(r->exit_status, 0) << order;
    EXPECT_EQ(r->out, std::string(1 << 20, 'o')) << order << ": stdout has " << r->out.size();
    const size_t err_size = order == "8 MB err-first" ? 8u << 20 : 1u << 20;
    EXPECT_EQ(r->err, std::string(err_size, 'e')) << order << ": stderr has " << r->err.size();
  }
}

TEST_F(SshRemoteTest, TimeoutIsAnErrorNamingHostCommandAndTimeout) {
  Result<ExecResult> r = n1().Exec("sleep 5; echo finished", std::chrono::milliseconds(300));
  ASSERT_FALSE(r.ok()) << "returned: " << r->out;
  EXPECT_NE(r.status().message().find("n1"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("sleep 5"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("0.3 s"), std::string::npos) << r.status().message();
  // The remote stays usable.
  r = n1().Exec("echo after", kTimeout);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->out, "after\n");
}

TEST_F(SshRemoteTest, HostileStringsSurviveTheLoginShell) {
  for (const std::string& s : testing::HostileStrings()) {
    Result<ExecResult> r = n1().Exec("printf %s " + ShellQuote(s), kTimeout);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->out, s);
  }
  const std::vector<std::string> argv = testing::HostileStrings();
  Result<ExecResult> r = n1().Exec("printf '%s\\0' " + ShellJoin(argv), kTimeout);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->out, testing::NulJoined(argv));
}

TEST_F(SshRemoteTest, UploadDownloadRoundTripOfRandomBinaryData) {
  TempDir tmp;
  const std::string remote_dir = cluster_->node_dir(0);
  for (size_t size : {size_t(0), size_t(1), size_t(65536), size_t(3 << 20) + 17}) {
    const std::string data = RandomBytes(size, uint32_t(size));
    WriteFile(tmp / "src", data);
    const std::string remote = remote_dir + "/blob " + std::to_string(size);
    ASSERT_TRUE(n1().Upload(tmp / "src", remote, 0640).ok());
    Status s = n1().Download(remote, tmp / "back");
    ASSERT_TRUE(s.ok()) << s.message();
    EXPECT_TRUE(ReadFile(tmp / "back") == data) << "size " << size << " differs";
  }
}

TEST_F(SshRemoteTest, UploadAppliesModeExactlyEvenOverAnExistingFile) {
  TempDir tmp;
  WriteFile(tmp / "src", "#!/bin/sh\necho ran\n");
  const std::string remote = cluster_->node_dir(0) + "/script";
  ASSERT_TRUE(n1().Upload(tmp / "src", remote, 0600).ok());
  ASSERT_TRUE(n1().Upload(tmp / "src", remote, 0755).ok());
  Result<ExecResult> r =
      n1().Exec("stat -c %a " + ShellQuote(remote) + "; " + ShellQuote(remote), kTimeout);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->out, "755\nran\n");
}

TEST_F(SshRemoteTest, FiftyMegabyteFileRoundTrip) {
  TempDir tmp;
  const std::string data = RandomBytes(50u << 20, 50);
  WriteFile(tmp / "big", data);
  const std::string remote = cluster_->node_dir(0) + "/big";
  Status s = n1().Upload(tmp / "big", remote, 0644);
  ASSERT_TRUE(s.ok()) << s.message();
  Result<ExecResult> r = n1().Exec(
      "cmp " + ShellQuote(remote) + " " + ShellQuote(tmp / "big") + " && echo same", kTimeout);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->out, "same\n") << r->out << r->err;
  s = n1().Download(remote, tmp / "back");
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_TRUE(ReadFile(tmp / "back") == data);
}

TEST_F(SshRemoteTest, TransferErrorsNameTheHostAndPath) {
  TempDir tmp;
  WriteFile(tmp / "src", "x");
  Status s = n1().Upload(tmp / "src", "/nonexistent-dir/f", 0644);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("/nonexistent-dir/f"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("n1"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("directory /nonexistent-dir does not exist"), std::string::npos)
      << s.message();
  s = n1().Download("/nonexistent-dir/f", tmp / "back");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("/nonexistent-dir/f: it does not exist"), std::string::npos)
      << s.message();
  EXPECT_FALSE(std::filesystem::exists(tmp / "back"));
  s = n1().Download("/etc", tmp / "back");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("/etc: it is not a regular file"), std::string::npos) << s.message();
  // A write error on the node (here: a device that is always full) is an error here too.
  WriteFile(tmp / "src", RandomBytes(200000, 3));
  s = n1().Upload(tmp / "src", "/dev/full", 0644);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("exited"), std::string::npos) << s.message();
  // Still usable afterwards.
  Result<ExecResult> r = n1().Exec("echo ok", kTimeout);
  ASSERT_TRUE(r.ok()) << r.status().message();
}

// The per-connection sshd processes of node 1 ("sshd: root…"), seen from the root namespace.
std::vector<pid_t> SessionProcesses(const NetnsCluster& c) {
  std::vector<pid_t> out;
  for (pid_t pid : PidsInNetns(c.state().nodes[0].netns)) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline");
    std::string cmdline;
    std::getline(in, cmdline, '\0');
    if (cmdline.rfind("sshd: root", 0) == 0) out.push_back(pid);
  }
  return out;
}

TEST_F(SshRemoteTest, ReconnectsOnceWhenTheNodeDroppedAnIdleSession) {
  ASSERT_TRUE(n1().Exec("true", kTimeout).ok());
  const std::vector<pid_t> sessions = SessionProcesses(*cluster_);
  ASSERT_FALSE(sessions.empty());
  ASSERT_TRUE(KillAndWait(sessions, kTimeout));
  Result<ExecResult> r = n1().Exec("echo again", kTimeout);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->out, "again\n");
}

TEST_F(SshRemoteTest, NeverRerunsACommandThatMayHaveStarted) {
  const std::string log = cluster_->node_dir(0) + "/runs";
  // The command records that it ran, then kills the sshd process serving it.
  Result<ExecResult> r =
      n1().Exec("echo ran >> " + ShellQuote(log) + "; kill -KILL $PPID; sleep 2", kTimeout);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("not retried"), std::string::npos) << r.status().message();
  r = n1().Exec("cat " + ShellQuote(log), kTimeout);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->out, "ran\n");
}

TEST_F(SshRemoteTest, ParallelCallsOnOneRemoteAreSerialized) {
  std::vector<std::future<Result<ExecResult>>> calls;
  for (int i = 0; i < 8; ++i) {
    calls.push_back(std::async(std::launch::async, [this, i] {
      return n1().Exec("echo " + std::to_string(i), kTimeout);
    }));
  }
  for (int i = 0; i < 8; ++i) {
    Result<ExecResult> r = calls[size_t(i)].get();
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->out, std::to_string(i) + "\n");
  }
}

TEST_F(SshRemoteTest, LocalAddressIsTheControlAddress) {
  Result<std::string> a = n1().LocalAddress();
  ASSERT_TRUE(a.ok()) << a.status().message();
  EXPECT_EQ(*a, cluster_->control_address());
}

TEST_F(SshRemoteTest, WrongPinnedFingerprintSaysExpectedAndGot) {
  SshRemoteOptions o = OptionsFor(0);
  o.host_key_sha256 = cluster_->state().nodes[1].host_key_sha256;  // n2's key, for n1
  SshRemote wrong(o);
  Result<ExecResult> r = wrong.Exec("echo should-not-run", kTimeout);
  ASSERT_FALSE(r.ok());
  const std::string& m = r.status().message();
  EXPECT_NE(m.find("does not match"), std::string::npos) << m;
  EXPECT_NE(m.find("expected " + cluster_->state().nodes[1].host_key_sha256), std::string::npos)
      << m;
  EXPECT_NE(m.find("got " + cluster_->state().nodes[0].host_key_sha256), std::string::npos) << m;
}

TEST_F(SshRemoteTest, RsaKeyIsRefusedWithAnExplanation) {
  TempDir tmp;
  const std::string key = tmp / "id_rsa";
  ASSERT_TRUE(
      RunLocalChecked({"ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f", key}).ok());
  // Authorize it, so that the only reason to refuse it is its SHA-1 signature.
  const std::string authorized = cluster_->state().state_dir + "/authorized_keys";
  const std::string before = ReadFile(authorized);
  WriteFile(authorized, before + ReadFile(key + ".pub"));
  SshRemoteOptions o = OptionsFor(0);
  o.private_key_file = key;
  SshRemote rsa(o);
  Status s = rsa.Connect();
  WriteFile(authorized, before);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("RSA"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("ed25519"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("SHA-1"), std::string::npos) << s.message();
}

TEST_F(SshRemoteTest, UnreachableHostNamesHostPortAndReason) {
  SshRemoteOptions o = OptionsFor(0);
  o.port = 2;  // nothing listens there
  SshRemote nowhere(o);
  Status s = nowhere.Connect();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find(o.host + ":2"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("refused"), std::string::npos) << s.message();
}

TEST_F(SshRemoteTest, MissingKeyFileIsNamed) {
  SshRemoteOptions o = OptionsFor(0);
  o.private_key_file = "/nonexistent/key";
  SshRemote r(o);
  Status s = r.Connect();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("/nonexistent/key"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace faultline
