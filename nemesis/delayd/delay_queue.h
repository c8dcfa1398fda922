// DelayQueue: the packets faultline-delayd holds, each with the instant it is due to be
// released (arrival + delay ± jitter), handed back in order of release time. Pure logic on
// caller-supplied times, so it is tested without a kernel. Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <queue>
#include <vector>

#include "core/random.h"

namespace faultline {

class DelayQueue {
 public:
  // Every packet is held delay_ns, plus a jitter drawn uniformly from [-jitter_ns, +jitter_ns]
  // (never released before it arrived) from a generator seeded with `seed`.
  // REQUIRES: delay_ns >= 0, jitter_ns >= 0.
  DelayQueue(int64_t delay_ns, int64_t jitter_ns, uint64_t seed);

  // Holds packet `id`, which arrived at now_ns (monotonic). Returns its release time.
  int64_t Push(uint32_t id, int64_t now_ns);
  // Appends to *due every held packet whose release time is <= now_ns, earliest first (packets
  // due at the same instant in arrival order), and stops holding them.
  void PopDue(int64_t now_ns, std::vector<uint32_t>* due);
  // Appends every held packet, earliest first, and stops holding them (shutdown).
  void PopAll(std::vector<uint32_t>* all);
  // The release time of the earliest held packet, if any.
  std::optional<int64_t> NextRelease() const;

  size_t size() const { return heap_.size(); }
  size_t max_size() const { return max_size_; }  // the most packets held at once so far

 private:
  struct Held {
    int64_t release_ns;
    uint64_t arrival;  // arrival order: ties keep FIFO
    uint32_t id;
    bool operator>(const Held& o) const {
      return release_ns != o.release_ns ? release_ns > o.release_ns : arrival > o.arrival;
    }
  };

  int64_t delay_ns_;
  int64_t jitter_ns_;
  Random random_;
  uint64_t arrivals_ = 0;
  size_t max_size_ = 0;
  std::priority_queue<Held, std::vector<Held>, std::greater<Held>> heap_;
};

}  // namespace faultline
