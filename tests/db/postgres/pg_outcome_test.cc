#include "db/postgres/pg_outcome.h"

#include <gtest/gtest.h>

namespace faultline {
namespace {

PgReply Reply(PgReply::Kind kind, std::string sqlstate = "", std::string message = "m") {
  PgReply r;
  r.kind = kind;
  r.sqlstate = std::move(sqlstate);
  r.message = std::move(message);
  return r;
}

TEST(PgOutcome, NotSentIsAnUnavailableFailEvenForWrites) {
  Completion c = PgFailure(Reply(PgReply::Kind::kNotSent, "", "Connection refused"), true);
  EXPECT_EQ(c.type, OpType::kFail);
  EXPECT_TRUE(c.unavailable);
  EXPECT_NE(c.error.find("Connection refused"), std::string::npos);
}

TEST(PgOutcome, UnansweredWriteIsInfoUnansweredReadIsFail) {
  for (auto kind : {PgReply::Kind::kTimeout, PgReply::Kind::kLost}) {
    Completion write = PgFailure(Reply(kind), true);
    EXPECT_EQ(write.type, OpType::kInfo);
    Completion read = PgFailure(Reply(kind), false);
    EXPECT_EQ(read.type, OpType::kFail);
    EXPECT_TRUE(read.unavailable);
  }
  EXPECT_EQ(PgFailure(Reply(PgReply::Kind::kTimeout), true).error.rfind("timeout: ", 0), 0u);
}

TEST(PgOutcome, SerializationFailureIsADefiniteFailOfThisOp) {
  for (const char* code : {"40001", "40P01", "23505"}) {
    Completion c = PgFailure(Reply(PgReply::Kind::kError, code), true);
    EXPECT_EQ(c.type, OpType::kFail) << code;
    EXPECT_FALSE(c.unavailable) << code;
    EXPECT_EQ(c.error.rfind(std::string(code) + ": ", 0), 0u);
  }
}

TEST(PgOutcome, ServerThatCannotServeIsUnavailable) {
  for (const char* code : {"57P01", "57P03", "25006", "08006", "53300"}) {
    Completion c = PgFailure(Reply(PgReply::Kind::kError, code), true);
    EXPECT_EQ(c.type, OpType::kFail) << code;
    EXPECT_TRUE(c.unavailable) << code;
  }
  EXPECT_FALSE(PgNodeUnavailable(""));
  EXPECT_FALSE(PgNodeUnavailable("40001"));
  EXPECT_FALSE(PgNodeUnavailable("2500"));
}

// Regression (postgres_soak.sh seed 10, db/postgres/README.md "Autocommit commits that fail"):
// an autocommit upsert answered "INSERT 0 1" and then failed at commit with 40001; only the
// first result was looked at, so the op was ok although nothing was written.
TEST(PgFoldResult, AnErrorAfterTheStatementsResultMakesItAFailedWrite) {
  PgReply inserted = Reply(PgReply::Kind::kOk);
  inserted.affected = 1;
  PgReply r = PgFoldResult(PgReply(), inserted, /*first=*/true);
  r = PgFoldResult(std::move(r),
                   Reply(PgReply::Kind::kError, "40001",
                         "ERROR:  could not serialize access due to read/write dependencies"),
                   /*first=*/false);
  EXPECT_EQ(r.kind, PgReply::Kind::kError);
  EXPECT_EQ(r.sqlstate, "40001");
  Completion c = PgFailure(r, /*may_have_taken_effect=*/true);
  EXPECT_EQ(c.type, OpType::kFail);  // rolled back: definitely not written
}

TEST(PgFoldResult, ConnectionLostAtCommitMakesAWriteIndeterminate) {
  PgReply r = PgFoldResult(PgReply(), Reply(PgReply::Kind::kOk), true);
  r = PgFoldResult(std::move(r), Reply(PgReply::Kind::kLost, "", "server closed the connection"),
                   false);
  EXPECT_EQ(r.kind, PgReply::Kind::kLost);
  EXPECT_EQ(PgFailure(r, true).type, OpType::kInfo);
}

TEST(PgFoldResult, KeepsTheFirstResultsRowsAndTheFirstError) {
  PgReply rows = Reply(PgReply::Kind::kOk);
  rows.rows = {{std::string("7")}};
  PgReply r = PgFoldResult(PgReply(), rows, true);
  r = PgFoldResult(std::move(r), Reply(PgReply::Kind::kOk), false);
  ASSERT_EQ(r.kind, PgReply::Kind::kOk);
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0][0], "7");
  PgReply e = PgFoldResult(PgReply(), Reply(PgReply::Kind::kError, "23505"), true);
  e = PgFoldResult(std::move(e), Reply(PgReply::Kind::kError, "40001"), false);
  EXPECT_EQ(e.sqlstate, "23505");
}

}  // namespace
}  // namespace faultline
