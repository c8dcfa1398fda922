#include "db/postgres/postgres_spec.h"

#include <gtest/gtest.h>

#include "db/postgres/postgres_client.h"
#include "db/postgres/postgres_db.h"

namespace faultline {
namespace {

TEST(PgStandbyNames, AMajorityCountingThePrimary) {
  EXPECT_EQ(PgStandbyNames({"n1", "n2", "n3", "n4", "n5"}, "on"), "ANY 2 (n1,n2,n3,n4,n5)");
  EXPECT_EQ(PgStandbyNames({"n1", "n2", "n3"}, "remote_apply"), "ANY 1 (n1,n2,n3)");
  EXPECT_EQ(PgStandbyNames({"n1", "n2"}, "on"), "ANY 1 (n1,n2)");
  EXPECT_EQ(PgStandbyNames({"n1", "n2", "n3"}, "off"), "");
  EXPECT_EQ(PgStandbyNames({"n1"}, "on"), "");
}

TEST(PgIsolationSql, TheThreeLevels) {
  EXPECT_EQ(PgIsolationSql("read-committed"), "READ COMMITTED");
  EXPECT_EQ(PgIsolationSql("repeatable-read"), "REPEATABLE READ");
  EXPECT_EQ(PgIsolationSql("serializable"), "SERIALIZABLE");
  EXPECT_EQ(PgIsolationSql("snapshot"), "");
}

TestSpec Postgres() {
  TestSpec s;
  s.db = "postgres";
  return s;
}

void ExpectRefused(const TestSpec& s, const std::string& mentions) {
  Status st = ValidatePostgresSpec(s);
  EXPECT_FALSE(st.ok()) << mentions;
  EXPECT_NE(st.message().find(mentions), std::string::npos) << st.message();
}

TEST(ValidatePostgresSpec, Flags) {
  EXPECT_TRUE(ValidatePostgresSpec(Postgres()).ok());
  TestSpec s = Postgres();
  s.cluster = "processes";
  ExpectRefused(s, "--cluster processes");
  s = Postgres();
  s.synchronous_commit = "maybe";
  ExpectRefused(s, "--synchronous-commit maybe");
  s = Postgres();
  s.isolation = "snapshot";
  ExpectRefused(s, "--isolation snapshot");
  s = Postgres();
  s.bank_read = "split";
  ExpectRefused(s, "--workload bank");
  s.workload = "bank";
  EXPECT_TRUE(ValidatePostgresSpec(s).ok());
  s = Postgres();
  s.read_from = "any";
  ExpectRefused(s, "primary or replicas");
  s.read_from = "replicas";
  EXPECT_TRUE(ValidatePostgresSpec(s).ok());
  s.nodes = 1;
  ExpectRefused(s, "--nodes 2");
  s = Postgres();
  s.replication = "async";
  ExpectRefused(s, "--db builtin");
}

TEST(ValidatePostgresSpec, OtherDatabasesRefuseItsFlags) {
  TestSpec s;
  EXPECT_TRUE(ValidatePostgresSpec(s).ok());
  s.failover = true;
  ExpectRefused(s, "apply to --db postgres");
  s = TestSpec();
  s.isolation = "read-committed";
  ExpectRefused(s, "apply to --db postgres");
}

}  // namespace
}  // namespace faultline
