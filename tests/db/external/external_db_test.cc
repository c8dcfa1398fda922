// --db external: placeholders, the commands file, the option checks, and ExternalDb running
// its commands on the nodes of a cluster whose "SSH" runs them with /bin/sh here (setup,
// teardown after a failed setup, faults, logs, endpoints).
#include "db/external/external_db.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/db/external/shell_cluster.h"

namespace faultline {
namespace {

namespace fs = std::filesystem;

TEST(SubstitutePlaceholders, QuotesValuesAndLeavesOtherBracesAlone) {
  const std::map<std::string, std::string> vars = {
      {"node", "n1"}, {"dir", "/tmp/a b"}, {"nodes", "n1=x,n2=y"}};
  EXPECT_EQ(SubstitutePlaceholders("mkdir -p {dir}/data && echo {node}", vars),
            "mkdir -p '/tmp/a b'/data && echo 'n1'");
  EXPECT_EQ(SubstitutePlaceholders("awk '{print $1}' f; { true; }; {nodes}", vars),
            "awk '{print $1}' f; { true; }; 'n1=x,n2=y'");
  EXPECT_EQ(SubstitutePlaceholders("{{node}} {unknown} {", vars), "{'n1'} {unknown} {");
  EXPECT_EQ(SubstitutePlaceholders("", vars), "");
}

TEST(SubstitutePlaceholders, AValueCannotBreakOutOfItsQuotes) {
  EXPECT_EQ(SubstitutePlaceholders("echo {node}", {{"node", "x'; rm -rf /; '"}}),
            "echo 'x'\\''; rm -rf /; '\\'''");
}

class DbCommandsFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = fs::temp_directory_path() /
            ("faultline-db-commands-" + std::to_string(::getpid()) + ".json");
  }
  void TearDown() override { fs::remove(path_); }
  Status Load(const std::string& text, ExternalDbSpec* spec) {
    std::ofstream(path_) << text;
    return LoadDbCommandsFile(path_.string(), spec);
  }
  fs::path path_;
};

TEST_F(DbCommandsFileTest, ReadsEveryKey) {
  ExternalDbSpec spec;
  Status s = Load(R"({"setup":"s","teardown":"t","start":"st","kill":"k","pause":"p",
                      "resume":"r","logs":["{dir}/db.log"],"port":2379,"timeout":5.5})",
                  &spec);
  ASSERT_TRUE(s.ok()) << s.message();
  EXPECT_EQ(spec.setup, "s");
  EXPECT_EQ(spec.teardown, "t");
  EXPECT_EQ(spec.start, "st");
  EXPECT_EQ(spec.kill, "k");
  EXPECT_EQ(spec.pause, "p");
  EXPECT_EQ(spec.resume, "r");
  EXPECT_EQ(spec.logs, std::vector<std::string>{"{dir}/db.log"});
  EXPECT_EQ(spec.port, 2379);
  EXPECT_EQ(spec.timeout, 5.5);
  EXPECT_EQ(spec.commands_file, path_.string());
}

TEST_F(DbCommandsFileTest, RefusesWhatIsWrongNamingTheFileAndKey) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"{", "not valid JSON"},
      {"[]", "not a JSON object"},
      {R"({"setup":"s"})", "\"setup\" and \"teardown\" are required"},
      {R"({"setup":"s","teardown":"t","stup":"x"})", "unknown key \"stup\""},
      {R"({"setup":1,"teardown":"t"})", "\"setup\" must be a string"},
      {R"({"setup":"s","teardown":"t","logs":"f"})", "\"logs\" must be a list"},
      {R"({"setup":"s","teardown":"t","logs":[""]})", "\"logs\" must be a list"},
      {R"({"setup":"s","teardown":"t","port":70000})", "\"port\" must be an integer 1..65535"},
      {R"({"setup":"s","teardown":"t","timeout":0})", "\"timeout\" must be > 0"},
  };
  for (const auto& [text, says] : cases) {
    ExternalDbSpec spec;
    Status s = Load(text, &spec);
    ASSERT_FALSE(s.ok()) << text;
    EXPECT_NE(s.message().find(says), std::string::npos) << s.message();
    EXPECT_NE(s.message().find(path_.string()), std::string::npos) << s.message();
  }
}

TEST_F(DbCommandsFileTest, RefusesBeingCombinedWithTheFlags) {
  ExternalDbSpec spec;
  spec.setup = "already";
  EXPECT_FALSE(Load(R"({"setup":"s","teardown":"t"})", &spec).ok());
  ExternalDbSpec missing;
  EXPECT_FALSE(LoadDbCommandsFile("/nonexistent/commands.json", &missing).ok());
}

TEST(ExternalDbSpec, RoundTripsThroughJson) {
  ExternalDbSpec e;
  e.setup = "a";
  e.teardown = "b";
  e.kill = "c";
  e.logs = {"x", "y"};
  e.port = 9;
  e.timeout = 3;
  const ExternalDbSpec back = ExternalDbSpecFromJson(e.ToJson());
  EXPECT_EQ(back.ToJson(), e.ToJson());
}

class ExternalDbTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("faultline-external-db-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    cluster_ = std::make_unique<ShellCluster>(root_, 3);
  }
  void TearDown() override { fs::remove_all(root_); }
  std::string Marker(int node, const std::string& name) {
    return ReadFile(root_ / ("n" + std::to_string(node)) / name);
  }
  fs::path root_;
  std::unique_ptr<ShellCluster> cluster_;
  RunLog log_;
};

TEST_F(ExternalDbTest, SetsUpEveryNodeWithItsPlaceholdersAndTearsDownAtTheEnd) {
  ExternalDbSpec spec;
  spec.setup = "echo {node} {address} {port} {nodes} > {dir}/setup";
  spec.teardown = "echo bye > {dir}/teardown";
  spec.port = 4000;
  {
    auto db = ExternalDb::Setup(*cluster_, spec, log_);
    ASSERT_TRUE(db.ok()) << db.status().message();
    EXPECT_EQ(Marker(2, "setup"),
              "n2 10.1.0.2 4000 n1=10.1.0.1:4000,n2=10.1.0.2:4000,n3=10.1.0.3:4000\n");
    EXPECT_EQ(Marker(2, "teardown"), "");
    EXPECT_EQ((*db)->Nodes(), (std::vector<std::string>{"n1", "n2", "n3"}));
    EXPECT_FALSE((*db)->Primary().has_value());
    auto endpoints = (*db)->ClientEndpoints();
    ASSERT_TRUE(endpoints.ok());
    EXPECT_EQ(endpoints->at(2).name, "n3");
    EXPECT_EQ(endpoints->at(2).host, "10.1.0.3");
    EXPECT_EQ(endpoints->at(2).port, 4000);
    EXPECT_FALSE((*db)->OpenClient("n1").ok());
  }
  for (int n = 1; n <= 3; ++n) EXPECT_EQ(Marker(n, "teardown"), "bye\n");
}

TEST_F(ExternalDbTest, UserPlaceholdersFromDbVarReachEveryCommand) {
  ExternalDbSpec spec;
  spec.setup = "echo {node} {sync} {mode} > {dir}/setup";
  spec.teardown = "true";
  spec.vars = {"sync=off; touch pwned", "mode=a b"};
  {
    auto db = ExternalDb::Setup(*cluster_, spec, log_);
    ASSERT_TRUE(db.ok()) << db.status().message();
    EXPECT_EQ(Marker(1, "setup"), "n1 off; touch pwned a b\n");
  }
  EXPECT_FALSE(ParseDbVars({"nonsense"}).ok());
  EXPECT_FALSE(ParseDbVars({"a-b=1"}).ok());
  EXPECT_FALSE(ParseDbVars({"dir=/tmp"}).ok());
  EXPECT_EQ(ParseDbVars({"x=1=2"})->at("x"), "1=2");
}

TEST_F(ExternalDbTest, AFailedSetupNamesTheNodeAndCommandAndTearsDownEverywhere) {
  ExternalDbSpec spec;
  spec.setup = "touch {dir}/setup; if [ {node} = n2 ]; then echo 'port 4000 taken' >&2; exit 3; fi";
  spec.teardown = "echo bye > {dir}/teardown";
  auto db = ExternalDb::Setup(*cluster_, spec, log_);
  ASSERT_FALSE(db.ok());
  const std::string m = db.status().message();
  EXPECT_NE(m.find("n2: db setup `touch "), std::string::npos) << m;
  EXPECT_NE(m.find("exited 3"), std::string::npos) << m;
  EXPECT_NE(m.find("port 4000 taken"), std::string::npos) << m;
  EXPECT_EQ(m.find("n1:"), std::string::npos) << m;
  for (int n = 1; n <= 3; ++n) EXPECT_EQ(Marker(n, "teardown"), "bye\n");
}

TEST_F(ExternalDbTest, FaultsRunTheirCommandsOrAreUnsupported) {
  ExternalDbSpec spec;
  spec.setup = "true";
  spec.teardown = "true";
  spec.kill = "echo killed >> {dir}/faults";
  spec.start = "echo started >> {dir}/faults";
  auto db = ExternalDb::Setup(*cluster_, spec, log_);
  ASSERT_TRUE(db.ok()) << db.status().message();
  EXPECT_TRUE((*db)->Kill("n3").ok());
  EXPECT_TRUE((*db)->Restart("n3").ok());
  EXPECT_EQ(Marker(3, "faults"), "killed\nstarted\n");
  Status pause = (*db)->Pause("n1");
  EXPECT_EQ(pause.code(), Status::Code::kUnsupported);
  EXPECT_NE(pause.message().find("\"pause\""), std::string::npos);
  EXPECT_FALSE((*db)->Kill("n9").ok());
  EXPECT_FALSE((*db)->ClockFaultsSupported().ok());
}

TEST_F(ExternalDbTest, AFailingFaultCommandIsAnError) {
  ExternalDbSpec spec;
  spec.setup = "true";
  spec.teardown = "true";
  spec.kill = "echo no such process >&2; exit 1";
  auto db = ExternalDb::Setup(*cluster_, spec, log_);
  ASSERT_TRUE(db.ok());
  Status s = (*db)->Kill("n1");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("no such process"), std::string::npos) << s.message();
}

TEST_F(ExternalDbTest, CollectsTheNamedLogsOfEveryNode) {
  ExternalDbSpec spec;
  spec.setup = "echo log of {node} > {dir}/db.log";
  spec.teardown = "true";
  spec.logs = {"{dir}/db.log"};
  auto db = ExternalDb::Setup(*cluster_, spec, log_);
  ASSERT_TRUE(db.ok()) << db.status().message();
  const fs::path out = root_ / "collected";
  ASSERT_TRUE((*db)->CollectLogs(out.string()).ok());
  EXPECT_EQ(ReadFile(out / "n2" / "db.log"), "log of n2\n");
  fs::remove(root_ / "n1" / "db.log");
  Status missing = (*db)->CollectLogs(out.string());
  EXPECT_FALSE(missing.ok());
  EXPECT_NE(missing.message().find("n1: log"), std::string::npos) << missing.message();
}

}  // namespace
}  // namespace faultline
