// The command line of `faultline test` through the real registry: each part's options reach
// it, a flag of an unselected part is refused naming its owner, each database's own checks,
// test.json both ways (and an old, flat test.json still loads).
#include "harness/test_flags.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/app/all_parts.h"
#include "tests/app/help_text.h"

namespace faultline {
namespace {

using testing::Unwrapped;

const Registry& Parts() { return AllParts(); }

Result<TestSpec> Parse(std::vector<std::string> args) {
  TestSpec spec;
  std::string help;
  Status s = ParseTestFlags(args, Parts(), &spec, &help);
  if (!s.ok()) return s;
  return spec;
}

void ExpectRefused(std::vector<std::string> args, const std::string& mentions) {
  auto r = Parse(args);
  ASSERT_FALSE(r.ok()) << mentions;
  EXPECT_NE(r.status().message().find(mentions), std::string::npos) << r.status().message();
}

TEST(TestFlags, EachPartGetsItsOwnOptionsWithDefaults) {
  auto s = Parse({"--db", "etcd", "--read-consistency", "serializable", "--nemesis", "loss,kill",
                  "--loss-probability", "0.3", "--seed", "9"});
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->db.name, "etcd");
  EXPECT_EQ(s->db.options["read_consistency"], "serializable");
  EXPECT_EQ(s->db.options["etcd_pre_vote"], false);
  EXPECT_EQ(s->workload.options["ops_per_key"], 100);
  EXPECT_DOUBLE_EQ(s->nemesis.options["loss_probability"].get<double>(), 0.3);
  EXPECT_FALSE(s->db.options.contains("replication"));
  EXPECT_EQ(s->name, "register");
  EXPECT_EQ(s->seed, 9u);
}

TEST(TestFlags, AFlagOfAnotherPartNamesWhoAcceptsIt) {
  ExpectRefused({"--db", "etcd", "--redis-wait", "1"},
                "--redis-wait is an option of --db redis; this test uses --db etcd");
  ExpectRefused({"--accounts", "3"}, "--accounts is an option of --workload bank");
  ExpectRefused({"--read-from", "any", "--db", "redis"}, "--db builtin or --db postgres");
  ExpectRefused({"--delay-ms", "5"}, "an option of --nemesis delay");
  ExpectRefused({"--no-such-flag"}, "unrecognised option '--no-such-flag'");
}

TEST(TestFlags, ValuesAreCheckedAgainstTheirSpecs) {
  ExpectRefused({"--replication", "paxos"}, "--replication paxos: expected primary, async, quorum or crdt");
  ExpectRefused({"--r", "x"}, "--r x: expected an integer");
  ExpectRefused({"--workload", "bank", "--accounts", "1"}, "--accounts 1: expected an integer in 2..1000");
  ExpectRefused({"--db", "nosuch"}, "--db nosuch: unknown database");
}

TEST(TestFlags, BuiltinChecks) {
  ExpectRefused({"--replication", "crdt"}, "--workload counter");
  EXPECT_TRUE(Parse({"--replication", "crdt", "--workload", "counter"}).ok());
  ExpectRefused({"--r", "2"}, "--r/--w apply to --replication quorum");
  ExpectRefused({"--replication", "quorum", "--r", "6"}, "between 0 (majority) and --nodes");
  ExpectRefused({"--replication", "quorum", "--read-from", "any"}, "--read-from any applies");
  ExpectRefused({"--cluster", "processes", "--nemesis", "partition"},
                "needs nodes in network namespaces or on hosts");
}

TEST(TestFlags, PostgresChecks) {
  EXPECT_TRUE(Parse({"--db", "postgres"}).ok());
  ExpectRefused({"--db", "postgres", "--cluster", "processes"}, "--cluster local or hosts");
  ExpectRefused({"--db", "postgres", "--synchronous-commit", "maybe"}, "--synchronous-commit maybe");
  ExpectRefused({"--db", "postgres", "--isolation", "snapshot"}, "--isolation snapshot");
  ExpectRefused({"--db", "postgres", "--bank-read", "split"}, "--workload bank");
  EXPECT_TRUE(Parse({"--db", "postgres", "--bank-read", "split", "--workload", "bank"}).ok());
  ExpectRefused({"--db", "postgres", "--read-from", "any"}, "expected primary or replicas");
  ExpectRefused({"--db", "postgres", "--read-from", "replicas", "--nodes", "1"}, "--nodes 2");
  ExpectRefused({"--db", "postgres", "--replication", "async"}, "an option of --db builtin");
  ExpectRefused({"--failover"}, "--failover is an option of --db postgres");
}

TEST(TestFlags, RedisChecks) {
  EXPECT_TRUE(Parse({"--db", "redis", "--redis-wait", "4"}).ok());
  ExpectRefused({"--db", "redis", "--redis-wait", "5"}, "--redis-wait must be 0..4");
  ExpectRefused({"--db", "redis", "--nodes", "3", "--redis-min-replicas", "3"},
                "--redis-min-replicas must be 0..2");
  ExpectRefused({"--db", "redis", "--workload", "bank"}, "not bank");
  EXPECT_TRUE(Parse({"--db", "redis", "--workload", "counter"}).ok());
  ExpectRefused({"--db", "redis", "--cluster", "processes"}, "--cluster processes has no per-node");
}

TEST(TestFlags, EtcdChecks) {
  ExpectRefused({"--db", "etcd", "--nemesis", "clock"}, "Go program");
  ExpectRefused({"--db", "etcd", "--workload", "counter"}, "--db etcd runs the register workload");
}

TEST(TestFlags, ExternalChecks) {
  const std::vector<std::string> ok = {"--db", "external", "--client-cmd", "./c", "--db-setup",
                                       "start", "--db-teardown", "stop"};
  auto with = [&](std::vector<std::string> more) {
    std::vector<std::string> a = ok;
    a.insert(a.end(), more.begin(), more.end());
    return a;
  };
  EXPECT_TRUE(Parse(ok).ok());
  ExpectRefused({"--db", "external", "--db-setup", "s", "--db-teardown", "t"},
                "--db external needs --client-cmd");
  ExpectRefused({"--db", "external", "--client-cmd", "c", "--db-setup", "s"}, "--db-teardown");
  ExpectRefused(with({"--cluster", "processes"}), "--cluster local or hosts");
  ExpectRefused(with({"--nemesis", "kill"}), "\"kill\" and \"start\"");
  ExpectRefused(with({"--nemesis", "pause"}), "\"pause\" and \"resume\"");
  ExpectRefused(with({"--nemesis", "partition-primary"}), "no notion of a primary");
  ExpectRefused(with({"--nemesis", "clock"}), "clock library");
  ExpectRefused(with({"--db-port", "70000"}), "--db-port 70000");
  ExpectRefused({"--db-setup", "x"}, "--db-setup is an option of --db external");
}

TEST(TestFlags, ExternalCommandsFileFillsTheOptions) {
  const std::string path = ::testing::TempDir() + "/commands.json";
  std::ofstream(path) << R"({"setup":"up","teardown":"down","kill":"k","start":"s","port":7})";
  auto s = Parse({"--db", "external", "--client-cmd", "./c", "--db-commands", path, "--nemesis",
                  "kill"});
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->db.options["setup"], "up");
  EXPECT_EQ(s->db.options["kill"], "k");
  EXPECT_EQ(s->db.options["port"], 7);
  EXPECT_EQ(s->db.options["commands_file"], path);
}

TEST(TestFlags, ExternalCommandsFileGivesListsNameReadyAndUploads) {
  const std::string dir = ::testing::TempDir() + "/faultline-commands-dir";
  std::filesystem::create_directories(dir + "/conf");
  std::ofstream(dir + "/commands.json")
      << R"({"setup":["a","b"],"teardown":"down","name":"zk","ready":"r","ready_timeout":3,
             "upload":["conf/"]})";
  auto s =
      Parse({"--db", "external", "--client-cmd", "./c", "--db-commands", dir + "/commands.json"});
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->db.options["setup"], "set -e\na\nb");
  EXPECT_EQ(s->db.options["db_name"], "zk");
  EXPECT_EQ(s->db.options["ready"], "r");
  EXPECT_EQ(s->db.options["ready_timeout"], 3);
  EXPECT_EQ(s->db.options["upload"], nlohmann::json::array({"conf/"}));
  std::filesystem::remove_all(dir);
  ExpectRefused(
      {"--db", "external", "--client-cmd", "./c", "--db-commands", dir + "/commands.json"},
      "cannot read");
}

TEST(TestFlags, HelpShowsTheSelectedPartsOptionsOnly) {
  TestSpec spec;
  std::string help;
  ASSERT_TRUE(ParseTestFlags({"--db", "etcd", "--help"}, Parts(), &spec, &help).ok());
  help = Unwrapped(help);
  EXPECT_NE(help.find("Options of --db etcd"), std::string::npos) << help;
  EXPECT_NE(help.find("--read-consistency"), std::string::npos);
  EXPECT_NE(help.find("linearizable or serializable; default linearizable"), std::string::npos);
  EXPECT_NE(help.find("(safety setting)"), std::string::npos);
  EXPECT_NE(help.find("--ops-per-key"), std::string::npos);  // the default workload's
  EXPECT_EQ(help.find("--redis-wait"), std::string::npos);
  EXPECT_EQ(help.find("--replication"), std::string::npos);
}

TEST(TestJson, RoundTripsWithEachPartsOptionsUnderIt) {
  auto s = Parse({"--db", "postgres", "--isolation", "read-committed", "--workload", "bank",
                  "--accounts", "7", "--nemesis", "delay", "--delay-ms", "40", "--seed", "3"});
  ASSERT_TRUE(s.ok()) << s.status().message();
  const nlohmann::json j = s->ToJson();
  EXPECT_EQ(j["db"]["name"], "postgres");
  EXPECT_EQ(j["db"]["isolation"], "read-committed");
  EXPECT_EQ(j["workload"]["accounts"], 7);
  EXPECT_EQ(j["fault_options"]["delay_ms"], 40);
  auto back = SpecFromJson(j, Parts());
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->ToJson(), j);
}

// test.json's "db_label": each database describes itself, and no other's settings leak in.
TEST(TestJson, RecordsTheDatabasesOwnLabel) {
  auto builtin = Parse({"--replication", "quorum", "--r", "2"});
  ASSERT_TRUE(builtin.ok()) << builtin.status().message();
  EXPECT_EQ(RecordedTestJson(*builtin, Parts())["db_label"],
            "builtin · quorum replication (r 2, w majority)");
  auto any = Parse({"--replication", "async", "--read-from", "any"});
  ASSERT_TRUE(any.ok());
  EXPECT_EQ(RecordedTestJson(*any, Parts())["db_label"],
            "builtin · async replication, reads from any node");
  auto etcd = Parse({"--db", "etcd"});
  ASSERT_TRUE(etcd.ok());
  EXPECT_EQ(RecordedTestJson(*etcd, Parts())["db_label"], "etcd");

  const std::string path = ::testing::TempDir() + "/named-commands.json";
  std::ofstream(path) << R"({"setup":"up","teardown":"down","name":"zookeeper 3.8"})";
  auto external = Parse({"--db", "external", "--client-cmd", "./c", "--db-commands", path});
  ASSERT_TRUE(external.ok()) << external.status().message();
  const nlohmann::json j = RecordedTestJson(*external, Parts());
  EXPECT_EQ(j["db_label"], "external: zookeeper 3.8");
  for (const char* other : {"replication", "read_from", "read_consistency", "isolation"}) {
    EXPECT_FALSE(j.contains(other)) << other;
    EXPECT_FALSE(j["db"].contains(other)) << other;
  }
  auto back = SpecFromJson(j, Parts());  // the label is not an option
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->ToJson(), external->ToJson());
  auto unnamed =
      Parse({"--db", "external", "--client-cmd", "./c", "--db-setup", "s", "--db-teardown", "t"});
  ASSERT_TRUE(unnamed.ok());
  EXPECT_EQ(RecordedTestJson(*unnamed, Parts())["db_label"], "external");
}

// A test.json written before options moved under their parts (faultline at 9b0f0dc): every
// database's options flat at the top level.
TEST(TestJson, AnOldFlatTestJsonStillLoads) {
  std::ifstream in(std::string(FAULTLINE_TESTS_DIR) + "/fixtures/old_run/test.json");
  ASSERT_TRUE(in.good());
  auto s = SpecFromJson(nlohmann::json::parse(in), Parts());
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->db.name, "builtin");
  EXPECT_EQ(s->db.options["replication"], "async");
  EXPECT_EQ(s->db.options["read_from"], "any");
  EXPECT_FALSE(s->db.options.contains("redis_wait"));
  EXPECT_EQ(s->workload.name, "bank");
  EXPECT_EQ(s->workload.options["accounts"], 4);
  EXPECT_EQ(s->nemesis.faults, std::vector<std::string>({"partition", "loss"}));
  EXPECT_DOUBLE_EQ(s->nemesis.options["loss_probability"].get<double>(), 0.3);
  EXPECT_EQ(s->seed, 1234u);
}

// An old --db external run: its commands were stored under "external", beside the flat keys.
TEST(TestJson, AnOldExternalRunKeepsItsCommands) {
  std::ifstream in(std::string(FAULTLINE_TESTS_DIR) + "/fixtures/old_run/test.json");
  nlohmann::json j = nlohmann::json::parse(in);
  j["db"] = "external";
  j["workload"] = "register";
  j["client_cmd"] = "./client";
  j["nemesis"] = {"kill"};
  j["external"] = {{"setup", "up"}, {"teardown", "down"}, {"kill", "k"}, {"start", "s"},
                   {"port", 7000}, {"logs", {"/var/log/db.log"}}};
  auto s = SpecFromJson(j, Parts());
  ASSERT_TRUE(s.ok()) << s.status().message();
  EXPECT_EQ(s->db.options["setup"], "up");
  EXPECT_EQ(s->db.options["kill"], "k");
  EXPECT_EQ(s->db.options["port"], 7000);
  EXPECT_EQ(s->db.options["logs"], nlohmann::json({"/var/log/db.log"}));
  EXPECT_FALSE(s->db.options.contains("replication"));
}

}  // namespace
}  // namespace faultline
