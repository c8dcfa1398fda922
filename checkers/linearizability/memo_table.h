// MemoTable: the set of (linearized-calls bitset, model state) configurations a search has
// already explored (Lowe's memoisation). Open addressing over a flat arena of bitset words,
// so an entry costs a few words rather than a heap node. Not thread-safe: one per search.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace faultline {

// Heap bytes a state owns beyond its own sizeof (for the memory budget).
inline size_t HeapBytes(int64_t) { return 0; }
inline size_t HeapBytes(bool) { return 0; }
inline size_t HeapBytes(const std::string& s) {
  return s.capacity() > std::string().capacity() ? s.capacity() + 1 : 0;
}
template <typename T>
size_t HeapBytes(const std::vector<T>& v) {
  size_t n = v.capacity() * sizeof(T);
  for (const T& x : v) n += HeapBytes(x);
  return n;
}

template <typename State>
class MemoTable {
 public:
  explicit MemoTable(size_t words) : words_(words), slots_(1024, 0) {}
  MemoTable(const MemoTable&) = delete;
  MemoTable& operator=(const MemoTable&) = delete;

  // Adds the configuration; returns false if it was already present.
  bool Insert(uint64_t hash, const uint64_t* bits, const State& state) {
    if ((hashes_.size() + 1) * 2 > slots_.size()) Grow();
    size_t mask = slots_.size() - 1;
    for (size_t i = hash & mask;; i = (i + 1) & mask) {
      uint32_t slot = slots_[i];
      if (slot == 0) {
        slots_[i] = static_cast<uint32_t>(hashes_.size() + 1);
        hashes_.push_back(hash);
        bits_.insert(bits_.end(), bits, bits + words_);
        states_.push_back(state);
        state_heap_ += HeapBytes(states_.back());
        return true;
      }
      size_t e = slot - 1;
      if (hashes_[e] == hash && states_[e] == state &&
          std::memcmp(&bits_[e * words_], bits, words_ * sizeof(uint64_t)) == 0) {
        return false;
      }
    }
  }

  size_t size() const { return hashes_.size(); }
  // Heap bytes held, including what the stored states own (for the memory budget).
  size_t bytes() const {
    return slots_.capacity() * sizeof(uint32_t) + hashes_.capacity() * sizeof(uint64_t) +
           bits_.capacity() * sizeof(uint64_t) + states_.capacity() * sizeof(State) + state_heap_;
  }

 private:
  void Grow() {
    std::vector<uint32_t> slots(slots_.size() * 2, 0);
    size_t mask = slots.size() - 1;
    for (size_t e = 0; e < hashes_.size(); ++e) {
      size_t i = hashes_[e] & mask;
      while (slots[i] != 0) i = (i + 1) & mask;
      slots[i] = static_cast<uint32_t>(e + 1);
    }
    slots_.swap(slots);
  }

  size_t words_;
  std::vector<uint32_t> slots_;
  std::vector<uint64_t> hashes_;
  std::vector<uint64_t> bits_;
  std::vector<State> states_;
  size_t state_heap_ = 0;
};

}  // namespace faultline
