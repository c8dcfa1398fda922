// results/index.html lists every run with its verdict and a link to its report.
#include "report/index.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "report/report.h"
#include "tests/report/temp_dir.h"

namespace faultline {
namespace {

namespace fs = std::filesystem;

TEST(ResultsIndex, ListsRunsNewestFirstWithVerdictsAndLinks) {
  TempDir root;
  const fs::path r(root.path());
  WriteFile(
      r / "register/20261121T235408/test.json",
      R"({"name":"register","db":"builtin","workload":"register","nemesis":[],"replication":"primary"})");
  WriteFile(r / "register/20261121T235408/results.json",
            R"({"verdict":"valid","stats":{"seconds":5.2}})");
  WriteFile(r / "register/20261121T235408/report.html", "<html></html>");
  WriteFile(
      r / "async/20261122T010000/test.json",
      R"({"name":"<i>async</i>","db":"builtin","workload":"register","nemesis":["kill-primary"],"db_password":"hunter2"})");
  WriteFile(r / "async/20261122T010000/results.json",
            R"({"verdict":"invalid","interrupted":true})");
  WriteFile(r / "crashed/20261120T000000/test.json", R"({"name":"crashed"})");
  WriteFile(r / "mine/results.json",
            R"({"verdict":"unknown","files":[]})");  // faultline check --out
  fs::create_directory_symlink(r / "register/20261121T235408", r / "latest");

  auto written = WriteResultsIndex(root.path());
  ASSERT_TRUE(written.ok()) << written.status().message();
  std::ifstream in(*written);
  const std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());

  const auto runs = ScanRuns(root.path());
  EXPECT_EQ(runs.size(), 4u);  // latest is a link, not a run
  const size_t async_at = html.find("&lt;i&gt;async&lt;/i&gt;"),
               register_at = html.find(">register<");
  ASSERT_NE(async_at, std::string::npos);
  ASSERT_NE(register_at, std::string::npos);
  EXPECT_LT(async_at, register_at);  // newest first
  EXPECT_NE(html.find("class=\"verdict invalid\">invalid (interrupted)"), std::string::npos);
  EXPECT_NE(html.find("class=\"verdict valid\">valid"), std::string::npos);
  EXPECT_NE(html.find("class=\"verdict unknown\">incomplete"), std::string::npos);
  EXPECT_NE(html.find("href=\"register/20261121T235408/report.html\""), std::string::npos);
  EXPECT_NE(html.find("href=\"async/20261122T010000/results.json\""), std::string::npos);
  EXPECT_NE(html.find("5.20 s"), std::string::npos);
  EXPECT_NE(html.find("kill-primary"), std::string::npos);
  EXPECT_NE(html.find("2026-11-22 01:00:00"), std::string::npos);
  EXPECT_EQ(html.find("hunter2"), std::string::npos);
  EXPECT_EQ(html.find("<i>"), std::string::npos);
}

// A run's "db_label" is its database's own; runs stored before it keep the old label.
TEST(ResultsIndex, LabelsEachRunWithItsDatabasesOwnLabel) {
  TempDir root;
  const fs::path r(root.path());
  WriteFile(r / "zk/20261201T100000/test.json",
            R"({"name":"zk","db":{"name":"external","db_name":"zookeeper"},"workload":"register",
                "nemesis":[],"db_label":"external: zookeeper"})");
  WriteFile(
      r / "old/20261121T235408/test.json",
      R"({"name":"old","db":"builtin","workload":"register","nemesis":[],"replication":"primary"})");
  auto written = WriteResultsIndex(root.path());
  ASSERT_TRUE(written.ok()) << written.status().message();
  std::ifstream in(*written);
  const std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(html.find("<td>external: zookeeper</td>"), std::string::npos) << html;
  EXPECT_EQ(html.find("external (primary)"), std::string::npos);
  EXPECT_NE(html.find("<td>builtin (primary)</td>"), std::string::npos);
}

// A sweep folder is listed as a sweep; its runs, deeper inside it, are not listed as runs.
TEST(ResultsIndex, ListsSweepsBesideRunsButNotTheirRuns) {
  TempDir root;
  const fs::path r(root.path());
  WriteFile(r / "register/20261121T235408/test.json", R"({"name":"register"})");
  const fs::path sweep = r / "register-sweep/20261207T163000";
  WriteFile(sweep / "sweep.json",
            R"({"format":1,"name":"<b>reg</b>-sweep","started":"2026-12-07 16:30:00","cells":[
                {"id":"c-1","outcome":"surprise-invalid"},{"id":"c-2","outcome":"as-predicted"},
                {"id":"c-3","outcome":"surprise-never-caught"}]})");
  WriteFile(sweep / "sweep.html", "<html></html>");
  WriteFile(sweep / "runs/c-1-s1/20261207T163001/test.json", R"({"name":"c-1"})");
  WriteFile(sweep / "runs/c-1-s1/20261207T163001/results.json", R"({"verdict":"invalid"})");
  WriteFile(r / "old-sweep/20261201T000000/sweep.json", R"({"format":9})");  // unreadable
  fs::create_directory_symlink(sweep, r / "register-sweep-latest");

  EXPECT_EQ(ScanRuns(root.path()).size(), 1u);
  const auto sweeps = ScanSweeps(root.path());
  ASSERT_EQ(sweeps.size(), 2u);
  auto written = WriteResultsIndex(root.path());
  ASSERT_TRUE(written.ok()) << written.status().message();
  std::ifstream in(*written);
  const std::string html((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_NE(html.find("<h2>Sweeps</h2>"), std::string::npos) << html;
  EXPECT_NE(html.find("<td>2026-12-07 16:30:00</td><td>&lt;b&gt;reg&lt;/b&gt;-sweep</td><td "
                      "class=\"num\">3</td><td class=\"num surprises\">2</td>"),
            std::string::npos)
      << html;
  EXPECT_NE(html.find("href=\"register-sweep/20261207T163000/sweep.html\""), std::string::npos);
  // The unreadable one is listed with why, linked to its sweep.json.
  EXPECT_NE(html.find("href=\"old-sweep/20261201T000000/sweep.json\""), std::string::npos);
  EXPECT_NE(html.find("got format 9"), std::string::npos);
  EXPECT_NE(html.find("1 runs · 0 invalid · 2 sweeps"), std::string::npos);
  EXPECT_EQ(html.find("c-1-s1"), std::string::npos);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
}

TEST(ResultsIndex, RefusesAMissingRoot) {
  EXPECT_FALSE(WriteResultsIndex("/nonexistent/faultline-results").ok());
}

}  // namespace
}  // namespace faultline
