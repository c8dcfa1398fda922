// A run's summary for a sweep (docs/sweep.md) from hand-written run folders, and the merge of
// a cell's runs.
#include "report/run_summary.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "tests/report/temp_dir.h"

namespace faultline {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// Client ops: two ok (latencies 100 and 500 ms), an info, a fail, one never completed; a kill
// of n1 from 1.2 s until n1 is back at 3.2 s; a kill-primary that found no primary (an error,
// never ended).
constexpr const char* kHistory =
    R"({"time":1000000000,"process":0,"type":"invoke","f":"write","key":"k1","value":1}
{"time":1100000000,"process":0,"type":"ok","f":"write","key":"k1","value":1}
{"time":1200000000,"process":"nemesis","type":"invoke","f":"kill","value":"n1"}
{"time":1300000000,"process":"nemesis","type":"info","f":"kill","value":"n1"}
{"time":2000000000,"process":1,"type":"invoke","f":"read","key":"k1","value":null}
{"time":2500000000,"process":1,"type":"ok","f":"read","key":"k1","value":0}
{"time":3000000000,"process":"nemesis","type":"invoke","f":"start","value":"n1"}
{"time":3200000000,"process":"nemesis","type":"info","f":"start","value":"n1"}
{"time":3300000000,"process":"nemesis","type":"invoke","f":"kill","value":"primary"}
{"time":3400000000,"process":"nemesis","type":"info","f":"kill","value":"primary","error":"no primary is known"}
{"time":3500000000,"process":2,"type":"invoke","f":"write","key":"k2","value":5}
{"time":4000000000,"process":2,"type":"info","f":"write","key":"k2","value":5}
{"time":4100000000,"process":3,"type":"invoke","f":"read","key":"k2","value":null}
{"time":4200000000,"process":3,"type":"fail","f":"read","key":"k2","value":null}
{"time":4300000000,"process":4,"type":"invoke","f":"read","key":"k2","value":null}
)";

// Line times above, in seconds, by history index: 0 → 1.0, 4 → 2.0, 10 → 3.5, 12 → 4.1.
constexpr const char* kRegisterResults = R"({"verdict":"invalid","checkers":{
  "linearizability":{"checker":"linearizability","verdict":"invalid","problems":[
    {"key":"k1","verdict":"invalid","method":"impossible-op",
     "explanation":"not linearizable: read 0 needs 0","unplaced":[{"op_index":4},{"op_index":99}]},
    {"key":"k2","verdict":"unknown","method":"search","explanation":"search stopped",
     "unplaced":[{"op_index":0}]},
    {"key":"k3","verdict":"invalid","method":"search","explanation":"not linearizable: k3",
     "unplaced":[{"op_index":10}]}]},
  "causal":{"checker":"causal","verdict":"invalid","violations":[
    {"name":"read-your-writes","key":"k1","op_indices":[10],"explanation":"first ryw"},
    {"name":"monotonic-reads","key":"k2","op_indices":[12],"explanation":"mr"},
    {"name":"read-your-writes","key":"k1","op_indices":[4,10],"explanation":"second ryw"}]}}})";

std::string MakeRun(const TempDir& root, const std::string& name, const std::string& results) {
  const fs::path dir = fs::path(root.path()) / name;
  WriteFile(dir / "test.json", R"({"name":"register","db":"builtin"})");
  WriteFile(dir / "history.jsonl", kHistory);
  if (!results.empty()) WriteFile(dir / "results.json", results);
  return dir.string();
}

json Anomaly(const json& summary, const std::string& checker, const std::string& kind) {
  for (const json& a : summary["anomalies"]) {
    if (a["checker"] == checker && a["kind"] == kind) return a;
  }
  return nullptr;
}

TEST(SummarizeRun, NamesALinearizabilityProblemAsItsWitnessDoes) {
  // k3 has a witness (ops 0 and 4 invoked at 1.0 and 2.0 s); k1 has none and keeps the
  // checker's own name and explanation.
  json results = json::parse(kRegisterResults);
  results["witnesses"] = json::parse(R"([
    {"checker":"linearizability","key":"k3","kind":"lost-write","sentence":"write 1 was lost",
     "fault":"0.8 s after kill n1","ops":[{"index":4},{"index":0}]},
    {"checker":"causal","key":"k1","kind":"read-your-writes","sentence":"not this one","ops":[]}])");
  TempDir root;
  auto s = SummarizeRun(MakeRun(root, "run", results.dump()));
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(Anomaly(*s, "linearizability", "lost-write"),
            json::parse(R"js({"checker":"linearizability","kind":"lost-write","count":1,
                    "example":"key k3: write 1 was lost (0.8 s after kill n1)","at_s":1.0})js"));
  EXPECT_EQ(Anomaly(*s, "linearizability", "impossible op")["count"], 1);
  EXPECT_EQ(Anomaly(*s, "linearizability", "not linearizable"), nullptr);
}

TEST(SummarizeRun, GivesEveryFieldOfAnInvalidRun) {
  TempDir root;
  const std::string dir = MakeRun(root, "run", kRegisterResults);
  WriteFile(fs::path(dir) / "report.html", "<html></html>");
  auto s = SummarizeRun(dir);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ((*s)["verdict"], "invalid");
  EXPECT_EQ((*s)["checkers"], json::parse(R"({"causal":"invalid","linearizability":"invalid"})"));
  ASSERT_EQ((*s)["anomalies"].size(), 4u) << s->dump(1);
  // Two read-your-writes: the first one's example, the earliest op of either (line 4, 2.0 s).
  EXPECT_EQ(Anomaly(*s, "causal", "read-your-writes"),
            json::parse(R"({"checker":"causal","kind":"read-your-writes","count":2,
                            "example":"first ryw","at_s":2.0})"));
  EXPECT_EQ(Anomaly(*s, "causal", "monotonic-reads")["at_s"], 4.1);
  // The undecided key k2 is no anomaly; line 99 is not in the history and is ignored.
  EXPECT_EQ(Anomaly(*s, "linearizability", "impossible op"),
            json::parse(R"({"checker":"linearizability","kind":"impossible op","count":1,
                            "example":"key k1: not linearizable: read 0 needs 0","at_s":2.0})"));
  EXPECT_EQ(Anomaly(*s, "linearizability", "not linearizable")["at_s"], 3.5);
  EXPECT_EQ((*s)["first_anomaly_s"], 2.0);
  EXPECT_EQ((*s)["ok"], 2);
  EXPECT_EQ((*s)["attempted"], 4);  // ok + fail + info; the op never completed is not counted
  EXPECT_EQ((*s)["availability"], 0.5);
  EXPECT_EQ((*s)["seconds"], 3.2);        // first invoke to last completion
  EXPECT_EQ((*s)["ok_per_second"], 0.6);  // 2 / 3.2, one decimal
  EXPECT_EQ((*s)["p50_ms"], 500.0);
  EXPECT_EQ((*s)["p99_ms"], 500.0);
  // Two kills began: n1 for 2.0 s (issued 1.2 s, back 3.2 s); kill-primary could not act and
  // held nothing, so it adds no seconds although it was never ended.
  EXPECT_EQ((*s)["faults"],
            json::parse(R"([{"f":"kill","count":2,"seconds":2.0,"could_not_act":1}])"));
  EXPECT_EQ((*s)["report"], "report.html");
}

TEST(SummarizeRun, CountsBankAndCounterInvariantsAndWhatTheyLeftUnlisted) {
  TempDir root;
  const std::string dir = MakeRun(root, "run", R"({"verdict":"invalid","checkers":{
    "bank":{"checker":"bank","verdict":"invalid","bad_reads_total":5,"bad_reads":[
      {"op_index":4,"kind":"wrong-total","explanation":"read 4 sums to 29"},
      {"op_index":0,"kind":"negative","explanation":"account 2 is -1"}]},
    "counter":{"checker":"counter","verdict":"invalid","errors":1,"notes":1,"problems":[
      {"name":"stale-read","error":false,"op_indices":[0],"explanation":"a note"},
      {"name":"non-monotonic","error":true,"op_indices":[12],"explanation":"p3 read less"}]},
    "mystery":{"verdict":"invalid","explanation":"mystery: the checker failed"},
    "quiet":{"verdict":"unknown","explanation":"out of time"}}})");
  auto s = SummarizeRun(dir);
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(Anomaly(*s, "bank", "wrong-total")["at_s"], 2.0);
  EXPECT_EQ(Anomaly(*s, "bank", "negative")["example"], "account 2 is -1");
  const json unlisted = Anomaly(*s, "bank", "unlisted");
  EXPECT_EQ(unlisted["count"], 3);
  EXPECT_TRUE(unlisted["at_s"].is_null());
  EXPECT_EQ(Anomaly(*s, "counter", "non-monotonic")["at_s"], 4.1);
  EXPECT_TRUE(Anomaly(*s, "counter", "stale-read").is_null());  // a note is no anomaly
  EXPECT_TRUE(Anomaly(*s, "counter", "unlisted").is_null());
  EXPECT_EQ(Anomaly(*s, "mystery", "invalid"),
            json::parse(R"({"checker":"mystery","kind":"invalid","count":1,
                            "example":"mystery: the checker failed","at_s":null})"));
  EXPECT_EQ((*s)["anomalies"].size(), 5u) << s->dump(1);
  EXPECT_EQ((*s)["checkers"]["quiet"], "unknown");
  EXPECT_EQ((*s)["first_anomaly_s"], 1.0);  // the negative balance read at line 0
  EXPECT_TRUE((*s)["report"].is_null());
}

// A run faultline did not finish checking is summarised from what it left.
TEST(SummarizeRun, CallsARunWithoutResultsIncomplete) {
  TempDir root;
  auto s = SummarizeRun(MakeRun(root, "crashed", ""));
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ((*s)["verdict"], "incomplete");
  EXPECT_EQ((*s)["checkers"], json::object());
  EXPECT_EQ((*s)["anomalies"], json::array());
  EXPECT_TRUE((*s)["first_anomaly_s"].is_null());
  EXPECT_EQ((*s)["ok"], 2);
  EXPECT_EQ((*s)["faults"][0]["count"], 2);
}

// A history without times (Porcupine and some EDN histories) gives no times, not zeros.
TEST(SummarizeRun, GivesNoTimesForAHistoryWithout) {
  TempDir root;
  const fs::path dir = fs::path(root.path()) / "untimed";
  WriteFile(dir / "history.jsonl",
            R"({"process":0,"type":"invoke","f":"write","value":1}
{"process":0,"type":"ok","f":"write","value":1}
{"process":"nemesis","type":"info","f":"kill","value":"n1"}
{"process":1,"type":"invoke","f":"read","value":null}
{"process":1,"type":"ok","f":"read","value":0}
)");
  WriteFile(dir / "results.json", R"({"verdict":"invalid","checkers":{"causal":{"checker":"causal",
    "verdict":"invalid","violations":[{"name":"unwritten-value","op_indices":[3],
    "explanation":"p1 read 0"}]}}})");
  auto s = SummarizeRun(dir.string());
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ((*s)["anomalies"][0]["kind"], "unwritten-value");
  EXPECT_TRUE((*s)["anomalies"][0]["at_s"].is_null());
  EXPECT_TRUE((*s)["first_anomaly_s"].is_null());
  EXPECT_EQ((*s)["faults"],
            json::parse(R"([{"f":"kill","count":1,"seconds":null,"could_not_act":0}])"));
}

TEST(SummarizeRun, FailsNamingAFolderWithoutAHistory) {
  TempDir root;
  WriteFile(fs::path(root.path()) / "empty/test.json", "{}");
  auto s = SummarizeRun((fs::path(root.path()) / "empty").string());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("empty"), std::string::npos) << s.status().message();
  EXPECT_FALSE(SummarizeRun("/nonexistent/run").ok());
}

TEST(MergeRunSummaries, SumsCountsAndTakesMediansAndTheEarliest) {
  const json a = json::parse(R"({"verdict":"valid","checkers":{"linearizability":"valid"},
    "anomalies":[],"first_anomaly_s":null,"ok":100,"attempted":110,"availability":0.9,
    "ok_per_second":50.0,"p50_ms":1.0,"p99_ms":9.0,"seconds":2.0,"report":"report.html",
    "faults":[{"f":"kill","count":1,"seconds":1.5,"could_not_act":0}]})");
  const json b = json::parse(R"({"verdict":"invalid","checkers":{"linearizability":"invalid"},
    "anomalies":[{"checker":"linearizability","kind":"not linearizable","count":2,
                  "example":"from b","at_s":3.0}],
    "first_anomaly_s":3.0,"ok":50,"attempted":100,"availability":0.5,
    "ok_per_second":10.0,"p50_ms":3.0,"p99_ms":30.0,"seconds":4.0,"report":"report.html",
    "faults":[{"f":"kill","count":2,"seconds":2.0,"could_not_act":1},
              {"f":"start-partition","count":1,"seconds":0.5,"could_not_act":0}]})");
  const json c = json::parse(R"({"verdict":"incomplete","checkers":{},
    "anomalies":[{"checker":"linearizability","kind":"not linearizable","count":1,
                  "example":"from c","at_s":1.25}],
    "first_anomaly_s":1.25,"ok":0,"attempted":0,"availability":null,
    "ok_per_second":0.0,"p50_ms":0.0,"p99_ms":0.0,"seconds":1.0,"report":null,"faults":[]})");
  const json m = MergeRunSummaries({a, b, c, nullptr});
  EXPECT_EQ(m["verdict"], "invalid");
  EXPECT_EQ(m["checkers"], json::parse(R"({"linearizability":"invalid"})"));
  EXPECT_EQ(m["anomalies"], json::parse(R"([{"checker":"linearizability","kind":"not linearizable",
                                            "count":3,"example":"from b","at_s":1.25}])"));
  EXPECT_EQ(m["first_anomaly_s"], 1.25);
  EXPECT_EQ(m["ok"], 150);
  EXPECT_EQ(m["attempted"], 210);
  EXPECT_EQ(m["seconds"], 7.0);
  EXPECT_EQ(m["availability"], 0.7);  // the median of 0.9 and 0.5 (c has none)
  EXPECT_EQ(m["ok_per_second"], 10.0);
  EXPECT_EQ(m["p50_ms"], 1.0);
  EXPECT_EQ(m["p99_ms"], 9.0);
  EXPECT_EQ(m["faults"], json::parse(R"([{"f":"kill","count":3,"seconds":3.5,"could_not_act":1},
                                        {"f":"start-partition","count":1,"seconds":0.5,
                                         "could_not_act":0}])"));
  EXPECT_TRUE(m["report"].is_null());
}

TEST(MergeRunSummaries, OfNoRunsIsUnknown) {
  const json m = MergeRunSummaries({nullptr});
  EXPECT_EQ(m["verdict"], "unknown");
  EXPECT_TRUE(m["availability"].is_null());
  EXPECT_TRUE(m["first_anomaly_s"].is_null());
  EXPECT_EQ(m["ok"], 0);
  EXPECT_EQ(MergeRunSummaries({MergeRunSummaries({})})["verdict"], "unknown");
}

}  // namespace
}  // namespace faultline
