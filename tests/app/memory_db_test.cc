// A whole `faultline test` in-process, on a database added by registration alone
// (tests/app/memory_db/): its option on the command line and in test.json, its --help, the
// run's verdict and report, and `faultline list`.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/assemble.h"
#include "app/commands.h"
#include "tests/app/memory_db/memory_db_part.h"
#include "tests/app/help_text.h"

namespace faultline {
namespace {

using testing::Unwrapped;

namespace fs = std::filesystem;

class MemoryDbTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    RegisterAllParts(Registry::Global());
    Registry::Global().Add(testing::MemoryDbPart());  // the one registration line
  }

  // Runs `faultline test ARGS` and returns its exit code; stdout in *out.
  int Test(std::vector<std::string> args, std::string* out = nullptr) {
    const std::string root = ::testing::TempDir() + "/faultline-memory-db";
    args.insert(args.end(), {"--results", root});
    std::ostringstream captured;
    std::streambuf* old = std::cout.rdbuf(captured.rdbuf());
    const int code = RunTest(args);
    std::cout.rdbuf(old);
    if (out) *out = captured.str();
    latest_ = root + "/latest";
    return code;
  }

  std::string latest_;
};

nlohmann::json ReadJson(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}

TEST_F(MemoryDbTest, ARegisteredDatabaseRunsEndToEnd) {
  const std::vector<std::string> common = {"--db", "memory", "--cluster", "processes",
                                           "--nodes", "3", "--time-limit", "0.5", "--rate", "400",
                                           "--recovery", "0", "--seed", "5"};
  EXPECT_EQ(Test(common), 0);
  const nlohmann::json test = ReadJson(latest_ + "/test.json");
  EXPECT_EQ(test["db"], nlohmann::json({{"name", "memory"}, {"memory_reads", "fresh"}}));
  EXPECT_TRUE(fs::exists(latest_ + "/report.html"));

  std::vector<std::string> stale = common;
  stale.insert(stale.end(), {"--memory-reads", "stale"});
  EXPECT_EQ(Test(stale), 1);  // stale reads are not linearizable
  EXPECT_EQ(ReadJson(latest_ + "/results.json")["verdict"], "invalid");
}

TEST_F(MemoryDbTest, ItsHelpAndRefusals) {
  std::string out;
  EXPECT_EQ(Test({"--db", "memory", "--help"}, &out), 0);
  out = Unwrapped(out);
  EXPECT_NE(out.find("--memory-reads"), std::string::npos) << out;
  EXPECT_NE(out.find("fresh or stale; default fresh"), std::string::npos) << out;
  EXPECT_EQ(Test({"--db", "memory", "--workload", "bank", "--cluster", "processes"}), 3);
  EXPECT_EQ(Test({"--memory-reads", "stale"}), 3);  // an option of --db memory only
}

TEST_F(MemoryDbTest, ListShowsEveryPart) {
  std::ostringstream captured;
  std::streambuf* old = std::cout.rdbuf(captured.rdbuf());
  const int code = RunList({});
  std::cout.rdbuf(old);
  EXPECT_EQ(code, 0);
  const std::string out = captured.str();
  for (const char* part : {"builtin:", "etcd:", "postgres:", "redis:", "external:", "memory:",
                           "register:", "bank:", "counter:", "partition-ring:", "loss:",
                           "linearizability:", "causal:"}) {
    EXPECT_NE(out.find(part), std::string::npos) << part << "\n" << out;
  }
  EXPECT_NE(out.find("safety settings --replication, --r, --w, --quorum-versions, --quorum-reads and --read-from"), std::string::npos)
      << out;
}

}  // namespace
}  // namespace faultline
