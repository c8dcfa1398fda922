// Textbook register histories for the linearizability checker: each small enough to verify by
// hand, each checked with the unique-values path on and off (the two must agree).
#include <gtest/gtest.h>

#include <string>

#include "checkers/linearizability/checker.h"
#include "tests/checkers/linearizability/history_spec.h"

namespace faultline {
namespace {

using testing_spec::CheckOk;
using testing_spec::ParseSpec;
using testing_spec::VerdictBothWays;

std::string Cas(std::string_view spec) { return VerdictBothWays(spec, "cas-register"); }
std::string Etcd(std::string_view spec) { return VerdictBothWays(spec, "etcd"); }

TEST(RegisterTextbookTest, SequentialHistoryIsValid) {
  const char* spec = R"(
    0 invoke write 1
    0 ok write 1
    1 invoke read
    1 ok read 1
    1 invoke cas [1,2]
    1 ok cas [1,2]
    0 invoke read
    0 ok read 2)";
  EXPECT_EQ(Cas(spec), "valid");
  EXPECT_EQ(Etcd(spec), "valid");
}

TEST(RegisterTextbookTest, UniqueWritesUseThePolynomialPath) {
  LinearizabilityOptions options;
  const LinearizabilityResult r = CheckOk(ParseSpec(R"(
    0 invoke write 1
    0 ok write 1
    1 invoke read
    1 ok read 1)"),
                                          options);
  EXPECT_EQ(r.verdict, Verdict::kValid);
  EXPECT_EQ(r.unique_value_keys, 1u);
}

TEST(RegisterTextbookTest, EmptyHistoryIsValid) {
  EXPECT_EQ(Cas(""), "valid");
  EXPECT_EQ(Cas("nemesis info start-partition {\"n1\":[\"n2\"]}"), "valid");
}

TEST(RegisterTextbookTest, StaleReadIsInvalid) {
  EXPECT_EQ(Cas(R"(
    0 invoke write 1
    0 ok write 1
    0 invoke write 2
    0 ok write 2
    1 invoke read
    1 ok read 1)"),
            "invalid");
}

TEST(RegisterTextbookTest, LostWriteIsInvalid) {
  EXPECT_EQ(Cas(R"(
    0 invoke write 1
    0 ok write 1
    1 invoke read
    1 ok read nil)"),
            "invalid");
}

TEST(RegisterTextbookTest, ReadOfAValueNobodyWroteIsInvalid) {
  EXPECT_EQ(Cas(R"(
    0 invoke write 1
    1 invoke read
    0 ok write 1
    1 ok read 7)"),
            "invalid");
}

TEST(RegisterTextbookTest, ReadMayNotSeeAWriteInvokedAfterItCompleted) {
  EXPECT_EQ(Cas(R"(
    1 invoke read
    1 ok read 1
    0 invoke write 1
    0 ok write 1)"),
            "invalid");
}

TEST(RegisterTextbookTest, ConcurrentWritesLinearizeInEitherOrder) {
  const std::string both = R"(
    0 invoke write 1
    1 invoke write 2
    0 ok write 1
    1 ok write 2
    2 invoke read)";
  EXPECT_EQ(Cas(both + "\n2 ok read 1"), "valid");
  EXPECT_EQ(Cas(both + "\n2 ok read 2"), "valid");
  EXPECT_EQ(Cas(both + "\n2 ok read nil"), "invalid");
  // Once both writes have completed the value can no longer change.
  EXPECT_EQ(Cas(both + "\n2 ok read 1\n2 invoke read\n2 ok read 2"), "invalid");
}

TEST(RegisterTextbookTest, ReadConcurrentWithWriteSeesOldOrNew) {
  const std::string prefix = R"(
    0 invoke write 1
    0 ok write 1
    0 invoke write 2
    1 invoke read)";
  EXPECT_EQ(Cas(prefix + "\n1 ok read 1\n0 ok write 2"), "valid");
  EXPECT_EQ(Cas(prefix + "\n1 ok read 2\n0 ok write 2"), "valid");
  // A second read that goes back to the old value after seeing the new one is invalid.
  EXPECT_EQ(Cas(prefix + "\n1 ok read 2\n1 invoke read\n1 ok read 1\n0 ok write 2"), "invalid");
}

TEST(RegisterTextbookTest, InfoWriteThatMustHaveHappened) {
  EXPECT_EQ(Cas(R"(
    0 invoke write 1
    0 info write 1
    1 invoke read
    1 ok read 1)"),
            "valid");
}

TEST(RegisterTextbookTest, InfoWriteMayTakeEffectLongAfterItsInfo) {
  EXPECT_EQ(Cas(R"(
    0 invoke write 1
    0 info write 1
    1 invoke read
    1 ok read nil
    1 invoke read
    1 ok read 1)"),
            "valid");
}

TEST(RegisterTextbookTest, InfoWriteTakesEffectAtMostOnce) {
  // Write 1 must land after write 2 for the read of 1; the register cannot return to 2.
  const std::string spec = R"(
    0 invoke write 1
    0 info write 1
    1 invoke write 2
    1 ok write 2
    1 invoke read
    1 ok read 1)";
  EXPECT_EQ(Cas(spec), "valid");
  EXPECT_EQ(Cas(spec + "\n1 invoke read\n1 ok read 2"), "invalid");
}

TEST(RegisterTextbookTest, InfoWriteForcedBeforeAReadCannotBeUndone) {
  EXPECT_EQ(Cas(R"(
    0 invoke write 1
    0 info write 1
    1 invoke read
    1 ok read 1
    1 invoke read
    1 ok read nil)"),
            "invalid");
}

TEST(RegisterTextbookTest, InfoWriteNeverHappenedIsAllowed) {
  EXPECT_EQ(Cas(R"(
    0 invoke write 1
    0 info write 1
    1 invoke write 2
    1 ok write 2
    1 invoke read
    1 ok read 2)"),
            "valid");
}

TEST(RegisterTextbookTest, InfoWriteCannotExplainAReadBeforeItsInvoke) {
  EXPECT_EQ(Cas(R"(
    1 invoke read
    1 ok read 1
    0 invoke write 1
    0 info write 1)"),
            "invalid");
}

TEST(RegisterTextbookTest, PendingWriteIsLikeInfo) {
  EXPECT_EQ(Cas(R"(
    0 invoke write 1
    1 invoke read
    1 ok read 1
    1 invoke read
    1 ok read 1)"),
            "valid");
  EXPECT_EQ(Cas(R"(
    0 invoke write 1
    1 invoke read
    1 ok read 1
    1 invoke read
    1 ok read nil)"),
            "invalid");
}

TEST(RegisterTextbookTest, FailedWriteDidNotHappen) {
  EXPECT_EQ(Cas(R"(
    0 invoke write 1
    0 fail write 1
    1 invoke read
    1 ok read 1)"),
            "invalid");
}

TEST(RegisterTextbookTest, ReadsWithUnknownResultsConstrainNothing) {
  EXPECT_EQ(Cas(R"(
    0 invoke write 1
    0 ok write 1
    1 invoke read
    1 info read
    2 invoke read
    2 fail read
    3 invoke read)"),
            "valid");
}

TEST(RegisterTextbookTest, CasChainIsValid) {
  EXPECT_EQ(Cas(R"(
    0 invoke write 0
    0 ok write 0
    0 invoke cas [0,1]
    0 ok cas [0,1]
    1 invoke cas [1,2]
    1 ok cas [1,2]
    2 invoke read
    2 ok read 2)"),
            "valid");
}

TEST(RegisterTextbookTest, TwoCasFromTheSameValueIsInvalid) {
  const std::string write0 = "0 invoke write 0\n0 ok write 0\n";
  EXPECT_EQ(Cas(write0 + R"(
    0 invoke cas [0,1]
    0 ok cas [0,1]
    1 invoke cas [0,2]
    1 ok cas [0,2])"),
            "invalid");
  EXPECT_EQ(Cas(write0 + R"(
    0 invoke cas [0,1]
    1 invoke cas [0,2]
    0 ok cas [0,1]
    1 ok cas [0,2])"),
            "invalid");
  // With a write of 0 in between, both can succeed.
  EXPECT_EQ(Cas(write0 + R"(
    0 invoke cas [0,1]
    0 ok cas [0,1]
    2 invoke write 0
    2 ok write 0
    1 invoke cas [0,2]
    1 ok cas [0,2])"),
            "valid");
}

TEST(RegisterTextbookTest, CasOnAnOverwrittenValueIsInvalid) {
  EXPECT_EQ(Cas(R"(
    0 invoke write 0
    0 ok write 0
    0 invoke write 1
    0 ok write 1
    1 invoke cas [0,2]
    1 ok cas [0,2])"),
            "invalid");
}

TEST(RegisterTextbookTest, InfoCasTakesEffectOnlyIfItsCompareHolds) {
  const std::string write0 = "0 invoke write 0\n0 ok write 0\n";
  EXPECT_EQ(Cas(write0 + "1 invoke cas [0,1]\n1 info cas [0,1]\n2 invoke read\n2 ok read 1"),
            "valid");
  EXPECT_EQ(Cas(write0 + "1 invoke cas [2,1]\n1 info cas [2,1]\n2 invoke read\n2 ok read 1"),
            "invalid");
  EXPECT_EQ(Cas(write0 + "1 invoke cas [2,1]\n1 info cas [2,1]\n2 invoke read\n2 ok read 0"),
            "valid");
}

TEST(RegisterTextbookTest, InfoCasThatMustNotHaveTakenEffect) {
  // Had cas 0→1 taken effect before cas 0→2, that one would have failed; after it, the
  // compare fails. So it never took effect, and the register cannot hold 1.
  const std::string spec = R"(
    0 invoke write 0
    0 ok write 0
    1 invoke cas [0,1]
    1 info cas [0,1]
    2 invoke cas [0,2]
    2 ok cas [0,2]
    2 invoke read)";
  EXPECT_EQ(Cas(spec + "\n2 ok read 2"), "valid");
  EXPECT_EQ(Cas(spec + "\n2 ok read 1"), "invalid");
  EXPECT_EQ(Etcd(spec + "\n2 ok read 1"), "invalid");
}

// The same history: Knossos's cas-register ignores a failed cas; Porcupine's etcd model
// reads it as an observed failed compare, which cannot fail while the value is 0.
TEST(RegisterTextbookTest, FailedCasDidNotHappenVersusObservedCompare) {
  const std::string spec = R"(
    0 invoke write 0
    0 ok write 0
    1 invoke cas [0,1]
    1 fail cas [0,1]
    2 invoke read
    2 ok read 0)";
  EXPECT_EQ(Cas(spec), "valid");
  EXPECT_EQ(Etcd(spec), "invalid");
  // A failed compare against a value the register does not hold is fine in both.
  const std::string other = R"(
    0 invoke write 0
    0 ok write 0
    1 invoke cas [2,1]
    1 fail cas [2,1]
    2 invoke read
    2 ok read 0)";
  EXPECT_EQ(Cas(other), "valid");
  EXPECT_EQ(Etcd(other), "valid");
}

TEST(RegisterTextbookTest, EtcdFailedCasLinearizesWhereTheCompareFails) {
  // The failed cas overlaps the write of 3, so it can fail after it.
  EXPECT_EQ(Etcd(R"(
    0 invoke write 0
    0 ok write 0
    1 invoke cas [0,1]
    2 invoke write 3
    2 ok write 3
    1 fail cas [0,1]
    2 invoke write 0
    2 ok write 0)"),
            "valid");
}

TEST(RegisterTextbookTest, NilReadMatchesAnyOnlyWhenAsked) {
  const char* spec = R"(
    0 invoke write 1
    0 ok write 1
    1 invoke read
    1 ok read nil)";
  EXPECT_EQ(Cas(spec), "invalid");
  ModelOptions knossos;
  knossos.nil_read_matches_any = true;
  EXPECT_EQ(VerdictBothWays(spec, "cas-register", knossos), "valid");
  EXPECT_EQ(VerdictBothWays(spec, "etcd", knossos), "valid");
  // Reads of other values still count.
  EXPECT_EQ(
      VerdictBothWays(std::string(spec) + "\n1 invoke read\n1 ok read 2", "cas-register", knossos),
      "invalid");
}

TEST(RegisterTextbookTest, InitialValueIsAnOption) {
  const char* spec = "0 invoke read\n0 ok read 0\n0 invoke cas [0,1]\n0 ok cas [0,1]";
  EXPECT_EQ(Cas(spec), "invalid");
  ModelOptions zero;
  zero.initial = Value::Int(0);
  EXPECT_EQ(VerdictBothWays(spec, "cas-register", zero), "valid");
}

TEST(RegisterTextbookTest, RegisterModelRejectsCas) {
  LinearizabilityOptions options;
  options.model = "register";
  Result<LinearizabilityResult> r =
      CheckLinearizability(ParseSpec("0 invoke cas [0,1]\n0 ok cas [0,1]"), "test", options);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidInput);
  EXPECT_NE(r.status().message().find("test:1:"), std::string::npos) << r.status().message();
}

TEST(RegisterTextbookTest, BadValuesAreInputErrorsNamingTheLine) {
  LinearizabilityOptions options;
  Result<LinearizabilityResult> r = CheckLinearizability(
      ParseSpec("0 invoke write 1\n0 ok write 1\n1 invoke cas [1]\n1 ok cas [1]"), "test", options);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("test:3:"), std::string::npos) << r.status().message();
  options.model = "queue";
  EXPECT_EQ(CheckLinearizability(History(), "test", options).status().code(),
            Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace faultline
