// NodeServers on a cluster of local processes (`sleep` as the "server"): a restarted or
// resumed node is back only once its readiness probe says it serves, and one that never does
// is an error naming it.
#include "control/node_servers.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "control/process_cluster.h"

namespace faultline {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

// Two "servers" that are ready while the file serving-<node> exists in the run folder.
class NodeServersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/node-servers-" + std::to_string(::getpid());
    fs::remove_all(dir_);
    auto c = ProcessCluster::Make(2, dir_);
    ASSERT_TRUE(c.ok()) << c.status().message();
    cluster_ = std::move(c).value();
    NodeServersOptions o;
    o.what = "sleeper";
    o.startup_timeout = milliseconds(400);
    for (size_t i = 0; i < 2; ++i) {
      o.servers.push_back({.name = "sleeper on n" + std::to_string(i + 1),
                           .argv = {"sleep", "60"},
                           .dir = cluster_->node_dir(i),
                           .log_path = cluster_->node_dir(i) + "/sleeper.log"});
      Serving(i, true);
    }
    o.ready = [this](size_t i) {
      return fs::exists(Flag(i)) ? Status::Ok() : Status::IoError("not serving yet");
    };
    servers_ = std::make_unique<NodeServers>(*cluster_, std::move(o));
    ASSERT_TRUE(servers_->StartAll().ok());
  }
  void TearDown() override {
    servers_.reset();
    fs::remove_all(dir_);
  }
  std::string Flag(size_t i) const { return dir_ + "/serving-n" + std::to_string(i + 1); }
  void Serving(size_t i, bool yes) {
    if (yes) {
      std::ofstream(Flag(i)) << "";
    } else {
      fs::remove(Flag(i));
    }
  }

  std::string dir_;
  std::unique_ptr<ProcessCluster> cluster_;
  std::unique_ptr<NodeServers> servers_;
};

TEST_F(NodeServersTest, ResumeReturnsOnceTheNodeServesAgain) {
  ASSERT_TRUE(servers_->Pause("n2").ok());
  Serving(1, false);
  std::thread waking([this] {
    std::this_thread::sleep_for(milliseconds(150));
    Serving(1, true);
  });
  const auto start = std::chrono::steady_clock::now();
  Status s = servers_->Resume("n2");
  const auto took = std::chrono::steady_clock::now() - start;
  const bool serving_when_resumed = fs::exists(Flag(1));
  waking.join();
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_TRUE(serving_when_resumed);
  EXPECT_GE(took, milliseconds(150));
  EXPECT_TRUE(servers_->Serving(1));
}

TEST_F(NodeServersTest, ANodeThatNeverServesAgainIsAnErrorNamingIt) {
  ASSERT_TRUE(servers_->Pause("n1").ok());
  Serving(0, false);
  Status resumed = servers_->Resume("n1");
  ASSERT_FALSE(resumed.ok());
  EXPECT_NE(resumed.message().find("n1: sleeper was not ready within 400 ms (not serving yet)"),
            std::string::npos)
      << resumed.message();
  Status restarted = servers_->Restart("n1");
  ASSERT_FALSE(restarted.ok());
  EXPECT_NE(restarted.message().find("n1: sleeper was not ready"), std::string::npos);
  Serving(0, true);
  EXPECT_TRUE(servers_->Restart("n1").ok());
}

}  // namespace
}  // namespace faultline
