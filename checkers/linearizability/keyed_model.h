// KeyedModel<M>: one model instance per key held in a single state, for checking a
// multi-key history without P-compositionality (Porcupine's kvNoPartitionModel).
// Used by --no-partition, mostly to measure what partitioning buys. Immutable; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "checkers/linearizability/model.h"

namespace faultline {

template <SearchModel M>
class KeyedModel {
 public:
  using State = std::vector<typename M::State>;
  struct Input {
    uint32_t key;
    bool known;
    typename M::Input in;
    bool operator==(const Input&) const = default;
  };

  KeyedModel(const M& model, std::vector<std::string> keys)
      : model_(model), keys_(std::move(keys)) {}

  State Init() const { return State(keys_.size(), model_.Init()); }
  bool Step(const State& s, const Input& in, State* next) const {
    typename M::State one = s[in.key];
    if (!model_.Step(s[in.key], in.in, &one)) return false;
    *next = s;
    (*next)[in.key] = std::move(one);
    return true;
  }
  bool ReadOnly(const Input& in) const { return model_.ReadOnly(in.in); }
  uint64_t Hash(const State& s) const {
    uint64_t h = 0x6a09e667f3bcc908ULL;
    for (const auto& x : s) h = MixHash(h ^ model_.Hash(x));
    return h;
  }
  std::string DescribeState(const State& s) const {
    std::string out = "{";
    for (size_t k = 0; k < s.size(); ++k) {
      if (k) out += ", ";
      out += keys_[k] + ": " + model_.DescribeState(s[k]);
    }
    return out + "}";
  }
  std::string DescribeInput(const Input& in) const {
    return keys_[in.key] + ": " + model_.DescribeInput(in.in);
  }

 private:
  const M& model_;
  std::vector<std::string> keys_;
};

}  // namespace faultline
