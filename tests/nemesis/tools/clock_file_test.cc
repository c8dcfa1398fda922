// The clock file and its sequence latch, in process: ClockFile creates, refuses and repairs
// files; readers see complete settings between a writer's steps; the strobe formula.
#include "nemesis/clock/clock_file.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "tests/nemesis/tools/temp_dir.h"

namespace faultline {
namespace {

using testing::TempDir;

TEST(ClockFileTest, CreatesAZeroRecordWithMode0644WhateverTheUmask) {
  TempDir dir;
  const mode_t old_umask = umask(077);
  Result<ClockFile> file = ClockFile::OpenOrCreate(dir.File("n1.clock"));
  umask(old_umask);
  ASSERT_TRUE(file.ok()) << file.status().message();
  struct stat st;
  ASSERT_EQ(stat(dir.File("n1.clock").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0644u);
  EXPECT_EQ(st.st_size, static_cast<off_t>(sizeof(ClockRecord)));
  Result<ClockSettings> settings = file->Read();
  ASSERT_TRUE(settings.ok()) << settings.status().message();
  EXPECT_EQ(*settings, ClockSettings{});
}

TEST(ClockFileTest, WritesInPlaceAndAnotherHandleSeesIt) {
  TempDir dir;
  const std::string path = dir.File("n1.clock");
  Result<ClockFile> writer = ClockFile::OpenOrCreate(path);
  ASSERT_TRUE(writer.ok());
  struct stat before, after;
  ASSERT_EQ(stat(path.c_str(), &before), 0);
  Result<ClockFile> reader = ClockFile::OpenExisting(path);
  ASSERT_TRUE(reader.ok());
  const ClockSettings set{.offset_ms = -2500, .strobe_delta_ms = 40, .strobe_period_ms = 7};
  ASSERT_TRUE(writer->Write(set).ok());
  ASSERT_EQ(stat(path.c_str(), &after), 0);
  EXPECT_EQ(before.st_ino, after.st_ino);
  Result<ClockSettings> seen = reader->Read();
  ASSERT_TRUE(seen.ok());
  EXPECT_EQ(*seen, set);
}

TEST(ClockFileTest, RefusesToOverwriteAFileThatIsNotAClockFile) {
  TempDir dir;
  const std::string path = dir.File("notes.txt");
  { std::ofstream(path) << "important notes\n"; }
  Result<ClockFile> file = ClockFile::OpenOrCreate(path);
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.status().message().find("not a faultline clock file"), std::string::npos)
      << file.status().message();
  std::ifstream in(path);
  std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_EQ(content, "important notes\n");

  // The right size but another magic number: refused too.
  const std::string other = dir.File("other.bin");
  { std::ofstream(other) << std::string(sizeof(ClockRecord), 'x'); }
  Result<ClockFile> other_file = ClockFile::OpenOrCreate(other);
  ASSERT_FALSE(other_file.ok());
  EXPECT_NE(other_file.status().message().find("bad magic"), std::string::npos);
}

TEST(ClockFileTest, OpenExistingNamesTheMissingFileAndHowToCreateIt) {
  TempDir dir;
  Result<ClockFile> file = ClockFile::OpenExisting(dir.File("missing.clock"));
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.status().message().find("missing.clock: no such clock file"), std::string::npos);
  EXPECT_NE(file.status().message().find("faultline-clock reset"), std::string::npos);
}

TEST(ClockFileTest, RejectsOutOfRangeAndHalfStrobeSettings) {
  TempDir dir;
  Result<ClockFile> file = ClockFile::OpenOrCreate(dir.File("n1.clock"));
  ASSERT_TRUE(file.ok());
  EXPECT_FALSE(file->Write({.offset_ms = kClockMaxOffsetMs + 1}).ok());
  EXPECT_FALSE(file->Write({.offset_ms = 0, .strobe_delta_ms = 5}).ok());
  EXPECT_FALSE(file->Write({.offset_ms = 0, .strobe_delta_ms = 5, .strobe_period_ms = -1}).ok());
  EXPECT_FALSE(file->Write({.offset_ms = 0, .strobe_delta_ms = 0, .strobe_period_ms = 10}).ok());
  Result<ClockSettings> unchanged = file->Read();
  ASSERT_TRUE(unchanged.ok());
  EXPECT_EQ(*unchanged, ClockSettings{});
}

// A writer killed after its first step leaves the sequence odd and copy 0 half-written:
// readers keep seeing the complete old settings (copy 1), and the next write completes.
TEST(ClockFileTest, WriterThatDiedMidUpdateLeavesTheOldSettingsAndTheNextWriteRepairs) {
  TempDir dir;
  const std::string path = dir.File("n1.clock");
  Result<ClockFile> file = ClockFile::OpenOrCreate(path);
  ASSERT_TRUE(file.ok());
  ASSERT_TRUE(file->Write({.offset_ms = 10}).ok());
  {
    ClockRecord record;
    const int fd = open(path.c_str(), O_RDWR);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(pread(fd, &record, sizeof record, 0), ssize_t(sizeof record));
    ++record.sequence;                  // the first step...
    record.copies[0].offset_ms = 9999;  // ...and part of the new copy 0
    ASSERT_EQ(pwrite(fd, &record, sizeof record, 0), ssize_t(sizeof record));
    close(fd);
  }
  Result<ClockSettings> old = file->Read();
  ASSERT_TRUE(old.ok()) << old.status().message();
  EXPECT_EQ(*old, ClockSettings{.offset_ms = 10});
  ASSERT_TRUE(file->Write({.offset_ms = 77}).ok());
  Result<ClockSettings> repaired = file->Read();
  ASSERT_TRUE(repaired.ok());
  EXPECT_EQ(*repaired, ClockSettings{.offset_ms = 77});
}

// The latch step by step, as a reader sees it between the writer's steps (what
// WriteClockRecord does, paused): the concurrent case is covered end to end, across
// processes, by ClockPreloadTest.ThreadsNeverSeeATornOffsetWhileTheFileIsRewritten.
TEST(ClockRecordTest, ReadersUseTheCompleteCopyWhileAWriterIsBetweenSteps) {
  ClockRecord record{};
  const ClockSettings old_settings{.offset_ms = 5, .strobe_delta_ms = 1, .strobe_period_ms = 2};
  WriteClockRecord(&record, old_settings);
  ClockSettings s;
  ASSERT_TRUE(TryReadClockRecord(record, &s));
  EXPECT_EQ(s, old_settings);
  ASSERT_EQ(record.sequence % 2, 0u);

  ++record.sequence;  // step 1: readers move to copy 1 while copy 0 is rewritten
  record.copies[0] = {6, 0, 0};
  ASSERT_TRUE(TryReadClockRecord(record, &s));
  EXPECT_EQ(s, old_settings);
  ++record.sequence;  // step 2: readers move to the new copy 0 while copy 1 is rewritten
  record.copies[1] = {-1, -1, -1};
  ASSERT_TRUE(TryReadClockRecord(record, &s));
  EXPECT_EQ(s, ClockSettings{.offset_ms = 6});
}

TEST(ClockRecordTest, StrobeAlternatesEveryPeriodOfRealTime) {
  const ClockSettings s{.offset_ms = 100, .strobe_delta_ms = 50, .strobe_period_ms = 10};
  EXPECT_EQ(EffectiveOffsetMs(s, 0), 100);
  EXPECT_EQ(EffectiveOffsetMs(s, 9), 100);
  EXPECT_EQ(EffectiveOffsetMs(s, 10), 150);
  EXPECT_EQ(EffectiveOffsetMs(s, 19), 150);
  EXPECT_EQ(EffectiveOffsetMs(s, 20), 100);
  EXPECT_EQ(EffectiveOffsetMs(s, -1), 150);  // floor division before 1970
  EXPECT_EQ(EffectiveOffsetMs({.offset_ms = 7}, 12345), 7);
}

TEST(ClockRecordTest, UninitialisedRecordIsNotRead) {
  ClockRecord zero{};
  ClockSettings s;
  EXPECT_FALSE(TryReadClockRecord(zero, &s));
  EXPECT_FALSE(ClockRecordInitialised(zero));
}

}  // namespace
}  // namespace faultline
