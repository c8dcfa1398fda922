// --cluster processes as a Cluster: node directories, commands run here (with their deadline
// enforced), files copied with their mode, and what it says about itself.
#include "control/process_cluster.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

namespace faultline {
namespace {

namespace fs = std::filesystem;

class ProcessClusterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = ::testing::TempDir() + "/process-cluster-" + std::to_string(::getpid());
    fs::remove_all(dir_);
    auto c = ProcessCluster::Make(3, dir_);
    ASSERT_TRUE(c.ok()) << c.status().message();
    cluster_ = std::move(c).value();
  }
  void TearDown() override { fs::remove_all(dir_); }

  std::string dir_;
  std::unique_ptr<ProcessCluster> cluster_;
};

TEST_F(ProcessClusterTest, NodesShareLoopbackAndHaveTheirOwnDirectories) {
  ASSERT_EQ(cluster_->nodes().size(), 3u);
  EXPECT_EQ(cluster_->nodes()[2].name, "n3");
  EXPECT_EQ(cluster_->nodes()[2].host, "127.0.0.1");
  EXPECT_TRUE(cluster_->shares_host());
  EXPECT_TRUE(cluster_->local());
  EXPECT_TRUE(fs::is_directory(cluster_->node_dir(1)));
  EXPECT_EQ(fs::path(cluster_->node_dir(1)).filename(), "n2");
  EXPECT_EQ(cluster_->Describe(), "local processes (3 nodes on 127.0.0.1)");
  EXPECT_TRUE(cluster_->TearDown().ok());
  EXPECT_EQ(cluster_->Keep(), "");  // nothing was built that could be kept
}

TEST_F(ProcessClusterTest, CommandsRunHereWithTheirDeadline) {
  auto r = cluster_->remote(0).Exec("echo out; echo err >&2; exit 3", std::chrono::seconds(5));
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->exit_status, 3);
  EXPECT_EQ(r->out, "out\n");
  EXPECT_EQ(r->err, "err\n");
  auto slow = cluster_->remote(0).Exec("sleep 5", std::chrono::milliseconds(200));
  ASSERT_FALSE(slow.ok());
  EXPECT_NE(slow.status().message().find("did not finish within"), std::string::npos)
      << slow.status().message();
}

TEST_F(ProcessClusterTest, UploadAndDownloadCopyWithTheMode) {
  const std::string src = dir_ + "/src";
  std::ofstream(src) << "payload";
  const std::string on_node = cluster_->node_dir(0) + "/tool";
  ASSERT_TRUE(cluster_->remote(0).Upload(src, on_node, 0750).ok());
  struct stat st {};
  ASSERT_EQ(::stat(on_node.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0750u);
  const std::string back = dir_ + "/back";
  ASSERT_TRUE(cluster_->remote(0).Download(on_node, back).ok());
  std::ifstream in(back);
  std::string text;
  std::getline(in, text);
  EXPECT_EQ(text, "payload");
  Status missing = cluster_->remote(0).Download(dir_ + "/nope", back);
  EXPECT_FALSE(missing.ok());
  EXPECT_NE(missing.message().find("n1"), std::string::npos) << missing.message();
}

}  // namespace
}  // namespace faultline
