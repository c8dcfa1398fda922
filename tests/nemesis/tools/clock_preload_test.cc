// libfaultline_clock.so in real processes: clock_probe (and `date`) run under LD_PRELOAD
// while the test changes the clock file. Every case runs twice: real time from the vDSO, and
// from the raw system call (FAULTLINE_CLOCK_NO_VDSO=1).
#include <gtest/gtest.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <fstream>
#include <memory>
#include <sstream>
#include <thread>

#include "nemesis/clock/clock_file.h"
#include "tests/nemesis/tools/subprocess.h"
#include "tests/nemesis/tools/temp_dir.h"

namespace faultline {
namespace {

using testing::Child;
using testing::TempDir;

constexpr int64_t kMs = 1'000'000;  // ns
constexpr int64_t kSec = 1'000'000'000;
// Scheduling delays between the probe's raw read and its library read stay far below this.
constexpr int64_t kToleranceNs = 50 * kMs;

int64_t RealNowNs() {
  timespec ts;
  syscall(SYS_clock_gettime, CLOCK_REALTIME, &ts);
  return int64_t{ts.tv_sec} * kSec + ts.tv_nsec;
}

// One answer of the probe's `sample` command (clock_probe.cc).
struct Sample {
  int64_t real_ns, realtime_ns, real_after_ns, coarse_ns, gettimeofday_us, time_s, timespec_get_ns;
  int64_t monotonic_ns, monotonic_real_ns, boottime_ns, boottime_real_ns;
};

class ClockPreloadTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty());
    clock_path_ = dir_.File("n1.clock");
  }

  std::map<std::string, std::string> Env(const std::string& clock_file) const {
    return {{"LD_PRELOAD", FAULTLINE_CLOCK_LIB},
            {"FAULTLINE_CLOCK_FILE", clock_file},
            {"FAULTLINE_CLOCK_NO_VDSO", GetParam() ? "1" : ""}};
  }
  std::unique_ptr<Child> StartProbe(const std::string& clock_file) {
    auto probe = std::make_unique<Child>(std::vector<std::string>{CLOCK_PROBE}, Env(clock_file));
    EXPECT_TRUE(probe->running());
    return probe;
  }
  void Set(const ClockSettings& settings) {
    Result<ClockFile> file = ClockFile::OpenOrCreate(clock_path_);
    ASSERT_TRUE(file.ok()) << file.status().message();
    ASSERT_TRUE(file->Write(settings).ok());
  }
  static Sample Take(Child& probe) {
    std::istringstream in(probe.Ask("sample"));
    Sample s{};
    in >> s.real_ns >> s.realtime_ns >> s.real_after_ns >> s.coarse_ns >> s.gettimeofday_us >>
        s.time_s >> s.timespec_get_ns >> s.monotonic_ns >> s.monotonic_real_ns >> s.boottime_ns >>
        s.boottime_real_ns;
    EXPECT_FALSE(in.fail()) << "the probe did not answer a sample";
    return s;
  }
  // Every wall-clock call of one sample is shifted by offset_ms (within the tolerance; the
  // coarse clock and time() are behind by up to their resolution).
  static void ExpectShiftedBy(const Sample& s, int64_t offset_ms) {
    const int64_t expected = s.real_ns + offset_ms * kMs;
    EXPECT_NEAR(s.realtime_ns, expected, kToleranceNs) << "CLOCK_REALTIME";
    EXPECT_NEAR(s.coarse_ns, expected, kToleranceNs) << "CLOCK_REALTIME_COARSE";
    EXPECT_NEAR(s.gettimeofday_us * 1000, expected, kToleranceNs) << "gettimeofday";
    EXPECT_NEAR(s.timespec_get_ns, expected, kToleranceNs) << "timespec_get";
    EXPECT_NEAR(s.time_s * kSec, expected, kSec + kToleranceNs) << "time";
  }

  TempDir dir_;
  std::string clock_path_;
};

TEST_P(ClockPreloadTest, EveryWallClockCallIsShiftedByTheOffset) {
  Set({.offset_ms = 1'000'000});
  auto probe = StartProbe(clock_path_);
  ExpectShiftedBy(Take(*probe), 1'000'000);
  Set({.offset_ms = -3'600'000});
  ExpectShiftedBy(Take(*probe), -3'600'000);
}

TEST_P(ClockPreloadTest, FollowsChangesOfTheFileWhileRunningAndResetReturnsToRealTime) {
  Set({.offset_ms = 0});
  auto probe = StartProbe(clock_path_);
  ExpectShiftedBy(Take(*probe), 0);
  Set({.offset_ms = 250'000});
  ExpectShiftedBy(Take(*probe), 250'000);
  Set({.offset_ms = -7'000});
  ExpectShiftedBy(Take(*probe), -7'000);
  Result<ClockFile> file = ClockFile::OpenExisting(clock_path_);
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE(file->Write(ClockSettings{}).ok());  // what `faultline-clock reset` writes
  ExpectShiftedBy(Take(*probe), 0);
}

TEST_P(ClockPreloadTest, MonotonicAndBoottimeAreNotShifted) {
  Set({.offset_ms = 5'000'000});
  auto probe = StartProbe(clock_path_);
  const Sample s = Take(*probe);
  ExpectShiftedBy(s, 5'000'000);
  // The library's reading comes first, so the raw one is later by a few microseconds.
  EXPECT_NEAR(s.monotonic_ns, s.monotonic_real_ns, kToleranceNs);
  EXPECT_LE(s.monotonic_ns, s.monotonic_real_ns);
  EXPECT_NEAR(s.boottime_ns, s.boottime_real_ns, kToleranceNs);
}

TEST_P(ClockPreloadTest, StrobeAlternatesBetweenOffsetAndOffsetPlusDelta) {
  constexpr int64_t kPeriodMs = 100, kOffsetMs = 40'000, kDeltaMs = 300'000;
  const ClockSettings strobe{
      .offset_ms = kOffsetMs, .strobe_delta_ms = kDeltaMs, .strobe_period_ms = kPeriodMs};
  Set(strobe);
  auto probe = StartProbe(clock_path_);
  int base_phase = 0, delta_phase = 0;
  // Samples until both phases were seen several times (a deadline only guards against a hang).
  const int64_t give_up = RealNowNs() + 20 * kSec;
  while ((base_phase < 3 || delta_phase < 3) && RealNowNs() < give_up) {
    const Sample s = Take(*probe);
    // The library read real time somewhere between the probe's two raw readings: only if
    // both are in the same phase is the phase it used certain.
    const int64_t offset_ms = EffectiveOffsetMs(strobe, s.real_ns / kMs);
    if (EffectiveOffsetMs(strobe, s.real_after_ns / kMs) != offset_ms) continue;
    ASSERT_GE(s.realtime_ns, s.real_ns + offset_ms * kMs);
    ASSERT_LE(s.realtime_ns, s.real_after_ns + offset_ms * kMs + kMs);
    (offset_ms == kOffsetMs ? base_phase : delta_phase)++;
    usleep(7'000);
  }
  EXPECT_GE(base_phase, 3);
  EXPECT_GE(delta_phase, 3);
}

TEST_P(ClockPreloadTest, NoClockFileMeansRealTime) {
  auto missing = StartProbe(dir_.File("does-not-exist.clock"));
  ExpectShiftedBy(Take(*missing), 0);
  auto unset = StartProbe("");
  ExpectShiftedBy(Take(*unset), 0);
  // A file that is too short to be a record is never mapped (it would fault).
  { std::ofstream(dir_.File("short.clock")) << "x"; }
  auto short_file = StartProbe(dir_.File("short.clock"));
  ExpectShiftedBy(Take(*short_file), 0);
}

// A process started before its clock file exists picks the file up once it appears (the
// library looks again at most once a second).
TEST_P(ClockPreloadTest, ClockFileCreatedAfterStartIsPickedUp) {
  auto probe = StartProbe(clock_path_);
  ExpectShiftedBy(Take(*probe), 0);
  Set({.offset_ms = 900'000});
  const int64_t give_up = RealNowNs() + 20 * kSec;
  Sample s = Take(*probe);
  while (s.realtime_ns - s.real_ns < 450'000 * kMs && RealNowNs() < give_up) {
    usleep(50'000);
    s = Take(*probe);
  }
  ExpectShiftedBy(s, 900'000);
}

TEST_P(ClockPreloadTest, DateCommandShowsTheOffset) {
  Set({.offset_ms = 2'000'000'000});  // about 23 days ahead
  const int64_t before_s = RealNowNs() / kSec;
  testing::RunResult date = testing::Run({"date", "+%s"}, Env(clock_path_));
  const int64_t after_s = RealNowNs() / kSec;
  ASSERT_EQ(date.exit_code, 0) << date.err;
  const int64_t shown = std::stoll(date.out);
  EXPECT_GE(shown, before_s + 2'000'000);
  EXPECT_LE(shown, after_s + 2'000'000);
}

// Threads of one process read the clock while this test rewrites the file as fast as it
// can between two settings whose fields differ in every position: offset 1000 s without a
// strobe, and offset 3000 s with a strobe of -1000 s whose phase is odd for the whole run
// (2000 s in effect). A torn read mixes them into 0 s or 3000 s.
TEST_P(ClockPreloadTest, ThreadsNeverSeeATornOffsetWhileTheFileIsRewritten) {
  const int64_t now_ms = RealNowNs() / kMs;
  const ClockSettings a{.offset_ms = 1'000'000};
  // floor(now / period) == 3, and stays so for years: now is mid-way through phase 3.
  const ClockSettings b{
      .offset_ms = 3'000'000, .strobe_delta_ms = -1'000'000, .strobe_period_ms = now_ms * 2 / 7};
  ASSERT_EQ(EffectiveOffsetMs(b, now_ms), 2'000'000);
  Set(a);
  auto probe = StartProbe(clock_path_);
  Result<ClockFile> file = ClockFile::OpenExisting(clock_path_);
  ASSERT_TRUE(file.ok());
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int64_t i = 0; !stop.load(std::memory_order_relaxed); ++i) {
      Status written = file->Write(i % 2 ? b : a);
      if (!written.ok()) {
        ADD_FAILURE() << written.message();
        return;
      }
    }
  });
  std::istringstream answer(probe->Ask("hammer 2 1000000 1000 2000"));
  stop = true;
  writer.join();
  int64_t seen_a = -1, seen_b = -1, torn = -1;
  answer >> seen_a >> seen_b >> torn;
  EXPECT_EQ(torn, 0);
  EXPECT_GE(seen_a, 1000);
  EXPECT_GE(seen_b, 1000);
}

// Regression: the library passed mmap's offset to syscall() as an int, leaving the upper half
// of that (stack) argument undefined; built with clang, about one process in three mapped
// the file at a huge offset and died with SIGBUS on its first clock call. Each process gets a
// fresh stack, so many of them are started.
TEST_P(ClockPreloadTest, EveryProcessMapsTheFileAndReadsTheOffset) {
  Set({.offset_ms = 2'000'000'000});
  for (int i = 0; i < 40; ++i) {
    testing::RunResult date = testing::Run({"date", "+%s"}, Env(clock_path_));
    ASSERT_EQ(date.exit_code, 0) << "process " << i << " (-1: killed by a signal) " << date.err;
    EXPECT_GE(std::stoll(date.out), RealNowNs() / kSec + 1'999'999) << "process " << i;
  }
}

INSTANTIATE_TEST_SUITE_P(RealTimeSource, ClockPreloadTest, ::testing::Values(false, true),
                         [](const ::testing::TestParamInfo<bool>& info) {
                           return info.param ? std::string("Syscall") : std::string("Vdso");
                         });

}  // namespace
}  // namespace faultline
