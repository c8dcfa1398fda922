#include "nemesis/delayd/delay_queue.h"

#include <algorithm>
#include <limits>

namespace faultline {

DelayQueue::DelayQueue(int64_t delay_ns, int64_t jitter_ns, uint64_t seed)
    : delay_ns_(delay_ns), jitter_ns_(jitter_ns), random_(seed) {}

int64_t DelayQueue::Push(uint32_t id, int64_t now_ns) {
  int64_t hold_ns = delay_ns_;
  if (jitter_ns_ > 0) {
    const uint64_t span = static_cast<uint64_t>(jitter_ns_) * 2 + 1;
    hold_ns += static_cast<int64_t>(random_.Uniform(span)) - jitter_ns_;
  }
  const int64_t release_ns = now_ns + std::max<int64_t>(hold_ns, 0);
  heap_.push(Held{release_ns, arrivals_++, id});
  max_size_ = std::max(max_size_, heap_.size());
  return release_ns;
}

void DelayQueue::PopDue(int64_t now_ns, std::vector<uint32_t>* due) {
  while (!heap_.empty() && heap_.top().release_ns <= now_ns) {
    due->push_back(heap_.top().id);
    heap_.pop();
  }
}

void DelayQueue::PopAll(std::vector<uint32_t>* all) {
  PopDue(std::numeric_limits<int64_t>::max(), all);
}

std::optional<int64_t> DelayQueue::NextRelease() const {
  if (heap_.empty()) return std::nullopt;
  return heap_.top().release_ns;
}

}  // namespace faultline
