// `kv` (Porcupine's kvModel): a string per key with get / put / append, initially "".
// `mutex` (Knossos's mutex): acquire / release of one lock. Immutable; thread-safe.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "checkers/linearizability/model.h"

namespace faultline {

struct KvInput {
  enum class Kind : uint8_t { kGet, kPut, kAppend };
  Kind kind = Kind::kGet;
  bool known = true;
  // get: the string seen; put/append: the argument. Borrowed from the op's value: the
  // history outlives every check of it (a 1M-op check copied a million strings).
  std::string_view value;
  bool operator==(const KvInput&) const = default;
};

class KvModel {
 public:
  using State = std::string;
  using Input = KvInput;

  // Fails if options.initial is neither a string nor null ("").
  static Result<KvModel> Make(const ModelOptions& options);

  State Init() const { return initial_; }
  bool Step(const State& s, const Input& in, State* next) const {
    switch (in.kind) {
      case Input::Kind::kGet: *next = s; return s == in.value;
      case Input::Kind::kPut: *next = in.value; return true;
      case Input::Kind::kAppend:
        next->reserve(s.size() + in.value.size());
        *next = s;
        next->append(in.value);
        return true;
    }
    return false;
  }
  bool ReadOnly(const Input& in) const { return in.kind == Input::Kind::kGet; }
  uint64_t Hash(const State& s) const { return MixHash(std::hash<std::string_view>()(s)); }
  std::string DescribeState(const State& s) const;
  std::string DescribeInput(const Input& in) const;
  Result<std::optional<Input>> Decode(const Op& invoke, const Op* completion,
                                      const std::string& source) const;

 private:
  explicit KvModel(std::string initial) : initial_(std::move(initial)) {}
  std::string initial_;
};

static_assert(LinearizabilityModel<KvModel>);

struct MutexInput {
  bool acquire = true;  // false: release
  bool known = true;
  bool operator==(const MutexInput&) const = default;
};

class MutexModel {
 public:
  using State = bool;  // held
  using Input = MutexInput;

  State Init() const { return false; }
  bool Step(State held, const Input& in, State* next) const {
    if (in.acquire) {
      *next = true;
      if (!held) return true;
    } else {
      *next = false;
      if (held) return true;
    }
    *next = held;  // not allowed now; an op of unknown outcome just did not happen
    return !in.known;
  }
  bool ReadOnly(const Input&) const { return false; }
  uint64_t Hash(State s) const { return s ? 0x51ed27 : 0x2a; }
  std::string DescribeState(State s) const { return s ? "held" : "free"; }
  std::string DescribeInput(const Input& in) const;
  Result<std::optional<Input>> Decode(const Op& invoke, const Op* completion,
                                      const std::string& source) const;
};

static_assert(LinearizabilityModel<MutexModel>);

}  // namespace faultline
