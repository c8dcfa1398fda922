// StoreLog and AppendFile: what a restarted node finds in its data directory.
#include "db/builtin/server/store_log.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace faultline {
namespace {

class StoreLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("faultline-store-log-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(StoreLogTest, ReloadsEntriesStateAndTerm) {
  {
    auto log = StoreLog::Open(dir_);
    ASSERT_TRUE(log.ok()) << log.status().message();
    EXPECT_TRUE((*log)->fresh());
    ASSERT_TRUE((*log)->SetTerm(2).ok());
    ASSERT_TRUE((*log)->Append({1, "x", 5}).ok());
    ASSERT_TRUE((*log)->Append({2, "x", 6}).ok());
    ASSERT_TRUE((*log)->Append({2, "y", -1}).ok());
  }
  auto log = StoreLog::Open(dir_);
  ASSERT_TRUE(log.ok());
  EXPECT_FALSE((*log)->fresh());
  EXPECT_EQ((*log)->term(), 2);
  EXPECT_EQ((*log)->LastIndex(), 3);
  EXPECT_EQ((*log)->TermAt(1), 1);
  EXPECT_EQ((*log)->Get("x"), 6);
  EXPECT_EQ((*log)->Get("y"), -1);
  EXPECT_EQ((*log)->Get("z"), std::nullopt);
}

TEST_F(StoreLogTest, DropsATornLastLine) {
  {
    auto log = StoreLog::Open(dir_);
    ASSERT_TRUE(log.ok());
    ASSERT_TRUE((*log)->Append({1, "x", 5}).ok());
  }
  std::ofstream(dir_ / "log.jsonl", std::ios::app) << "[1,\"x\",";
  auto log = StoreLog::Open(dir_);
  ASSERT_TRUE(log.ok()) << log.status().message();
  EXPECT_EQ((*log)->LastIndex(), 1);
  ASSERT_TRUE((*log)->Append({1, "x", 7}).ok());
  auto again = StoreLog::Open(dir_);
  ASSERT_TRUE(again.ok()) << again.status().message();
  EXPECT_EQ((*again)->Get("x"), 7);
}

TEST_F(StoreLogTest, TruncateRebuildsStateAndFile) {
  {
    auto log = StoreLog::Open(dir_);
    ASSERT_TRUE(log.ok());
    for (int64_t v = 1; v <= 4; ++v) ASSERT_TRUE((*log)->Append({1, "x", v}).ok());
    ASSERT_TRUE((*log)->TruncateFrom(3).ok());
    EXPECT_EQ((*log)->Get("x"), 2);
    ASSERT_TRUE((*log)->Append({2, "x", 9}).ok());
  }
  auto log = StoreLog::Open(dir_);
  ASSERT_TRUE(log.ok());
  EXPECT_EQ((*log)->LastIndex(), 3);
  EXPECT_EQ((*log)->TermAt(3), 2);
  EXPECT_EQ((*log)->Get("x"), 9);
}

TEST_F(StoreLogTest, RejectsACorruptMiddleLineWithFileAndLine) {
  std::filesystem::create_directories(dir_);
  std::ofstream(dir_ / "log.jsonl") << "[1,\"x\",1]\nnonsense\n[1,\"x\",2]\n";
  auto log = StoreLog::Open(dir_);
  ASSERT_FALSE(log.ok());
  EXPECT_NE(log.status().message().find("log.jsonl:2"), std::string::npos)
      << log.status().message();
}

}  // namespace
}  // namespace faultline
