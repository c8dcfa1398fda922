// The per-node clock file: a fixed 64-byte binary record (native byte order) holding a wall
// clock offset, read by libfaultline_clock.so in every skewed process and written in place
// by faultline-clock. Thread- and process-safe: one writer at a time (writers hold flock on
// the file), any number of readers, which never wait for a writer (a sequence latch).
//
// This header is shared by the LD_PRELOAD library, so it must stay allocation-free: no
// std::string, no exceptions, nothing with a static constructor.
#pragma once

#include <atomic>
#include <cstdint>

namespace faultline {

// "FLCLOCK1" read as a little-endian integer; the trailing digit is the format version.
inline constexpr uint64_t kClockMagic = 0x314B434F4C434C46ULL;
// Offsets and strobe deltas are bounded so that nanoseconds since 1970 plus the offset still
// fit an int64 (until 2230): ±10^12 ms is about ±31 years.
inline constexpr int64_t kClockMaxOffsetMs = 1'000'000'000'000;
// A strobe period is at most ~31 years too; 0 means "no strobe".
inline constexpr int64_t kClockMaxPeriodMs = 1'000'000'000'000;

// The settings one clock file holds.
struct ClockSettings {
  int64_t offset_ms = 0;         // added to CLOCK_REALTIME
  int64_t strobe_delta_ms = 0;   // during odd strobe periods, the offset is offset + delta
  int64_t strobe_period_ms = 0;  // length of one strobe phase; 0 = no strobe

  bool operator==(const ClockSettings&) const = default;
};

// True if every field is in range (a reader ignores a record that is not).
constexpr bool ClockSettingsValid(const ClockSettings& s) {
  return s.offset_ms >= -kClockMaxOffsetMs && s.offset_ms <= kClockMaxOffsetMs &&
         s.strobe_delta_ms >= -kClockMaxOffsetMs && s.strobe_delta_ms <= kClockMaxOffsetMs &&
         s.strobe_period_ms >= 0 && s.strobe_period_ms <= kClockMaxPeriodMs;
}

// The offset in effect at real (unshifted) time `real_ms` since the epoch. The strobe phase is
// derived from real time, so every process reading the same file flips at the same instant
// without any writer running: phase k = floor(real_ms / period); odd phases add the delta.
constexpr int64_t EffectiveOffsetMs(const ClockSettings& s, int64_t real_ms) {
  if (s.strobe_period_ms <= 0 || s.strobe_delta_ms == 0) return s.offset_ms;
  int64_t phase = real_ms / s.strobe_period_ms;
  if (real_ms % s.strobe_period_ms < 0) --phase;  // floor division before 1970
  return (phase & 1) ? s.offset_ms + s.strobe_delta_ms : s.offset_ms;
}

// The record as laid out in the file: a sequence "latch" and two copies of the settings.
// Fields are accessed only through std::atomic_ref.
//
// Why two copies (the latch technique of Linux's seqcount_latch): a writer first makes the
// sequence odd and rewrites copy 0 while readers use copy 1, then makes it even and rewrites
// copy 1 while readers use copy 0. A reader therefore never waits for a writer: one that is
// preempted, or killed, between its steps leaves a copy that is complete (the old or the new
// settings). A reader retries only when the sequence moved while it was reading, which needs
// the writer to make progress.
struct ClockCopy {
  int64_t offset_ms;
  int64_t strobe_delta_ms;
  int64_t strobe_period_ms;
};

struct alignas(64) ClockRecord {
  uint64_t magic;     // kClockMagic once initialised; a reader ignores anything else
  uint64_t sequence;  // readers use copies[sequence & 1]
  ClockCopy copies[2];
};
static_assert(sizeof(ClockRecord) == 64);
static_assert(std::atomic_ref<uint64_t>::is_always_lock_free &&
                  std::atomic_ref<int64_t>::is_always_lock_free,
              "the clock record is shared between processes: its atomics must be lock-free");

// True once a writer has initialised the record (a fresh file is all zeros).
inline bool ClockRecordInitialised(const ClockRecord& record) {
  auto& rec = const_cast<ClockRecord&>(record);  // atomic_ref needs non-const; loads only
  return std::atomic_ref<uint64_t>(rec.magic).load(std::memory_order_acquire) == kClockMagic;
}

// One attempt to read a consistent snapshot. Returns false if the record is not initialised
// or the writer moved the sequence while it was being read; the caller retries.
inline bool TryReadClockRecord(const ClockRecord& record, ClockSettings* out) {
  if (!ClockRecordInitialised(record)) return false;
  auto& rec = const_cast<ClockRecord&>(record);  // atomic_ref needs non-const; loads only
  std::atomic_ref<uint64_t> sequence(rec.sequence);
  const uint64_t before = sequence.load(std::memory_order_acquire);
  ClockCopy& copy = rec.copies[before & 1];
  out->offset_ms = std::atomic_ref<int64_t>(copy.offset_ms).load(std::memory_order_relaxed);
  out->strobe_delta_ms =
      std::atomic_ref<int64_t>(copy.strobe_delta_ms).load(std::memory_order_relaxed);
  out->strobe_period_ms =
      std::atomic_ref<int64_t>(copy.strobe_period_ms).load(std::memory_order_relaxed);
  std::atomic_thread_fence(std::memory_order_acquire);
  return sequence.load(std::memory_order_relaxed) == before;
}

namespace clock_record_internal {
inline void StoreCopy(ClockCopy* copy, const ClockSettings& s) {
  std::atomic_ref<int64_t>(copy->offset_ms).store(s.offset_ms, std::memory_order_relaxed);
  std::atomic_ref<int64_t>(copy->strobe_delta_ms)
      .store(s.strobe_delta_ms, std::memory_order_relaxed);
  std::atomic_ref<int64_t>(copy->strobe_period_ms)
      .store(s.strobe_period_ms, std::memory_order_relaxed);
}
}  // namespace clock_record_internal

// Writes `s`; readers see either the old or the new settings, never a mix. REQUIRES: the
// caller is the only writer (holds the file's flock). A writer that died after its first step
// left the sequence odd (readers on the complete copy 1): this write continues from there.
inline void WriteClockRecord(ClockRecord* rec, const ClockSettings& s) {
  std::atomic_ref<uint64_t> sequence(rec->sequence);
  uint64_t seq = sequence.load(std::memory_order_relaxed);
  if ((seq & 1) == 0) {
    sequence.store(++seq, std::memory_order_relaxed);  // readers move to copy 1
  }
  std::atomic_thread_fence(std::memory_order_release);
  clock_record_internal::StoreCopy(&rec->copies[0], s);
  sequence.store(++seq, std::memory_order_release);  // readers move to the new copy 0
  std::atomic_thread_fence(std::memory_order_release);
  clock_record_internal::StoreCopy(&rec->copies[1], s);
  std::atomic_ref<uint64_t>(rec->magic).store(kClockMagic, std::memory_order_release);
}

}  // namespace faultline
