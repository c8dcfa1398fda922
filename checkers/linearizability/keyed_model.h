// KeyedModel<M>: one model instance per key held in a single state, for checking a
// multi-key history without P-compositionality (Porcupine's kvNoPartitionModel).
// Used by --no-partition, mostly to measure what partitioning buys. Immutable; thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "checkers/linearizability/memo_table.h"
#include "checkers/linearizability/model.h"

namespace faultline {

template <SearchModel M>
class KeyedModel {
 public:
  // Per-key states are shared between configurations (a step copies pointers, not strings),
  // and the hash is kept up to date one key at a time.
  struct State {
    std::vector<std::shared_ptr<const typename M::State>> keys;
    uint64_t hash = 0;
    bool operator==(const State& o) const {
      if (hash != o.hash || keys.size() != o.keys.size()) return false;
      for (size_t k = 0; k < keys.size(); ++k) {
        if (keys[k] != o.keys[k] && !(*keys[k] == *o.keys[k])) return false;
      }
      return true;
    }
  };
  struct Input {
    uint32_t key;
    bool known;
    typename M::Input in;
    bool operator==(const Input&) const = default;
  };

  KeyedModel(const M& model, std::vector<std::string> keys)
      : model_(model), keys_(std::move(keys)) {}

  State Init() const {
    State s;
    auto init = std::make_shared<const typename M::State>(model_.Init());
    s.keys.assign(keys_.size(), init);
    for (size_t k = 0; k < keys_.size(); ++k) s.hash ^= KeyHash(k, *init);
    return s;
  }
  bool Step(const State& s, const Input& in, State* next) const {
    const typename M::State& old = *s.keys[in.key];
    if (model_.ReadOnly(in.in)) {
      // The inner model still writes its (unchanged) state out: into a reused buffer.
      thread_local typename M::State scratch;
      if (!model_.Step(old, in.in, &scratch)) return false;
      *next = s;
      return true;
    }
    typename M::State one = old;
    if (!model_.Step(old, in.in, &one)) return false;
    *next = s;
    if (!(one == old)) {
      next->hash ^= KeyHash(in.key, old) ^ KeyHash(in.key, one);
      next->keys[in.key] = std::make_shared<const typename M::State>(std::move(one));
    }
    return true;
  }
  bool ReadOnly(const Input& in) const { return model_.ReadOnly(in.in); }
  uint64_t Hash(const State& s) const { return s.hash; }
  std::string DescribeState(const State& s) const {
    std::string out = "{";
    for (size_t k = 0; k < s.keys.size(); ++k) {
      if (k) out += ", ";
      out += keys_[k] + ": " + model_.DescribeState(*s.keys[k]);
    }
    return out + "}";
  }
  std::string DescribeInput(const Input& in) const {
    return keys_[in.key] + ": " + model_.DescribeInput(in.in);
  }

 private:
  uint64_t KeyHash(size_t k, const typename M::State& s) const {
    return MixHash(model_.Hash(s) + 0x9E3779B97F4A7C15ULL * (k + 1));
  }
  const M& model_;
  std::vector<std::string> keys_;
};

// Memory budget: count every key's state in full (shared ones too: an overestimate).
template <typename KeyedState>
  requires requires(const KeyedState& s) { s.keys[0].get(); s.hash; }
size_t HeapBytes(const KeyedState& s) {
  size_t n = s.keys.capacity() * sizeof(s.keys[0]);
  for (const auto& k : s.keys) n += sizeof(*k) + HeapBytes(*k);
  return n;
}

}  // namespace faultline
