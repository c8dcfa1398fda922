// --db external's multi-file automation: "upload" (files and folders sent to {files} on every
// node, modes kept), {here} and {files}, commands given as lists of lines (one `set -e`
// script), "name", and the `ready` command polled after setup, start and resume.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "db/external/external_db.h"
#include "tests/db/external/shell_cluster.h"

namespace faultline {
namespace {

namespace fs = std::filesystem;

void WriteFile(const fs::path& p, const std::string& text, fs::perms perms = fs::perms(0644)) {
  fs::create_directories(p.parent_path());
  std::ofstream(p) << text;
  fs::permissions(p, perms);
}

// A commands file in a folder of its own (the user's), beside which the uploads live.
class MultiFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("faultline-external-files-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    here_ = root_ / "mydb";
    fs::create_directories(here_);
    cluster_ = std::make_unique<ShellCluster>(root_ / "nodes", 3);
  }
  void TearDown() override { fs::remove_all(root_); }
  Status Load(const std::string& text, ExternalDbSpec* spec) {
    WriteFile(here_ / "commands.json", text);
    return LoadDbCommandsFile((here_ / "commands.json").string(), spec);
  }
  fs::path Node(int n) const { return root_ / "nodes" / ("n" + std::to_string(n)); }

  fs::path root_, here_;
  std::unique_ptr<ShellCluster> cluster_;
  RunLog log_;
};

TEST_F(MultiFileTest, ReadsUploadNameReadyAndListCommands) {
  WriteFile(here_ / "node-setup.sh", "#!/bin/sh\n", fs::perms(0755));
  WriteFile(here_ / "conf" / "a.conf", "a\n");
  ExternalDbSpec spec;
  Status s = Load(R"({"setup":["mkdir -p {dir}/data","{files}/node-setup.sh {node}"],
                      "teardown":"true","upload":["node-setup.sh","conf/"],"name":"mydb 1.2",
                      "ready":"mydb-ping {address}","ready_timeout":2.5})",
                  &spec);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(spec.setup, "set -e\nmkdir -p {dir}/data\n{files}/node-setup.sh {node}");
  EXPECT_EQ(spec.upload, (std::vector<std::string>{"node-setup.sh", "conf/"}));
  EXPECT_EQ(spec.name, "mydb 1.2");
  EXPECT_EQ(spec.ready, "mydb-ping {address}");
  EXPECT_EQ(spec.ready_timeout, 2.5);
  EXPECT_EQ(spec.Here(), here_.string());
  EXPECT_EQ(ScriptOfLines({}), "set -e");
}

TEST_F(MultiFileTest, RefusesAMissingUploadNamingTheFileKeyAndPath) {
  WriteFile(here_ / "node-setup.sh", "#!/bin/sh\n");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"setup":"s","teardown":"t","upload":["node-setup.sh","conf/"]})", "conf/"},
      {R"({"setup":"s","teardown":"t","upload":"node-setup.sh"})", "must be a list"},
      {R"({"setup":"s","teardown":"t","upload":["node-setup.sh","x/node-setup.sh"]})",
       "x/node-setup.sh"},
      {R"({"setup":["a",1],"teardown":"t"})", "\"setup\" must be a string"},
      {R"({"setup":"s","teardown":"t","ready":{}})", "\"ready\" must be a string"},
      {R"({"setup":"s","teardown":"t","ready_timeout":0})", "\"ready_timeout\" must be > 0"},
      {R"({"setup":"s","teardown":"t","name":7})", "\"name\" must be a string"},
  };
  WriteFile(here_ / "x" / "node-setup.sh", "#!/bin/sh\n");
  for (const auto& [text, says] : cases) {
    ExternalDbSpec spec;
    Status s = Load(text, &spec);
    ASSERT_FALSE(s.ok()) << text;
    EXPECT_EQ(s.code(), Status::Code::kInvalidInput) << s.message();
    EXPECT_NE(s.message().find(says), std::string::npos) << s.message();
    EXPECT_NE(s.message().find((here_ / "commands.json").string()), std::string::npos);
  }
  ExternalDbSpec spec;
  Status s = Load(R"({"setup":"s","teardown":"t","upload":["conf/"]})", &spec);
  EXPECT_NE(s.message().find("\"upload\": conf/: no such file or folder (" +
                             (here_ / "conf").string() + ")"),
            std::string::npos)
      << s.message();
}

TEST(ExternalDbSpecJson, RoundTripsTheNewKeysAndReadsAStoredRunWithoutThem) {
  ExternalDbSpec e;
  e.setup = "a";
  e.teardown = "b";
  e.ready = "c";
  e.ready_timeout = 7;
  e.upload = {"x", "y/"};
  e.name = "zk";
  EXPECT_EQ(ExternalDbSpecFromJson(e.ToJson()).ToJson(), e.ToJson());
  const ExternalDbSpec old = ExternalDbSpecFromJson(
      {{"setup", "s"}, {"teardown", "t"}, {"logs", nlohmann::json::array()}, {"port", 1}});
  EXPECT_EQ(old.ready, "");
  EXPECT_EQ(old.ready_timeout, 60);
  EXPECT_TRUE(old.upload.empty());
  EXPECT_EQ(old.name, "");
}

TEST_F(MultiFileTest, UploadsLandInFilesWithTheirModesBeforeSetup) {
  WriteFile(here_ / "node-setup.sh", "#!/bin/sh\necho \"set up $1\" > \"$2\"/setup\n",
            fs::perms(0755));
  WriteFile(here_ / "conf" / "sub" / "b.conf", "b\n", fs::perms(0600));
  ExternalDbSpec spec;
  ASSERT_TRUE(Load(R"({"setup":["{files}/node-setup.sh {node} {dir}",
                                 "cp {here}/commands.json {dir}/copied.json"],
                       "teardown":"true","upload":["node-setup.sh","conf/"]})",
                   &spec)
                  .ok());
  auto db = ExternalDb::Setup(*cluster_, spec, log_);
  ASSERT_TRUE(db.ok()) << db.status().message();
  for (int n = 1; n <= 3; ++n) {
    const fs::path files = Node(n) / "files";
    EXPECT_EQ(ReadFile(Node(n) / "setup"), "set up n" + std::to_string(n) + "\n");
    EXPECT_EQ(fs::status(files / "node-setup.sh").permissions() & fs::perms::mask, fs::perms(0755));
    EXPECT_EQ(ReadFile(files / "conf" / "sub" / "b.conf"), "b\n");
    EXPECT_EQ(fs::status(files / "conf" / "sub" / "b.conf").permissions() & fs::perms::mask,
              fs::perms(0600));
    EXPECT_EQ(ReadFile(Node(n) / "copied.json"), ReadFile(here_ / "commands.json"));
  }
}

TEST_F(MultiFileTest, AListCommandStopsAtItsFirstFailingLine) {
  ExternalDbSpec spec;
  ASSERT_TRUE(Load(R"({"setup":["echo one > {dir}/m","false","echo two >> {dir}/m"],
                       "teardown":["echo bye > {dir}/teardown"]})",
                   &spec)
                  .ok());
  auto db = ExternalDb::Setup(*cluster_, spec, log_);
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.status().message().find("n1: db setup `set -e\n"), std::string::npos)
      << db.status().message();
  for (int n = 1; n <= 3; ++n) {
    EXPECT_EQ(ReadFile(Node(n) / "m"), "one\n");
    EXPECT_EQ(ReadFile(Node(n) / "teardown"), "bye\n");
  }
}

// A `ready` that succeeds on its third try on every node, counting its tries in {dir}/tries.
constexpr char kReadyOnThirdTry[] =
    "n=$(cat {dir}/tries 2>/dev/null || echo 0); echo $((n + 1)) > {dir}/tries; [ $n -ge 2 ]";

class ReadyTest : public MultiFileTest {
 protected:
  ExternalDbSpec Spec(const std::string& ready, double timeout) {
    ExternalDbSpec spec;
    spec.setup = "true";
    spec.teardown = "echo bye > {dir}/teardown";
    spec.ready = ready;
    spec.ready_timeout = timeout;
    return spec;
  }
};

TEST_F(ReadyTest, SetupWaitsUntilReadySucceedsPollingEveryFifthOfASecond) {
  const auto start = std::chrono::steady_clock::now();
  auto db = ExternalDb::Setup(*cluster_, Spec(kReadyOnThirdTry, 10), log_);
  ASSERT_TRUE(db.ok()) << db.status().message();
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, std::chrono::milliseconds(400));  // two waits of 0.2 s
  EXPECT_LT(took, std::chrono::seconds(5));
  for (int n = 1; n <= 3; ++n) EXPECT_EQ(ReadFile(Node(n) / "tries"), "3\n");
}

TEST_F(ReadyTest, ANodeThatNeverBecomesReadyFailsSetupNamingIt) {
  auto db =
      ExternalDb::Setup(*cluster_, Spec("echo still starting >&2; [ {node} != n2 ]", 0.5), log_);
  ASSERT_FALSE(db.ok());
  const std::string m = db.status().message();
  EXPECT_NE(m.find("n2: db not ready within 0.5 s after setup"), std::string::npos) << m;
  EXPECT_NE(m.find("still starting"), std::string::npos) << m;
  EXPECT_EQ(m.find("n1:"), std::string::npos) << m;
  for (int n = 1; n <= 3; ++n) EXPECT_EQ(ReadFile(Node(n) / "teardown"), "bye\n");
}

TEST_F(ReadyTest, StartAndResumeReturnOnceTheNodeIsReadyOrAnErrorNamingIt) {
  ExternalDbSpec spec = Spec("[ -e {dir}/up ]", 0.8);
  spec.setup = "touch {dir}/up";
  spec.kill = "rm {dir}/up";
  spec.start = "(sleep 0.4; touch {dir}/up) >/dev/null 2>&1 &";  // up 0.4 s after it returns
  spec.pause = "rm {dir}/up";
  spec.resume = "true";  // and never up again
  auto db = ExternalDb::Setup(*cluster_, spec, log_);
  ASSERT_TRUE(db.ok()) << db.status().message();
  ASSERT_TRUE((*db)->Kill("n2").ok());
  EXPECT_FALSE(fs::exists(Node(2) / "up"));
  ASSERT_TRUE((*db)->Restart("n2").ok());
  EXPECT_TRUE(fs::exists(Node(2) / "up"));
  ASSERT_TRUE((*db)->Pause("n3").ok());
  Status s = (*db)->Resume("n3");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("n3: db not ready within 0.8 s after resume"), std::string::npos)
      << s.message();
}

}  // namespace
}  // namespace faultline
