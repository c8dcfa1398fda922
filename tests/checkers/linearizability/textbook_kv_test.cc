// Textbook histories for the kv and mutex models, for multi-key histories (per-key reports,
// --no-partition, --fail-fast), and for the explanation of an invalid result.
#include <gtest/gtest.h>

#include <string>

#include "checkers/linearizability/checker.h"
#include "tests/checkers/linearizability/history_spec.h"

namespace faultline {
namespace {

using testing_spec::CheckOk;
using testing_spec::ParseSpec;
using testing_spec::VerdictBothWays;

std::string Kv(std::string_view spec) { return VerdictBothWays(spec, "kv"); }
std::string Mutex(std::string_view spec) { return VerdictBothWays(spec, "mutex"); }

TEST(KvTextbookTest, GetsSeeAppendsInOrder) {
  const std::string appends = R"(
    0 invoke append @k "x"
    0 ok append @k "x"
    0 invoke append @k "y"
    0 ok append @k "y"
    1 invoke get @k)";
  EXPECT_EQ(Kv(appends + "\n1 ok get @k \"xy\""), "valid");
  EXPECT_EQ(Kv(appends + "\n1 ok get @k \"yx\""), "invalid");
  EXPECT_EQ(Kv(appends + "\n1 ok get @k \"x\""), "invalid");
  EXPECT_EQ(Kv(appends + "\n1 ok get @k \"xyy\""), "invalid");
}

TEST(KvTextbookTest, ConcurrentAppendsInEitherOrder) {
  const std::string appends = R"(
    0 invoke append @k "x"
    1 invoke append @k "y"
    0 ok append @k "x"
    1 ok append @k "y"
    2 invoke get @k)";
  EXPECT_EQ(Kv(appends + "\n2 ok get @k \"xy\""), "valid");
  EXPECT_EQ(Kv(appends + "\n2 ok get @k \"yx\""), "valid");
  EXPECT_EQ(Kv(appends + "\n2 ok get @k \"y\""), "invalid");
}

TEST(KvTextbookTest, PutReplacesTheString) {
  const std::string ops = R"(
    0 invoke append @k "a"
    0 ok append @k "a"
    0 invoke put @k "b"
    0 ok put @k "b"
    0 invoke append @k "c"
    0 ok append @k "c"
    1 invoke get @k)";
  EXPECT_EQ(Kv(ops + "\n1 ok get @k \"bc\""), "valid");
  EXPECT_EQ(Kv(ops + "\n1 ok get @k \"abc\""), "invalid");
  EXPECT_EQ(Kv(ops + "\n1 ok get @k \"c\""), "invalid");
}

TEST(KvTextbookTest, InitialStringIsEmpty) {
  EXPECT_EQ(Kv("0 invoke get @k\n0 ok get @k \"\""), "valid");
  EXPECT_EQ(Kv("0 invoke get @k\n0 ok get @k nil"), "valid");
  EXPECT_EQ(Kv("0 invoke get @k\n0 ok get @k \"x\""), "invalid");
}

TEST(KvTextbookTest, InfoAppendMayOrMayNotHaveHappened) {
  const std::string info = R"(
    0 invoke append @k "x"
    0 info append @k "x"
    1 invoke append @k "y"
    1 ok append @k "y"
    1 invoke get @k)";
  EXPECT_EQ(Kv(info + "\n1 ok get @k \"y\""), "valid");
  EXPECT_EQ(Kv(info + "\n1 ok get @k \"xy\""), "valid");
  EXPECT_EQ(Kv(info + "\n1 ok get @k \"yx\""), "valid");
  EXPECT_EQ(Kv(info + "\n1 ok get @k \"yx\"\n1 invoke get @k\n1 ok get @k \"y\""), "invalid");
  EXPECT_EQ(Kv(info + "\n1 ok get @k \"xyx\""), "invalid");
}

TEST(KvTextbookTest, RepeatedAppendValuesFallBackToTheSearch) {
  const std::string twice = R"(
    0 invoke append @k "x"
    0 ok append @k "x"
    0 invoke append @k "x"
    0 ok append @k "x"
    1 invoke get @k)";
  EXPECT_EQ(Kv(twice + "\n1 ok get @k \"xx\""), "valid");
  EXPECT_EQ(Kv(twice + "\n1 ok get @k \"x\""), "invalid");
}

TEST(KvTextbookTest, AmbiguousSplitsFallBackToTheSearch) {
  // "ab" is either the put "ab" or "a" then "b"; the put overlaps both appends.
  const std::string ops = R"(
    0 invoke put @k "ab"
    1 invoke append @k "a"
    1 ok append @k "a"
    1 invoke append @k "b"
    1 ok append @k "b"
    0 ok put @k "ab"
    2 invoke get @k)";
  EXPECT_EQ(Kv(ops + "\n2 ok get @k \"ab\""), "valid");
  EXPECT_EQ(Kv(ops + "\n2 ok get @k \"abab\""), "valid");
  EXPECT_EQ(Kv(ops + "\n2 ok get @k \"abb\""), "valid");
  EXPECT_EQ(Kv(ops + "\n2 ok get @k \"aab\""), "invalid");
  EXPECT_EQ(Kv(ops + "\n2 ok get @k \"ba\""), "invalid");
}

TEST(MutexTextbookTest, AcquireReleaseAcquireIsValid) {
  EXPECT_EQ(Mutex(R"(
    0 invoke acquire
    0 ok acquire
    0 invoke release
    0 ok release
    1 invoke acquire
    1 ok acquire)"),
            "valid");
}

TEST(MutexTextbookTest, TwoHoldersAtOnceIsInvalid) {
  EXPECT_EQ(Mutex(R"(
    0 invoke acquire
    0 ok acquire
    1 invoke acquire
    1 ok acquire)"),
            "invalid");
  // Overlapping with the release, the second acquire may come after it.
  EXPECT_EQ(Mutex(R"(
    0 invoke acquire
    0 ok acquire
    1 invoke acquire
    0 invoke release
    1 ok acquire
    0 ok release)"),
            "valid");
}

TEST(MutexTextbookTest, ReleaseOfAFreeLockIsInvalid) {
  EXPECT_EQ(Mutex("0 invoke release\n0 ok release"), "invalid");
}

TEST(MutexTextbookTest, InfoAcquireMayNotHaveHappened) {
  EXPECT_EQ(Mutex(R"(
    0 invoke acquire
    0 info acquire
    1 invoke acquire
    1 ok acquire)"),
            "valid");
}

TEST(MutexTextbookTest, InfoAcquireMustHaveHappenedForALaterRelease) {
  const std::string spec = R"(
    0 invoke acquire
    0 info acquire
    1 invoke release
    1 ok release)";
  EXPECT_EQ(Mutex(spec), "valid");
  EXPECT_EQ(Mutex(spec + "\n1 invoke release\n1 ok release"), "invalid");
  EXPECT_EQ(Mutex("0 invoke acquire\n0 fail acquire\n1 invoke release\n1 ok release"), "invalid");
}

// Three keys of a cas-register; only b has a stale read.
const char* kThreeKeys = R"(
    0 invoke write @a 1
    0 ok write @a 1
    1 invoke write @b 1
    1 ok write @b 1
    1 invoke write @b 2
    1 ok write @b 2
    2 invoke read @b
    2 ok read @b 1
    2 invoke write @c 5
    0 invoke read @a
    0 ok read @a 1
    2 ok write @c 5
    nemesis info start-partition
    3 invoke read @c
    3 ok read @c 5)";

TEST(KeysTest, OnlyTheBadKeyIsReported) {
  const History h = ParseSpec(kThreeKeys);
  for (bool unique : {true, false}) {
    LinearizabilityOptions options;
    options.unique_values = unique;
    const LinearizabilityResult r = CheckOk(h, options);
    EXPECT_EQ(r.verdict, Verdict::kInvalid);
    EXPECT_EQ(r.keys, 3u);
    EXPECT_EQ(r.invalid_keys, 1u);
    ASSERT_EQ(r.problems.size(), 1u);
    EXPECT_EQ(r.problems[0].key, "b");
    EXPECT_FALSE(r.problems[0].explanation.empty());
    EXPECT_EQ(r.unique_value_keys, unique ? 3u : 0u);
  }
}

TEST(KeysTest, UnpartitionedCheckAgrees) {
  LinearizabilityOptions options;
  options.partition_by_key = false;
  const LinearizabilityResult bad = CheckOk(ParseSpec(kThreeKeys), options);
  EXPECT_EQ(bad.verdict, Verdict::kInvalid);
  EXPECT_EQ(bad.keys, 1u);
  // Without key b's stale read, every key is fine.
  std::string good = kThreeKeys;
  good.replace(good.find("ok read @b 1"), 12, "ok read @b 2");
  EXPECT_EQ(CheckOk(ParseSpec(good), options).verdict, Verdict::kValid);
  options.partition_by_key = true;
  EXPECT_EQ(CheckOk(ParseSpec(good), options).verdict, Verdict::kValid);
}

// 30 keys; every third has a lost write.
std::string ManyKeys() {
  std::string spec;
  for (int k = 0; k < 30; ++k) {
    const std::string key = " @k" + std::to_string(k);
    const std::string seen = k % 3 == 0 ? " nil" : " 1";
    spec += "0 invoke write" + key + " 1\n0 ok write" + key + " 1\n";
    spec += "1 invoke read" + key + "\n1 ok read" + key + seen + "\n";
  }
  return spec;
}

TEST(KeysTest, WithoutFailFastEveryBadKeyIsReported) {
  LinearizabilityOptions options;
  options.unique_values = false;
  const LinearizabilityResult r = CheckOk(ParseSpec(ManyKeys()), options);
  EXPECT_EQ(r.verdict, Verdict::kInvalid);
  EXPECT_EQ(r.invalid_keys, 10u);
  EXPECT_EQ(r.skipped_keys, 0u);
  ASSERT_EQ(r.problems.size(), 10u);
  for (size_t i = 0; i < r.problems.size(); ++i) {
    EXPECT_EQ(r.problems[i].key, "k" + std::to_string(3 * i)) << "in order of first appearance";
  }
}

TEST(KeysTest, FailFastStillFindsTheHistoryInvalid) {
  for (bool unique : {true, false}) {
    LinearizabilityOptions options;
    options.fail_fast = true;
    options.unique_values = unique;
    const LinearizabilityResult r = CheckOk(ParseSpec(ManyKeys()), options);
    EXPECT_EQ(r.verdict, Verdict::kInvalid);
    EXPECT_EQ(r.keys, 30u);
    EXPECT_GE(r.invalid_keys, 1u);
    EXPECT_EQ(r.unknown_keys, 0u) << "stopped keys count as skipped, not unknown";
    EXPECT_LE(r.invalid_keys + r.skipped_keys, 30u);
    for (const KeyResult& k : r.problems) EXPECT_EQ(k.verdict, Verdict::kInvalid);
  }
}

// Every op an explanation names is a real invoke of the history, of that process.
void ExpectRealOps(const History& h, const KeyResult& k) {
  EXPECT_LE(k.prefix.size(), k.prefix_length);
  EXPECT_FALSE(k.unplaced.empty()) << k.method;
  auto check = [&](const ExplainedOp& op) {
    ASSERT_GE(op.op_index, 0);
    ASSERT_LT(op.op_index, static_cast<int64_t>(h.size()));
    const Op& real = h[op.op_index];
    EXPECT_EQ(real.type, OpType::kInvoke) << op.op;
    EXPECT_EQ(real.process, op.process) << op.op;
    EXPECT_FALSE(op.op.empty());
  };
  for (const ExplainedOp& op : k.prefix) check(op);
  for (const ExplainedOp& op : k.unplaced) check(op);
}

TEST(ExplanationTest, PrefixAndUnplacedNameRealOps) {
  const History h = ParseSpec(R"(
    0 invoke write 1
    0 ok write 1
    1 invoke cas [1,2]
    1 ok cas [1,2]
    2 invoke write 3
    2 info write 3
    0 invoke read
    0 ok read 2
    0 invoke read
    0 ok read 1)");
  for (bool unique : {true, false}) {
    LinearizabilityOptions options;
    options.unique_values = unique;
    const LinearizabilityResult r = CheckOk(h, options);
    ASSERT_EQ(r.problems.size(), 1u);
    const KeyResult& k = r.problems[0];
    EXPECT_EQ(k.method, unique ? "unique-values" : "search");
    EXPECT_EQ(k.verdict, Verdict::kInvalid);
    EXPECT_FALSE(k.key.has_value());
    EXPECT_FALSE(k.explanation.empty());
    ExpectRealOps(h, k);
  }
}

TEST(ExplanationTest, SearchPrefixIsTheLongestLinearizablePrefix) {
  const History h = ParseSpec(R"(
    0 invoke write 1
    0 ok write 1
    0 invoke read
    0 ok read 1
    0 invoke write 2
    0 ok write 2
    0 invoke read
    0 ok read 1)");
  LinearizabilityOptions options;
  options.unique_values = false;
  const LinearizabilityResult r = CheckOk(h, options);
  ASSERT_EQ(r.problems.size(), 1u);
  const KeyResult& k = r.problems[0];
  ExpectRealOps(h, k);
  EXPECT_EQ(k.prefix_length, 3u);
  ASSERT_EQ(k.prefix.size(), 3u);
  EXPECT_EQ(k.prefix[2].op_index, 4);
  ASSERT_FALSE(k.unplaced.empty());
  EXPECT_EQ(k.unplaced[0].op_index, 6);
}

}  // namespace
}  // namespace faultline
