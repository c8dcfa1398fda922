// faultline-clock, the real binary: set/reset/show round trips, in-place updates, and bad
// input that must exit non-zero with a message naming what was wrong.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <string>
#include <vector>

#include "tests/nemesis/tools/subprocess.h"
#include "tests/nemesis/tools/temp_dir.h"

namespace faultline {
namespace {

using testing::Run;
using testing::RunResult;
using testing::TempDir;

RunResult Tool(std::vector<std::string> args) {
  args.insert(args.begin(), FAULTLINE_CLOCK_TOOL);
  return Run(args);
}

TEST(ClockToolTest, SetShowResetRoundTrip) {
  TempDir dir;
  const std::string file = dir.File("n1.clock");
  RunResult set = Tool({"set", file, "--offset-ms", "-1500"});
  ASSERT_EQ(set.exit_code, 0) << set.err;
  RunResult show = Tool({"show", file});
  ASSERT_EQ(show.exit_code, 0) << show.err;
  EXPECT_EQ(show.out,
            "offset_ms=-1500 strobe_delta_ms=0 strobe_period_ms=0 effective_offset_ms=-1500\n");

  struct stat before, after;
  ASSERT_EQ(stat(file.c_str(), &before), 0);
  RunResult strobe = Tool({"set", file, "--offset-ms=10", "--strobe-delta-ms", "5",
                           "--strobe-period-ms=1000000000000"});
  ASSERT_EQ(strobe.exit_code, 0) << strobe.err;
  ASSERT_EQ(stat(file.c_str(), &after), 0);
  EXPECT_EQ(before.st_ino, after.st_ino) << "the file must be updated in place";
  show = Tool({"show", file});
  // Real time today is in the second period of 10^12 ms (2001-09-09 .. 2033-05-18): odd.
  EXPECT_EQ(show.out,
            "offset_ms=10 strobe_delta_ms=5 strobe_period_ms=1000000000000 "
            "effective_offset_ms=15\n");

  ASSERT_EQ(Tool({"reset", file}).exit_code, 0);
  show = Tool({"show", file});
  EXPECT_EQ(show.out, "offset_ms=0 strobe_delta_ms=0 strobe_period_ms=0 effective_offset_ms=0\n");
}

TEST(ClockToolTest, ResetCreatesAMissingFile) {
  TempDir dir;
  const std::string file = dir.File("fresh.clock");
  ASSERT_EQ(Tool({"reset", file}).exit_code, 0);
  struct stat st;
  ASSERT_EQ(stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
}

struct BadInput {
  std::string name;               // the test's name
  std::vector<std::string> args;  // "FILE" is replaced by a path in a fresh directory
  int exit_code;
  std::string message;  // a part of stderr
};

class ClockToolBadInputTest : public ::testing::TestWithParam<BadInput> {};

TEST_P(ClockToolBadInputTest, ExitsNonZeroWithAMessage) {
  TempDir dir;
  { std::ofstream(dir.File("notes.txt")) << "not a clock\n"; }
  std::vector<std::string> args = GetParam().args;
  for (std::string& a : args) {
    if (a == "FILE") a = dir.File("n1.clock");
    if (a == "NOTES") a = dir.File("notes.txt");
    if (a == "NODIR") a = dir.File("no/such/dir/n1.clock");
  }
  RunResult r = Tool(args);
  EXPECT_EQ(r.exit_code, GetParam().exit_code) << r.err;
  EXPECT_NE(r.err.find(GetParam().message), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ClockToolBadInputTest,
    ::testing::Values(
        BadInput{"NoCommand", {}, 3, "missing command"},
        BadInput{"UnknownCommand", {"skew", "FILE"}, 3, "unknown command 'skew'"},
        BadInput{"SetWithoutFile", {"set"}, 3, "set needs the clock FILE"},
        BadInput{"SetWithoutOffset", {"set", "FILE"}, 3, "set needs --offset-ms"},
        BadInput{
            "OptionWithoutValue", {"set", "FILE", "--offset-ms"}, 3, "--offset-ms needs a value"},
        BadInput{"OffsetWithUnit",
                 {"set", "FILE", "--offset-ms", "12s"},
                 3,
                 "'12s' is not a whole number"},
        BadInput{"EmptyOffset", {"set", "FILE", "--offset-ms", ""}, 3, "'' is not a whole number"},
        BadInput{"OffsetOverflowsInt64",
                 {"set", "FILE", "--offset-ms", "99999999999999999999"},
                 3,
                 "not a whole number"},
        BadInput{
            "OffsetOutOfRange", {"set", "FILE", "--offset-ms", "1000000000001"}, 3, "out of range"},
        BadInput{"UnknownOption", {"set", "FILE", "--offset", "5"}, 3, "unknown option '--offset'"},
        BadInput{"StrobeWithoutPeriod",
                 {"set", "FILE", "--offset-ms", "0", "--strobe-delta-ms", "5"},
                 3,
                 "a strobe needs both"},
        BadInput{"NegativeStrobePeriod",
                 {"set", "FILE", "--offset-ms", "0", "--strobe-delta-ms", "5", "--strobe-period-ms",
                  "-3"},
                 3,
                 "strobe period -3 ms is out of range"},
        BadInput{"ResetWithExtraArgument",
                 {"reset", "FILE", "extra"},
                 3,
                 "reset takes only FILE; unexpected 'extra'"},
        BadInput{"ShowMissingFile", {"show", "FILE"}, 3, "no such clock file"},
        BadInput{"SetOnForeignFile",
                 {"set", "NOTES", "--offset-ms", "5"},
                 3,
                 "not a faultline clock file"},
        BadInput{"ShowForeignFile", {"show", "NOTES"}, 3, "not a faultline clock file"},
        BadInput{"ResetInMissingDirectory", {"reset", "NODIR"}, 4, "cannot open the clock file"}),
    [](const ::testing::TestParamInfo<BadInput>& info) { return info.param.name; });

TEST(ClockToolTest, RefusedFileIsLeftUntouched) {
  TempDir dir;
  const std::string notes = dir.File("notes.txt");
  { std::ofstream(notes) << "not a clock\n"; }
  ASSERT_EQ(Tool({"reset", notes}).exit_code, 3);
  std::ifstream in(notes);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "not a clock\n");
}

}  // namespace
}  // namespace faultline
