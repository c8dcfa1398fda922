// Register models over int-or-null values: `register` (read/write), `cas-register`
// (Jepsen/Knossos: a failed cas did not happen) and `etcd` (Porcupine's etcd model: a
// failed cas is an observed failed compare). Immutable; thread-safe.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>

#include "checkers/linearizability/model.h"

namespace faultline {

inline constexpr int64_t kNilValue = std::numeric_limits<int64_t>::min();

struct RegisterInput {
  enum class Kind : uint8_t { kRead, kWrite, kCas, kFailedCas };
  Kind kind = Kind::kRead;
  bool known = true;  // false: info or pending, the op may or may not have taken effect
  int64_t a = kNilValue;  // read: value seen; write: value; cas: expected
  int64_t b = kNilValue;  // cas: new value
  bool operator==(const RegisterInput&) const = default;
};

class RegisterModel {
 public:
  using State = int64_t;
  using Input = RegisterInput;
  enum class Flavor { kRegister, kCasRegister, kEtcd };

  // Fails if options.initial is neither an integer nor null.
  static Result<RegisterModel> Make(Flavor flavor, const ModelOptions& options);

  State Init() const { return initial_; }
  bool Step(State s, const Input& in, State* next) const {
    switch (in.kind) {
      case Input::Kind::kRead: *next = s; return s == in.a;
      case Input::Kind::kWrite: *next = in.a; return true;
      case Input::Kind::kCas:
        if (s == in.a) {
          *next = in.b;
          return true;
        }
        *next = s;
        return !in.known;
      case Input::Kind::kFailedCas: *next = s; return s != in.a;
    }
    return false;
  }
  bool ReadOnly(const Input& in) const {
    return in.kind == Input::Kind::kRead || in.kind == Input::Kind::kFailedCas;
  }
  uint64_t Hash(State s) const { return MixHash(static_cast<uint64_t>(s)); }
  std::string DescribeState(State s) const;
  std::string DescribeInput(const Input& in) const;
  Result<std::optional<Input>> Decode(const Op& invoke, const Op* completion,
                                      const std::string& source) const;

  Flavor flavor() const { return flavor_; }
  bool nil_read_matches_any() const { return nil_read_matches_any_; }

 private:
  RegisterModel(Flavor f, int64_t initial, bool nil_any)
      : flavor_(f), initial_(initial), nil_read_matches_any_(nil_any) {}
  Flavor flavor_;
  int64_t initial_;
  bool nil_read_matches_any_;
};

static_assert(LinearizabilityModel<RegisterModel>);

// Converts an int-or-null history value to the register encoding (null → kNilValue).
std::optional<int64_t> RegisterValue(const Value& v);

}  // namespace faultline
