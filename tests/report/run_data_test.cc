// Loading a run folder: from `faultline test` and from `faultline check --out`.
#include "report/run_data.h"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "report/report.h"
#include "tests/report/temp_dir.h"

namespace faultline {
namespace {

namespace fs = std::filesystem;

constexpr const char* kHistory =
    "{\"time\":1000,\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"value\":1}\n"
    "{\"time\":2000,\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"value\":1}\n";

TEST(LoadRun, ReadsARunFolder) {
  TempDir dir;
  WriteFile(fs::path(dir.path()) / "history.jsonl", kHistory);
  WriteFile(fs::path(dir.path()) / "test.json", R"({"name":"register"})");
  WriteFile(fs::path(dir.path()) / "results.json", R"({"verdict":"valid","checkers":{}})");
  auto run = LoadRun(dir.path());
  ASSERT_TRUE(run.ok()) << run.status().message();
  EXPECT_EQ(run->history.size(), 2u);
  EXPECT_EQ(run->test["name"], "register");
  EXPECT_EQ(run->results["verdict"], "valid");
}

TEST(LoadRun, FollowsTheHistoryACheckOutFolderNames) {
  TempDir dir;
  const fs::path history = fs::path(dir.path()) / "elsewhere.jsonl";
  WriteFile(history, kHistory);
  WriteFile(
      fs::path(dir.path()) / "out/results.json",
      R"({"command":"check","verdict":"invalid","files":[{"file":")" + history.string() +
          R"(","format":"jsonl","verdict":"invalid","linearizability":{"verdict":"invalid","problems":[]}}]})");
  auto run = LoadRun((fs::path(dir.path()) / "out").string());
  ASSERT_TRUE(run.ok()) << run.status().message();
  EXPECT_EQ(run->history_path, history.string());
  EXPECT_TRUE(run->test.is_null());
  EXPECT_EQ(run->results["verdict"], "invalid");
  EXPECT_EQ(run->results["checkers"]["linearizability"]["verdict"], "invalid");
}

// `check --checker causal,bank` keeps each checker's detail under its name in the file's entry.
TEST(NormaliseResults, KeepsEveryCheckerACheckRan) {
  const nlohmann::json raw = nlohmann::json::parse(
      R"({"command":"check","verdict":"invalid","files":[{"file":"h.jsonl","verdict":"invalid",)"
      R"("causal":{"checker":"causal","verdict":"invalid"},"bank":{"checker":"bank",)"
      R"("verdict":"valid"},"format":"jsonl"}]})");
  const nlohmann::json out = NormaliseResults(raw, "h.jsonl");
  EXPECT_EQ(out["verdict"], "invalid");
  EXPECT_EQ(out["checkers"]["causal"]["verdict"], "invalid");
  EXPECT_EQ(out["checkers"]["bank"]["verdict"], "valid");
  EXPECT_FALSE(out["checkers"].contains("linearizability"));
  EXPECT_FALSE(out["checkers"].contains("format"));
}

TEST(LoadRun, NamesWhatIsMissing) {
  TempDir dir;
  auto run = LoadRun(dir.path());
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.status().message().find("no history.jsonl"), std::string::npos);
  WriteFile(fs::path(dir.path()) / "history.jsonl", kHistory);
  WriteFile(fs::path(dir.path()) / "results.json", "{not json");
  run = LoadRun(dir.path());
  ASSERT_FALSE(run.ok());
  EXPECT_NE(run.status().message().find("results.json: not valid JSON"), std::string::npos);
}

TEST(WriteReport, WritesReportHtmlIntoTheRunFolder) {
  TempDir dir;
  WriteFile(fs::path(dir.path()) / "history.jsonl", kHistory);
  auto path = WriteReport(dir.path());
  ASSERT_TRUE(path.ok()) << path.status().message();
  EXPECT_EQ(*path, (fs::path(dir.path()) / "report.html").string());
  EXPECT_GT(fs::file_size(*path), 1000u);
  EXPECT_FALSE(fs::exists(*path + ".tmp"));
}

TEST(RunTimeFromDirName, ReadsTheRunFolderName) {
  EXPECT_EQ(RunTimeFromDirName("20261121T235420"), "2026-11-21 23:54:20");
  EXPECT_EQ(RunTimeFromDirName("20261121T235420-2"), "2026-11-21 23:54:20");
  EXPECT_EQ(RunTimeFromDirName("mine"), "");
  EXPECT_EQ(RunTimeFromDirName("20261121X235420"), "");
}

}  // namespace
}  // namespace faultline
