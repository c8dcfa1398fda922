// DelayQueue (which packets faultline-delayd releases when) and faultline-delayd's command
// line, without a kernel queue: the daemon itself is tested in namespaces by delayd_test.sh.
#include "nemesis/delayd/delay_queue.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "nemesis/delayd/delayd_options.h"
#include "tests/nemesis/tools/subprocess.h"

namespace faultline {
namespace {

constexpr int64_t kMs = 1'000'000;

TEST(DelayQueueTest, HoldsEveryPacketForTheDelayAndReleasesInArrivalOrder) {
  DelayQueue q(100 * kMs, 0, 1);
  EXPECT_FALSE(q.NextRelease().has_value());
  EXPECT_EQ(q.Push(11, 0), 100 * kMs);
  EXPECT_EQ(q.Push(12, 5 * kMs), 105 * kMs);
  EXPECT_EQ(q.Push(13, 5 * kMs), 105 * kMs);
  EXPECT_EQ(q.NextRelease(), 100 * kMs);
  std::vector<uint32_t> due;
  q.PopDue(100 * kMs - 1, &due);
  EXPECT_TRUE(due.empty());
  q.PopDue(100 * kMs, &due);
  EXPECT_EQ(due, std::vector<uint32_t>({11}));
  q.PopDue(200 * kMs, &due);
  EXPECT_EQ(due, std::vector<uint32_t>({11, 12, 13}));  // same instant: arrival order
  EXPECT_EQ(q.size(), 0u);
  EXPECT_EQ(q.max_size(), 3u);
}

TEST(DelayQueueTest, JitterStaysWithinBoundsReordersAndIsReproducibleFromTheSeed) {
  DelayQueue a(100 * kMs, 40 * kMs, 7), b(100 * kMs, 40 * kMs, 7), c(100 * kMs, 40 * kMs, 8);
  int64_t lowest = INT64_MAX, highest = INT64_MIN;
  bool differs_from_other_seed = false;
  for (uint32_t id = 0; id < 10'000; ++id) {
    const int64_t now = id * kMs;
    const int64_t release = a.Push(id, now);
    EXPECT_EQ(release, b.Push(id, now));
    differs_from_other_seed |= release != c.Push(id, now);
    lowest = std::min(lowest, release - now);
    highest = std::max(highest, release - now);
  }
  EXPECT_TRUE(differs_from_other_seed);
  EXPECT_GE(lowest, 60 * kMs);
  EXPECT_LE(highest, 140 * kMs);
  EXPECT_LT(lowest, 62 * kMs);  // the whole range is used
  EXPECT_GT(highest, 138 * kMs);
  std::vector<uint32_t> order;
  a.PopAll(&order);
  ASSERT_EQ(order.size(), 10'000u);
  EXPECT_FALSE(std::is_sorted(order.begin(), order.end()));  // jitter reorders, as netem does
}

TEST(DelayQueueTest, JitterLargerThanTheDelayNeverReleasesBeforeArrival) {
  DelayQueue q(5 * kMs, 50 * kMs, 3);
  for (uint32_t id = 0; id < 1000; ++id) EXPECT_GE(q.Push(id, 1000 * kMs), 1000 * kMs);
}

TEST(DelaydOptionsTest, ParsesAllOptions) {
  const char* argv[] = {"faultline-delayd", "--queue", "12",           "--delay-ms=250",
                        "--jitter-ms",      "30",      "--seed",       "99",
                        "--lifeline-fd",    "5",       "--max-queued", "1000"};
  Result<DelaydOptions> o = ParseDelaydOptions(std::size(argv), argv);
  ASSERT_TRUE(o.ok()) << o.status().message();
  EXPECT_EQ(o->queue, 12);
  EXPECT_EQ(o->delay_ms, 250);
  EXPECT_EQ(o->jitter_ms, 30);
  EXPECT_EQ(o->seed, 99u);
  EXPECT_EQ(o->lifeline_fd, 5);
  EXPECT_EQ(o->max_queued, 1000u);
}

struct BadArgs {
  std::string name;
  std::vector<std::string> args;
  std::string message;
};

class DelaydBadInputTest : public ::testing::TestWithParam<BadArgs> {};

// The real binary: exit 3 and a message, before it touches any queue.
TEST_P(DelaydBadInputTest, ExitsWithUsageErrorAndAMessage) {
  std::vector<std::string> argv = {FAULTLINE_DELAYD};
  argv.insert(argv.end(), GetParam().args.begin(), GetParam().args.end());
  testing::RunResult r = testing::Run(argv);
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.err.find(GetParam().message), std::string::npos) << r.err;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, DelaydBadInputTest,
    ::testing::Values(
        BadArgs{"NoArguments", {}, "--queue Q is required"},
        BadArgs{"NoDelay", {"--queue", "1"}, "--delay-ms D is required"},
        BadArgs{"QueueTooLarge",
                {"--queue", "70000", "--delay-ms", "5"},
                "--queue: '70000' is not a whole number in 0..65535"},
        BadArgs{"NegativeDelay", {"--queue", "1", "--delay-ms", "-5"}, "--delay-ms: '-5'"},
        BadArgs{"DelayWithUnit", {"--queue", "1", "--delay-ms", "100ms"}, "'100ms'"},
        BadArgs{"DelayTooLong", {"--queue", "1", "--delay-ms", "60001"}, "0..60000"},
        BadArgs{"UnknownOption",
                {"--queue", "1", "--delay-ms", "5", "--loss", "3"},
                "unknown option '--loss'"},
        BadArgs{"MissingValue", {"--queue", "1", "--delay-ms"}, "--delay-ms needs a value"},
        BadArgs{"ClosedLifeline",
                {"--queue", "1", "--delay-ms", "5", "--lifeline-fd", "987"},
                "--lifeline-fd 987 is not an open file descriptor"}),
    [](const ::testing::TestParamInfo<BadArgs>& info) { return info.param.name; });

TEST(DelaydHelpTest, UsageDocumentsTheStartAndStopOrder) {
  testing::RunResult r = testing::Run({FAULTLINE_DELAYD, "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("1. start faultline-delayd"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("delete the rule"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace faultline
