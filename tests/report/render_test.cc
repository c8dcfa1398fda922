// report.html: the run's data is embedded intact, no value can inject markup or script, and
// no secret from the options appears anywhere in the page.
#include "report/render.h"

#include <gtest/gtest.h>

#include "core/history_io.h"
#include "report/html.h"

namespace faultline {
namespace {

constexpr const char* kHostile = "</script><script>alert(1)</script><!--";

// A run whose every string field carries a hostile value and whose options hold secrets.
RunData HostileRun() {
  RunData run;
  run.run_dir = "results/x/20261121T235420";
  run.history_path = "results/x/20261121T235420/history.jsonl";
  const std::string key = nlohmann::json(kHostile).dump();
  const std::string text =
      "{\"time\":1000,\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"key\":" + key +
      ",\"value\":1}\n"
      "{\"time\":2000,\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"key\":" +
      key +
      ",\"value\":1}\n"
      "{\"time\":2500,\"process\":\"nemesis\",\"type\":\"info\",\"f\":\"kill\",\"value\":" +
      key +
      "}\n"
      "{\"time\":3000,\"process\":1,\"type\":\"invoke\",\"f\":\"read\",\"key\":" +
      key +
      ",\"value\":null}\n"
      "{\"time\":4000,\"process\":1,\"type\":\"ok\",\"f\":\"read\",\"key\":" +
      key + ",\"value\":" + key +
      "}\n"
      "{\"time\":5000,\"process\":2,\"type\":\"invoke\",\"f\":\"write\",\"key\":\"k2\",\"value\":2}"
      "\n"
      "{\"time\":6000,\"process\":2,\"type\":\"fail\",\"f\":\"write\",\"key\":\"k2\",\"value\":2,"
      "\"error\":" +
      key + "}\n";
  auto loaded = ParseHistory(text, "hostile.jsonl", HistoryFormat::kJsonl);
  EXPECT_TRUE(loaded.ok()) << loaded.status().message();
  run.history = std::move(loaded->history);
  run.test = {{"name", kHostile},
              {"db", "builtin"},
              {"workload", "register"},
              {"seed", 42},
              {"nemesis", {"kill"}},
              {"db_password", "hunter2-secret-value"},
              {"ssh", {{"key", "/root/.ssh/id_ed25519"}, {"passphrase", "hunter3-secret-value"}}},
              {"dsn", "postgres://app:hunter4-secret-value@db/x"}};
  const nlohmann::json step = {
      {"op_index", 3}, {"process", 1}, {"op", kHostile}, {"why", kHostile}};
  const nlohmann::json prefix = {
      {"op_index", 0}, {"process", 0}, {"op", "write 1"}, {"state_after", kHostile}};
  run.results = {{"verdict", "invalid"},
                 {"checkers",
                  {{"linearizability",
                    {{"verdict", "invalid"},
                     {"model", "cas-register"},
                     {"keys", 2},
                     {"invalid_keys", 1},
                     {"ops", 3},
                     {"problems",
                      {{{"key", kHostile},
                        {"verdict", "invalid"},
                        {"method", "search"},
                        {"explanation", kHostile},
                        {"prefix_length", 1},
                        {"prefix", {prefix}},
                        {"unplaced", {step, step}}}}}}}}}};
  return run;
}

size_t Count(const std::string& haystack, const std::string& needle) {
  size_t n = 0;
  for (size_t at = haystack.find(needle); at != std::string::npos;
       at = haystack.find(needle, at + 1))
    ++n;
  return n;
}

// The text between <script … id="ID"> and the next </script>.
std::string ScriptBlock(const std::string& html, const std::string& id) {
  const size_t open = html.find("id=\"" + id + "\">");
  if (open == std::string::npos) return "";
  const size_t start = html.find('>', open) + 1;
  return html.substr(start, html.find("</script>", start) - start);
}

TEST(RenderReport, NoValueInjectsMarkup) {
  const std::string html = RenderReport(HostileRun());
  // Exactly our three script blocks end, and the hostile payload never appears raw.
  EXPECT_EQ(Count(html, "</script>"), 3u);
  EXPECT_EQ(Count(html, "<script>alert"), 0u);
  EXPECT_EQ(Count(html, "<!--"), 0u);
  EXPECT_GT(Count(html, EscapeHtml(kHostile)), 3u);  // shown, escaped: title, key, explanation…
}

TEST(RenderReport, EmbedsTheRunData) {
  const std::string html = RenderReport(HostileRun());
  const nlohmann::json meta = nlohmann::json::parse(ScriptBlock(html, "fl-meta"));
  EXPECT_EQ(meta["ops"]["count"], 3);
  EXPECT_EQ(meta["ops"]["keys"][0], kHostile);  // intact after the round trip
  EXPECT_EQ(meta["faults"].size(), 1u);
  EXPECT_EQ(meta["faults"][0][2], "kill");
  EXPECT_EQ(meta["faults"][0][3], kHostile);
  ASSERT_EQ(meta["problems"].size(), 1u);
  EXPECT_EQ(meta["problems"][0]["key"], kHostile);
  EXPECT_EQ(meta["problems"][0]["unplaced"].size(), 1u);  // the duplicate step is dropped
  EXPECT_EQ(meta["anomaly_ops"], nlohmann::json({3}));
  EXPECT_TRUE(meta["real_time"]);
  const std::string ops = ScriptBlock(html, "fl-ops");
  EXPECT_FALSE(ops.empty());
  EXPECT_EQ(
      ops.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="),
      std::string::npos);
}

TEST(RenderReport, ShowsNoSecret) {
  const std::string html = RenderReport(HostileRun());
  EXPECT_EQ(html.find("hunter2-secret-value"), std::string::npos);
  EXPECT_EQ(html.find("hunter3-secret-value"), std::string::npos);
  EXPECT_EQ(html.find("hunter4-secret-value"), std::string::npos);
  EXPECT_NE(html.find("/root/.ssh/id_ed25519"), std::string::npos);  // a key path is fine
  EXPECT_NE(html.find("(redacted)"), std::string::npos);
}

TEST(RenderReport, ShowsVerdictsFactsAndCounterexample) {
  const std::string html = RenderReport(HostileRun());
  EXPECT_NE(html.find("id=\"overall-verdict\">invalid<"), std::string::npos);
  EXPECT_NE(html.find("1 of 2 keys not linearizable"), std::string::npos);
  EXPECT_NE(html.find("id=\"timeline\""), std::string::npos);
  EXPECT_NE(html.find("id=\"problem-0\""), std::string::npos);
  EXPECT_NE(html.find("class=\"cx-diagram\""), std::string::npos);
  EXPECT_NE(html.find("<td>kill</td>"), std::string::npos);             // the faults table
  EXPECT_NE(html.find("<th>seed</th><td>42</td>"), std::string::npos);  // facts
  EXPECT_NE(html.find("<span class=\"name\">seed</span> <span class=\"value\">42</span>"),
            std::string::npos);  // options
}

// The database row: test.json's "db_label"; a run stored before it, from its flat options.
TEST(RenderReport, LabelsTheDatabaseWithItsOwnLabel) {
  RunData run = HostileRun();
  run.test = {{"db", {{"name", "external"}, {"db_name", "zk"}}},
              {"db_label", "external: zk"},
              {"workload", "register"}};
  std::string html = RenderReport(run);
  EXPECT_NE(html.find("<th>database</th><td>external: zk</td>"), std::string::npos);
  EXPECT_EQ(html.find("primary replication"), std::string::npos);
  run.test = {{"db", "builtin"}, {"replication", "quorum"}, {"r", 2}, {"w", 0}};
  html = RenderReport(run);
  EXPECT_NE(html.find("<th>database</th><td>builtin · quorum replication (r 2, w 0; 0 = "
                      "majority)</td>"),
            std::string::npos);
}

// A replay's facts say which run it replays; other runs have no such row.
TEST(RenderReport, SaysWhichRunAReplayReplays) {
  RunData run = HostileRun();
  EXPECT_EQ(RenderReport(run).find("<th>replay of</th>"), std::string::npos);
  run.test["replay_of"] = "/results/register/20261207T101500";
  EXPECT_NE(RenderReport(run).find("<th>replay of</th><td>/results/register/20261207T101500 (its "
                                   "seed and recorded fault schedule: faultline replay)</td>"),
            std::string::npos);
}

TEST(RenderReport, DrawsAnUncheckedRun) {
  RunData run = HostileRun();
  run.results = nullptr;
  run.test = nullptr;
  const std::string html = RenderReport(run);
  EXPECT_NE(html.find("not checked"), std::string::npos);
  EXPECT_EQ(html.find("id=\"anomalies\""), std::string::npos);
}

TEST(RenderReport, LimitsEmbeddedPrefixesToTheBudget) {
  RunData run = HostileRun();
  RenderLimits limits;
  limits.counterexample_budget = 0;
  const std::string html = RenderReport(run, limits);
  const nlohmann::json meta = nlohmann::json::parse(ScriptBlock(html, "fl-meta"));
  EXPECT_TRUE(meta["problems"][0]["prefix_omitted"]);
  EXPECT_EQ(meta["problems"][0]["unplaced"].size(), 1u);  // always kept
}

}  // namespace
}  // namespace faultline
