// The search's symmetry reduction (identical calls, search.h FindTwins) and the register
// models' impossible-op witness (impossible_ops.h): histories at the edge of each rule, where
// a rule that went one step too far would flip the verdict. Each is checked with the fast
// paths on and off (VerdictBothWays), so the search and the witness must agree.
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

// The method that settled the only problem key ("" when there is none).
std::string ProblemMethod(std::string_view spec) {
  LinearizabilityOptions options;
  const LinearizabilityResult r = CheckOk(ParseSpec(spec), options);
  return r.problems.empty() ? "" : r.problems[0].method;
}

// Write 1 by process 0 spans everything; process 1's write 1 lies inside it. The only
// linearization puts the later-invoked write first (1, read 1, 2, read 2, 1, read 1): two
// identical calls whose intervals nest are not interchangeable, so ordering identical calls
// by invoke alone would call this invalid.
TEST(SymmetryReductionTest, NestedIdenticalWritesKeepBothOrders) {
  EXPECT_EQ(Cas(R"(
    0 invoke write 1
    1 invoke write 1
    2 invoke read
    1 ok write 1
    2 ok read 1
    1 invoke write 2
    1 ok write 2
    2 invoke read
    2 ok read 2
    0 ok write 1
    2 invoke read
    2 ok read 1)"),
            "valid");
}

// The same shape with staggered intervals (invoked and completed in the same order): the
// search tries them only in that order, and still finds 1, read 1, 2, read 2, 1, read 1.
TEST(SymmetryReductionTest, StaggeredIdenticalWritesStillServeBothRoles) {
  EXPECT_EQ(Cas(R"(
    0 invoke write 1
    1 invoke write 1
    2 invoke read
    0 ok write 1
    2 ok read 1
    3 invoke write 2
    3 ok write 2
    2 invoke read
    2 ok read 2
    1 ok write 1
    2 invoke read
    2 ok read 1)"),
            "valid");
}

// One write 1 fewer than the reads need (1, 2, 1 with the 1 written once before the 2):
// invalid, and no reordering of identical calls may hide it.
TEST(SymmetryReductionTest, IdenticalWritesCannotBeUsedTwice) {
  EXPECT_EQ(Cas(R"(
    0 invoke write 1
    1 invoke write 1
    0 ok write 1
    1 ok write 1
    3 invoke write 2
    3 ok write 2
    2 invoke read
    2 ok read 2
    2 invoke read
    2 ok read 1)"),
            "invalid");
}

// An info write identical to a known one, invoked later: it may take effect after the
// known one and after a write 2, which the last read needs.
TEST(SymmetryReductionTest, InfoTwinOfAKnownWriteMayComeLater) {
  EXPECT_EQ(Cas(R"(
    0 invoke write 1
    1 invoke write 1
    0 ok write 1
    1 info write 1
    2 invoke write 2
    2 ok write 2
    3 invoke read
    3 ok read 2
    3 invoke read
    3 ok read 1)"),
            "valid");
}

// Write 2 completed before the read of 1 was invoked; the write 1 that can restore 1 is
// invoked before the read completes: valid. Invoked just after: impossible.
TEST(ImpossibleOpTest, RestoringWriteMustBeInvokedBeforeTheReadCompletes) {
  EXPECT_EQ(Cas(R"(
    0 invoke write 1
    0 ok write 1
    0 invoke write 2
    0 ok write 2
    1 invoke read
    2 invoke write 1
    1 ok read 1
    2 ok write 1)"),
            "valid");
  const char* late = R"(
    0 invoke write 1
    0 ok write 1
    0 invoke write 2
    0 ok write 2
    1 invoke read
    1 ok read 1
    2 invoke write 1
    2 ok write 1)";
  EXPECT_EQ(Cas(late), "invalid");
  EXPECT_EQ(ProblemMethod(late), "impossible-op");
}

// The restoring write must be able to follow the overwrite: it may, when it completes after
// the overwrite was invoked; it may not when it completed before. (The first write 2 only
// repeats a value, which keeps the unique-values path out, as in the tests below.)
TEST(ImpossibleOpTest, RestoringWriteMustCompleteAfterTheOverwriteWasInvoked) {
  EXPECT_EQ(Cas(R"(
    0 invoke write 2
    0 ok write 2
    0 invoke write 1
    1 invoke write 2
    0 ok write 1
    1 ok write 2
    2 invoke read
    2 ok read 1)"),
            "valid");
  const char* before = R"(
    0 invoke write 2
    0 ok write 2
    0 invoke write 1
    0 ok write 1
    1 invoke write 2
    1 ok write 2
    2 invoke read
    2 ok read 1)";
  EXPECT_EQ(Cas(before), "invalid");
  EXPECT_EQ(ProblemMethod(before), "impossible-op");
}

// The overwrite that counts is the last-invoked one: an older overwrite followed by a
// restoring write does not save a read that a newer overwrite precedes.
TEST(ImpossibleOpTest, TheLatestOverwriteDecides) {
  const char* spec = R"(
    0 invoke write 2
    0 ok write 2
    0 invoke write 1
    0 ok write 1
    0 invoke write 2
    0 ok write 2
    1 invoke read
    1 ok read 1)";
  EXPECT_EQ(Cas(spec), "invalid");
  EXPECT_EQ(ProblemMethod(spec), "impossible-op");
}

// A write of unknown outcome may restore the value; an observed failed cas (etcd) sets
// nothing, so it cannot.
TEST(ImpossibleOpTest, InfoWritesRestoreFailedCasDoesNot) {
  EXPECT_EQ(Cas(R"(
    0 invoke write 1
    0 ok write 1
    0 invoke write 2
    0 ok write 2
    2 invoke write 1
    2 info write 1
    1 invoke read
    1 ok read 1)"),
            "valid");
  EXPECT_EQ(Etcd(R"(
    0 invoke write 1
    0 ok write 1
    0 invoke write 2
    0 ok write 2
    2 invoke cas [2,1]
    2 fail cas [2,1]
    1 invoke read
    1 ok read 1)"),
            "invalid");
}

// A value nobody writes: impossible unless it is the initial value.
TEST(ImpossibleOpTest, TheInitialValueNeedsNoWriter) {
  EXPECT_EQ(Cas(R"(
    0 invoke write 1
    1 invoke read
    0 ok write 1
    1 ok read nil)"),
            "valid");
  EXPECT_EQ(Cas(R"(
    0 invoke cas [nil,3]
    0 ok cas [nil,3]
    1 invoke read
    1 ok read 3)"),
            "valid");
  const char* phantom = R"(
    0 invoke write 1
    0 ok write 1
    0 invoke write 1
    1 invoke read
    0 ok write 1
    1 ok read 5)";
  EXPECT_EQ(Cas(phantom), "invalid");
  EXPECT_EQ(ProblemMethod(phantom), "impossible-op");
}

// A cas needs its expected value as a read does; a cas v→v is not judged by the witness
// (it would be its own restoring write) and is left to the search.
TEST(ImpossibleOpTest, CasNeedsItsExpectedValue) {
  const char* gone = R"(
    0 invoke write 1
    0 ok write 1
    0 invoke write 2
    0 ok write 2
    0 invoke write 2
    0 ok write 2
    1 invoke cas [1,3]
    1 ok cas [1,3])";
  EXPECT_EQ(Cas(gone), "invalid");
  EXPECT_EQ(ProblemMethod(gone), "impossible-op");
  const char* same = R"(
    0 invoke write 1
    0 ok write 1
    0 invoke write 2
    0 ok write 2
    0 invoke write 2
    0 ok write 2
    1 invoke cas [1,1]
    1 ok cas [1,1])";
  EXPECT_EQ(Cas(same), "invalid");
  EXPECT_EQ(ProblemMethod(same), "search");
}

// The explanation names the impossible op and the overwrite, and shows a legal prefix.
TEST(ImpossibleOpTest, ExplanationNamesBothOps) {
  LinearizabilityOptions options;
  const LinearizabilityResult r = CheckOk(ParseSpec(R"(
    0 invoke write 1
    0 ok write 1
    0 invoke write 2
    0 ok write 2
    0 invoke write 2
    0 ok write 2
    1 invoke read
    1 ok read 1)"),
                                          options);
  ASSERT_EQ(r.problems.size(), 1u);
  const KeyResult& k = r.problems[0];
  EXPECT_EQ(k.verdict, Verdict::kInvalid);
  ASSERT_EQ(k.unplaced.size(), 2u);
  EXPECT_EQ(k.method, "impossible-op");
  EXPECT_EQ(k.unplaced[0].op_index, 6);  // the read
  EXPECT_EQ(k.unplaced[1].op_index, 4);  // the second write 2, the last overwrite
  EXPECT_NE(k.explanation.find("needs 1"), std::string::npos) << k.explanation;
  EXPECT_EQ(k.prefix_length, k.prefix.size());
}

}  // namespace
}  // namespace faultline
