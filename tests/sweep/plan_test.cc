// The grid of a sweep through the real registry: axes crossed in order, dependent axes,
// exclusions, several databases, stable cell ids, the seeds, predictions (the database's and
// declared ones), samples, and every kind of bad input refused with a message naming it.
#include "sweep/plan.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/app/all_parts.h"

namespace faultline {
namespace {

const Registry& Parts() { return AllParts(); }

Axis MakeAxis(const std::string& name, std::vector<std::string> values) {
  return {name, std::move(values), nlohmann::json::object()};
}

SweepRequest Request(std::vector<std::string> args, std::vector<Axis> axes) {
  SweepRequest q;
  q.test_args = std::move(args);
  q.axes = std::move(axes);
  q.seed = 7;
  return q;
}

std::string WriteFile(const std::string& name, const std::string& text) {
  const std::string path = testing::TempDir() + "/" + name;
  std::ofstream(path) << text;
  return path;
}

void ExpectRefused(const SweepRequest& q, const std::string& mentions) {
  auto p = MakePlan(q, Parts());
  ASSERT_FALSE(p.ok()) << mentions;
  EXPECT_EQ(p.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(p.status().message().find(mentions), std::string::npos) << p.status().message();
}

TEST(SweepPlan, CrossesAxesInOrderWithTheirTestWords) {
  auto p = MakePlan(Request({"--cluster", "processes", "--nodes", "3"},
                            {MakeAxis("replication", {"primary", "async"}),
                             MakeAxis("nemesis", {"kill-primary", "pause+kill", "none"})}),
                    Parts());
  ASSERT_TRUE(p.ok()) << p.status().message();
  ASSERT_EQ(p->cells.size(), 6u);
  EXPECT_EQ(p->columns, "nemesis");
  EXPECT_EQ(p->cells[0].row, "replication=primary");
  EXPECT_EQ(p->cells[0].column, "kill-primary");
  EXPECT_EQ(p->cells[4].row, "replication=async");
  EXPECT_EQ(p->cells[4].column, "pause+kill");
  const std::vector<std::string>& args = p->cells[4].args;
  const std::vector<std::string> tail(args.end() - 4, args.end());
  EXPECT_EQ(tail, (std::vector<std::string>{"--nemesis", "pause,kill", "--replication", "async"}));
  // "none" adds no --nemesis at all.
  for (const std::string& a : p->cells[5].args) EXPECT_NE(a, "--nemesis");
  EXPECT_EQ(p->cells[0].label, "builtin · primary replication");
  EXPECT_EQ(p->name, "register");
}

TEST(SweepPlan, CellIdsDependOnlyOnSettings) {
  auto a = MakePlan(Request({"--cluster", "processes"}, {MakeAxis("replication", {"primary", "async"})}),
                    Parts());
  auto b = MakePlan(Request({"--cluster", "processes", "--time-limit", "9"},
                            {MakeAxis("replication", {"async"})}),
                    Parts());
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_NE(a->cells[0].id, a->cells[1].id);
  EXPECT_EQ(a->cells[1].id, b->cells[0].id);
  EXPECT_EQ(a->cells[0].id.size(), 10u);
  EXPECT_EQ(a->cells[0].id.rfind("c-", 0), 0u);
}

TEST(SweepPlan, SeedsAreSharedByCellsAndFollowTheSweepSeed) {
  SweepRequest q = Request({"--cluster", "processes"}, {MakeAxis("replication", {"primary", "async"})});
  q.seeds = 4;
  auto a = MakePlan(q, Parts());
  q.seed = 8;
  auto b = MakePlan(q, Parts());
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->run_seeds.size(), 4u);
  EXPECT_NE(a->run_seeds, b->run_seeds);
  const std::vector<std::string> words = RunArgs(*a, a->cells[1], 2, "/r/runs");
  const std::vector<std::string> tail(words.end() - 6, words.end());
  EXPECT_EQ(tail, (std::vector<std::string>{"--seed", std::to_string(a->run_seeds[2]), "--name",
                                            a->cells[1].id + "-s3", "--results", "/r/runs"}));
}

TEST(SweepPlan, SweepFileGivesDependentAxesExclusionsAndDatabases) {
  const std::string file = WriteFile("sweep.json", R"({
    "seeds": 2,
    "axes": [{"name": "nemesis", "values": ["kill", "none"]}],
    "databases": [
      {"db": "builtin", "flags": ["--cluster", "processes", "--nodes", "3"], "axes": [
        {"name": "replication", "values": ["primary", "quorum"]},
        {"name": "r", "values": [1, 3], "when": {"replication": "quorum"}}]},
      {"db": "etcd", "axes": [{"name": "read-consistency", "values": ["linearizable", "serializable"]}]}
    ],
    "exclude": [{"db": "etcd", "nemesis": "none"}]
  })");
  SweepRequest q = Request({}, {});
  q.file = file;
  q.seeds = 0;
  auto p = MakePlan(q, Parts());
  ASSERT_TRUE(p.ok()) << p.status().message();
  EXPECT_EQ(p->seeds, 2);
  // builtin: 2 faults × (primary + quorum×2 r) = 6; etcd: 2 read paths × kill only = 2.
  ASSERT_EQ(p->cells.size(), 8u);
  int with_r = 0;
  for (const Cell& c : p->cells) {
    ASSERT_TRUE(c.settings.contains("db"));
    if (c.settings.contains("r")) {
      ++with_r;
      EXPECT_EQ(c.settings["replication"], "quorum");
    }
    if (c.settings["db"] == "etcd") {
      EXPECT_EQ(c.settings["nemesis"], "kill");
    }
  }
  EXPECT_EQ(with_r, 4);
  EXPECT_EQ(p->cells.back().row, "db=etcd read-consistency=serializable");
}

TEST(SweepPlan, PredictionsComeFromTheDatabaseOrTheSweepFile) {
  auto etcd = MakePlan(Request({"--nemesis", "partition"},
                               {MakeAxis("db", {"etcd"}),
                                MakeAxis("read-consistency", {"linearizable", "serializable"})}),
                       Parts());
  ASSERT_TRUE(etcd.ok()) << etcd.status().message();
  EXPECT_EQ(etcd->cells[0].expect, "safe");
  EXPECT_EQ(etcd->cells[1].expect, "unsafe");
  EXPECT_NE(etcd->cells[1].why.find("own state"), std::string::npos);

  SweepRequest q = Request({"--nemesis", "partition"},
                           {MakeAxis("db", {"etcd"}), MakeAxis("read-consistency", {"serializable"})});
  q.file = WriteFile("declared.json", R"({"predictions": [
      {"when": {"db": "etcd"}, "expect": "no-promise", "why": "we say so"}]})");
  auto declared = MakePlan(q, Parts());
  ASSERT_TRUE(declared.ok()) << declared.status().message();
  EXPECT_EQ(declared->cells[0].expect, "no-promise");
  EXPECT_EQ(declared->cells[0].why, "we say so");
}

TEST(SweepPlan, AnExternalDatabasesPlaceholdersAreAxes) {
  const std::vector<std::string> external = {"--db", "external", "--client-cmd", "./client",
                                             "--db-setup", "start --sync {sync}",
                                             "--db-teardown", "stop"};
  SweepRequest q = Request(external, {MakeAxis("sync", {"on", "off"})});
  q.file = WriteFile("external.json", R"({"predictions": [
      {"when": {"sync": "off"}, "expect": "unsafe", "why": "our docs say so"}]})");
  auto p = MakePlan(q, Parts());
  ASSERT_TRUE(p.ok()) << p.status().message();
  ASSERT_EQ(p->cells.size(), 2u);
  const std::vector<std::string> tail(p->cells[1].args.end() - 2, p->cells[1].args.end());
  EXPECT_EQ(tail, (std::vector<std::string>{"--db-var", "sync=off"}));
  EXPECT_EQ(p->cells[0].expect, "undeclared");
  EXPECT_EQ(p->cells[1].expect, "unsafe");
  ExpectRefused(Request(external, {MakeAxis("other", {"1"})}),
                "--db-var other=1: {other} appears in none of the database's commands");
  ExpectRefused(Request(external, {MakeAxis("node", {"1"})}), "faultline's own placeholder");
}

TEST(SweepPlan, OnlyAndSampleKeepCellsInOrder) {
  SweepRequest q = Request({"--cluster", "processes", "--replication", "quorum"},
                           {MakeAxis("r", {"1", "2", "3"}), MakeAxis("w", {"1", "2", "3"})});
  auto all = MakePlan(q, Parts());
  ASSERT_TRUE(all.ok()) << all.status().message();
  ASSERT_EQ(all->cells.size(), 9u);
  q.max_cells = 4;
  auto sample = MakePlan(q, Parts());
  ASSERT_TRUE(sample.ok());
  ASSERT_EQ(sample->cells.size(), 4u);
  EXPECT_EQ(sample->sample["of"], 9);
  EXPECT_EQ(sample->sample["kept"], 4);
  auto again = MakePlan(q, Parts());
  for (size_t i = 0; i < 4; ++i) EXPECT_EQ(sample->cells[i].id, again->cells[i].id);
  q.max_cells = 0;
  q.only = {all->cells[7].id, all->cells[2].id};
  auto only = MakePlan(q, Parts());
  ASSERT_TRUE(only.ok());
  ASSERT_EQ(only->cells.size(), 2u);
  EXPECT_EQ(only->cells[0].id, all->cells[7].id);
  q.only = {"c-00000000"};
  ExpectRefused(q, "--only c-00000000: no such cell");
}

TEST(SweepPlan, PlanJsonRoundTrips) {
  auto p = MakePlan(Request({"--cluster", "processes"}, {MakeAxis("replication", {"primary", "async"})}),
                    Parts());
  ASSERT_TRUE(p.ok());
  auto back = SweepPlan::FromJson(p->ToJson());
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->ToJson(), p->ToJson());
  EXPECT_FALSE(SweepPlan::FromJson({{"name", "x"}}).ok());
}

TEST(SweepPlan, BadInputIsRefusedNamingIt) {
  ExpectRefused(Request({}, {MakeAxis("nosuch", {"1"})}), "--axis nosuch: not an option of --db builtin");
  ExpectRefused(Request({}, {MakeAxis("db-arg", {"x"})}), "not a safety setting");
  ExpectRefused(Request({"--replication", "quorum"}, {MakeAxis("r", {"1", "99"})}), "--r 99");
  ExpectRefused(Request({"--r", "1", "--replication", "quorum"}, {MakeAxis("r", {"2"})}),
                "also given as a flag");
  ExpectRefused(Request({}, {MakeAxis("replication", {})}), "no values");
  ExpectRefused(Request({}, {MakeAxis("replication", {"primary"}), MakeAxis("replication", {"async"})}),
                "given twice");
  ExpectRefused(Request({"--bogus"}, {MakeAxis("replication", {"primary"})}), "--bogus");
  SweepRequest q = Request({}, {MakeAxis("replication", {"primary"})});
  q.file = WriteFile("notjson.json", "{nope");
  ExpectRefused(q, "not JSON");
  q.file = WriteFile("empty.json", R"({"exclude": [{"replication": "primary"}]})");
  ExpectRefused(q, "the grid is empty");
  q.file = WriteFile("when.json", R"({"axes": [{"name": "r", "values": [1], "when": {"w": "1"}}]})");
  ExpectRefused(q, "\"when\" names w, which is not an earlier axis");
  q.file = WriteFile("pred.json", R"({"predictions": [{"expect": "maybe"}]})");
  ExpectRefused(q, "\"predictions\"[0]");
  q.file = testing::TempDir() + "/missing.json";
  ExpectRefused(q, "cannot be read");
}

}  // namespace
}  // namespace faultline
