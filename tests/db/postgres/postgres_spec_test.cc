
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

}  // namespace
}  // namespace faultline
