// clock_probe: run under LD_PRELOAD=libfaultline_clock.so by clock_preload_test.cc. Reads one
// command per line on stdin and answers one line on stdout:
//   sample         -> real_ns realtime_ns real_after_ns coarse_ns gettimeofday_us time_s
//   timespec_get_ns
//                     monotonic_ns monotonic_real_ns boottime_ns boottime_real_ns
//                     ("real" values come from the raw system call, which the library does
//                     not intercept; the others through the library)
//   hammer T N A B -> T threads each call clock_gettime(CLOCK_REALTIME) at least N times and
//                     until both offsets A and B (whole seconds) were each seen 1000 times
//                     (at most 30 s); prints "a b other": how many readings were A, B or
//                     anything else (a torn read)
//   quit
// Single-threaded except inside hammer.
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

int64_t Nanos(const timespec& ts) { return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec; }

int64_t RawNanos(clockid_t id) {
  timespec ts;
  syscall(SYS_clock_gettime, id, &ts);
  return Nanos(ts);
}

int64_t LibNanos(clockid_t id) {
  timespec ts;
  if (clock_gettime(id, &ts) != 0) return -1;
  return Nanos(ts);
}

void Sample() {
  const int64_t real = RawNanos(CLOCK_REALTIME);
  const int64_t realtime = LibNanos(CLOCK_REALTIME);
  const int64_t real_after = RawNanos(CLOCK_REALTIME);
  const int64_t coarse = LibNanos(CLOCK_REALTIME_COARSE);
  timeval tv;
  gettimeofday(&tv, nullptr);
  const time_t seconds = time(nullptr);
  timespec ts_get;
  timespec_get(&ts_get, TIME_UTC);
  const int64_t mono = LibNanos(CLOCK_MONOTONIC);
  const int64_t mono_real = RawNanos(CLOCK_MONOTONIC);
  const int64_t boot = LibNanos(CLOCK_BOOTTIME);
  const int64_t boot_real = RawNanos(CLOCK_BOOTTIME);
  std::printf("%lld %lld %lld %lld %lld %lld %lld %lld %lld %lld %lld\n", (long long)real,
              (long long)realtime, (long long)real_after, (long long)coarse,
              (long long)(int64_t{tv.tv_sec} * 1'000'000 + tv.tv_usec), (long long)seconds,
              (long long)Nanos(ts_get), (long long)mono, (long long)mono_real, (long long)boot,
              (long long)boot_real);
}

void Hammer(int threads, int64_t calls, int64_t a_s, int64_t b_s) {
  std::atomic<int64_t> a{0}, b{0}, other{0};
  const int64_t deadline = RawNanos(CLOCK_MONOTONIC) + 30'000'000'000;
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      int64_t local_a = 0, local_b = 0, local_other = 0;
      for (int64_t i = 0;; ++i) {
        // The library read real time between `before` and `after`: the offset it applied
        // lies in [shifted - after, shifted - before], however long this thread was
        // preempted. Valid offsets are 1000 s apart, torn ones further still.
        const int64_t before = RawNanos(CLOCK_REALTIME);
        const int64_t shifted = LibNanos(CLOCK_REALTIME);
        const int64_t after = RawNanos(CLOCK_REALTIME);
        auto applied = [&](int64_t offset_s) {
          const int64_t offset = offset_s * 1'000'000'000;
          return offset >= shifted - after - 1'000'000 && offset <= shifted - before + 1'000'000;
        };
        if (applied(a_s)) {
          ++local_a;
        } else if (applied(b_s)) {
          ++local_b;
        } else {
          ++local_other;
        }
        if ((i & 1023) == 0) {
          a += local_a;
          b += local_b;
          other += local_other;
          local_a = local_b = local_other = 0;
          if (i >= calls && a >= 1000 && b >= 1000) break;
          if (RawNanos(CLOCK_MONOTONIC) > deadline) break;
        }
      }
      a += local_a;
      b += local_b;
      other += local_other;
    });
  }
  for (auto& w : workers) w.join();
  std::printf("%lld %lld %lld\n", (long long)a.load(), (long long)b.load(),
              (long long)other.load());
}

}  // namespace

int main() {
  std::string line;
  while (std::getline(std::cin, line)) {
    std::istringstream in(line);
    std::string command;
    in >> command;
    if (command == "sample") {
      Sample();
    } else if (command == "hammer") {
      int threads = 0;
      long long calls = 0, a = 0, b = 0;
      in >> threads >> calls >> a >> b;
      Hammer(threads, calls, a, b);
    } else if (command == "quit") {
      return 0;
    } else {
      std::printf("error: unknown command '%s'\n", command.c_str());
    }
    std::fflush(stdout);
  }
  return 0;
}
