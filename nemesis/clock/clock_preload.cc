// libfaultline_clock.so: an LD_PRELOAD library that shifts the wall clock one process sees by
// the offset in the clock file named by FAULTLINE_CLOCK_FILE (clock_record.h), so that nodes
// sharing one machine can have skewed clocks without anyone setting the machine's clock.
// Thread-safe and async-signal-safe: no allocation, no locks, no static constructors, no
// dlsym; it must live inside arbitrary C daemons (redis with jemalloc, postgres).
//
// Shifted: clock_gettime(CLOCK_REALTIME / CLOCK_REALTIME_COARSE), gettimeofday, time,
// timespec_get(TIME_UTC). Every other clock id is passed through unchanged. Real time comes
// from the vDSO's clock_gettime (found by parsing the vDSO, see vdso.h) or, if there is none
// or FAULTLINE_CLOCK_NO_VDSO=1, from the raw system call.
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>

#include "nemesis/clock/clock_record.h"
#include "nemesis/clock/vdso.h"

namespace faultline {
namespace {

constexpr int64_t kNanosPerSecond = 1'000'000'000;
constexpr int64_t kNanosPerMilli = 1'000'000;
// While the clock file is missing (or too short), look for it again at most this often.
constexpr int64_t kRetryNanos = kNanosPerSecond;
// How long a thread waits for another one that is mapping the clock file, and in what steps.
constexpr int64_t kMapWaitNanos = 10'000'000;
constexpr long kMapWaitStepNanos = 20'000;
// A read is retried only when a writer made progress during it (clock_record.h), and a write
// takes microseconds, so this bound is never reached in practice; if it were, that call would
// see no offset rather than spin.
constexpr int kMaxReadAttempts = 1000;

// All state is constant-initialised (zero): nothing runs before the first clock call.
enum : int { kUnresolved = 0, kResolved = 1 };
std::atomic<int> g_clock_source_state{kUnresolved};
std::atomic<VdsoClockGettime> g_vdso_clock_gettime{nullptr};

std::atomic<const ClockRecord*> g_record{nullptr};
std::atomic<bool> g_no_clock_file{false};     // FAULTLINE_CLOCK_FILE is unset
std::atomic<int64_t> g_next_open_attempt{0};  // real ns; 0 = never tried
std::atomic<bool> g_mapping{false};           // a thread is in Record()'s mapping step

int SyscallClockGettime(clockid_t id, struct timespec* ts) {
  return static_cast<int>(syscall(SYS_clock_gettime, id, ts));
}

bool EnvFlagSet(const char* name) {
  const char* value = getenv(name);
  return value != nullptr && value[0] == '1' && value[1] == '\0';
}

// The real clock, unshifted. Sets errno only when the kernel refuses (bad clock id, bad
// pointer), exactly as glibc's own clock_gettime would.
int RealClockGettime(clockid_t id, struct timespec* ts) {
  if (g_clock_source_state.load(std::memory_order_acquire) == kUnresolved) {
    // Racing threads compute the same answer; whoever stores last wins harmlessly.
    if (!EnvFlagSet("FAULTLINE_CLOCK_NO_VDSO")) {
      g_vdso_clock_gettime.store(FindVdsoClockGettime(), std::memory_order_relaxed);
    }
    g_clock_source_state.store(kResolved, std::memory_order_release);
  }
  VdsoClockGettime vdso = g_vdso_clock_gettime.load(std::memory_order_relaxed);
  if (vdso == nullptr) return SyscallClockGettime(id, ts);
  const int rc = vdso(id, ts);
  if (rc == 0) return 0;
  return SyscallClockGettime(id, ts);  // the vDSO returns -errno; the syscall sets errno
}

// Maps the clock file read-only, or returns nullptr if it is absent, too short or unreadable.
// Raw system calls: no cancellation points, and errno is restored by the caller.
const ClockRecord* MapClockFile(const char* path) {
  const int fd = static_cast<int>(
      syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (fd < 0) return nullptr;
  struct stat st;
  void* map = MAP_FAILED;
  // A shorter file would fault (SIGBUS) when read through the mapping: never map one.
  if (syscall(SYS_fstat, fd, &st) == 0 && S_ISREG(st.st_mode) &&
      st.st_size >= static_cast<off_t>(sizeof(ClockRecord))) {
    // syscall() is variadic and reads each argument as a long, so each is passed as one: the
    // offset, the sixth, travels on the stack, where a plain 0 (an int) left the upper half
    // of the slot undefined. With clang that half was often not zero, the file was mapped at
    // a huge offset, and the first read of the record died with SIGBUS.
    map = reinterpret_cast<void*>(syscall(SYS_mmap, nullptr, long{sizeof(ClockRecord)},
                                          long{PROT_READ}, long{MAP_SHARED}, long{fd}, 0L));
  }
  syscall(SYS_close, fd);
  // A failed mmap returns -errno, i.e. an address in the last page.
  if (map == MAP_FAILED || reinterpret_cast<uintptr_t>(map) > static_cast<uintptr_t>(-4096)) {
    return nullptr;
  }
  return static_cast<const ClockRecord*>(map);
}

// The mapped clock file, mapping it on first use. `real_ns` paces retries while it is missing.
// One thread maps at a time; a thread that finds another mapping waits for its answer (up to
// kMapWaitNanos, in case that is this thread's own interrupted call, from a signal handler)
// rather than read the clock unshifted meanwhile — else a second thread's first calls of a
// skewed process would see real time for the microseconds the first one spends in mmap.
const ClockRecord* Record(int64_t real_ns) {
  const ClockRecord* record = g_record.load(std::memory_order_acquire);
  if (record != nullptr || g_no_clock_file.load(std::memory_order_relaxed)) return record;
  bool idle = false;
  if (!g_mapping.compare_exchange_strong(idle, true, std::memory_order_acquire)) {
    for (int64_t waited = 0; waited < kMapWaitNanos; waited += kMapWaitStepNanos) {
      if (!g_mapping.load(std::memory_order_acquire)) break;
      const struct timespec step = {0, kMapWaitStepNanos};
      syscall(SYS_nanosleep, &step, nullptr);
    }
    return g_record.load(std::memory_order_acquire);
  }
  const ClockRecord* mapped = nullptr;
  const int64_t next = g_next_open_attempt.load(std::memory_order_relaxed);
  if (next == 0 || real_ns >= next) {
    g_next_open_attempt.store(real_ns + kRetryNanos, std::memory_order_relaxed);
    const int saved_errno = errno;
    const char* path = getenv("FAULTLINE_CLOCK_FILE");
    if (path == nullptr || path[0] == '\0') {
      g_no_clock_file.store(true, std::memory_order_relaxed);
    } else {
      mapped = MapClockFile(path);
    }
    errno = saved_errno;
    if (mapped != nullptr) g_record.store(mapped, std::memory_order_release);
  }
  g_mapping.store(false, std::memory_order_release);
  return mapped;
}

// The offset in effect now, in nanoseconds (0 without a valid clock file).
int64_t OffsetNanos(int64_t real_ns) {
  const ClockRecord* record = Record(real_ns);
  if (record == nullptr) return 0;
  ClockSettings settings;
  for (int attempt = 0; attempt < kMaxReadAttempts; ++attempt) {
    if (TryReadClockRecord(*record, &settings)) {
      if (!ClockSettingsValid(settings)) return 0;
      return EffectiveOffsetMs(settings, real_ns / kNanosPerMilli) * kNanosPerMilli;
    }
    if (!ClockRecordInitialised(*record)) return 0;  // not (yet) initialised: no offset
  }
  return 0;
}

int64_t ToNanos(const struct timespec& ts) {
  return static_cast<int64_t>(ts.tv_sec) * kNanosPerSecond + ts.tv_nsec;
}

struct timespec FromNanos(int64_t ns) {
  int64_t sec = ns / kNanosPerSecond;
  int64_t rem = ns % kNanosPerSecond;
  if (rem < 0) {
    rem += kNanosPerSecond;
    --sec;
  }
  struct timespec ts;
  ts.tv_sec = static_cast<time_t>(sec);
  ts.tv_nsec = static_cast<long>(rem);
  return ts;
}

// The shifted wall clock. REQUIRES: id is CLOCK_REALTIME or CLOCK_REALTIME_COARSE.
int ShiftedRealtime(clockid_t id, struct timespec* ts) {
  struct timespec real;
  const int rc = RealClockGettime(id, &real);
  if (rc != 0) return rc;
  const int64_t real_ns = ToNanos(real);
  *ts = FromNanos(real_ns + OffsetNanos(real_ns));
  return 0;
}

}  // namespace
}  // namespace faultline

// The overrides. Their signatures are glibc's (noexcept where glibc declares __THROW).
extern "C" {

__attribute__((visibility("default"))) int clock_gettime(clockid_t id,
                                                         struct timespec* ts) noexcept {
  if (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE) {
    return faultline::ShiftedRealtime(id, ts);
  }
  return faultline::RealClockGettime(id, ts);
}

__attribute__((visibility("default"))) int gettimeofday(struct timeval* tv, void* tz) noexcept {
  if (tz != nullptr) {
    // The obsolete timezone argument: let the kernel fill it, as glibc does.
    if (syscall(SYS_gettimeofday, nullptr, tz) != 0) return -1;
  }
  struct timespec ts;  // glibc declares tv non-null
  if (faultline::ShiftedRealtime(CLOCK_REALTIME, &ts) != 0) return -1;
  tv->tv_sec = ts.tv_sec;
  tv->tv_usec = static_cast<suseconds_t>(ts.tv_nsec / 1000);
  return 0;
}

__attribute__((visibility("default"))) time_t time(time_t* out) noexcept {
  struct timespec ts;
  if (faultline::ShiftedRealtime(CLOCK_REALTIME, &ts) != 0) return static_cast<time_t>(-1);
  if (out != nullptr) *out = ts.tv_sec;
  return ts.tv_sec;
}

__attribute__((visibility("default"))) int timespec_get(struct timespec* ts, int base) noexcept {
  if (base != TIME_UTC) return 0;
  return faultline::ShiftedRealtime(CLOCK_REALTIME, ts) == 0 ? base : 0;
}

}  // extern "C"
