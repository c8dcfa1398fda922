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

}  // namespace
}  // namespace faultline
