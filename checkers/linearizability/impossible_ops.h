// A sound witness of non-linearizability for the register models, found without a search:
// a call that needs the register to hold a value (an ok read, an ok cas) although an
// overwrite certainly precedes it and nothing that could restore the value fits between
// the two. Histories with repeated values (Jepsen's cas-register, values 0..4) defeat the
// unique-values path, and proving them invalid by search means exhausting every order of
// everything before the bad call; this finds the usual culprits (stale and phantom reads,
// lost writes, impossible cas) in O(n log n). Pure function; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "checkers/linearizability/register_model.h"
#include "checkers/linearizability/search.h"

namespace faultline {

struct ImpossibleOp {
  size_t call = 0;               // the call that can never take effect
  size_t overwriter = SIZE_MAX;  // the call that certainly overwrote its value; SIZE_MAX: the
                                 // initial value, which is not the one needed
  int64_t needed = 0;            // the value `call` needs the register to hold
};

// The first impossible call (by invoke) or std::nullopt. A nullopt says nothing: the calls
// may still be non-linearizable, for reasons only the search finds.
std::optional<ImpossibleOp> FindImpossibleOp(const RegisterModel& model,
                                             const std::vector<Call<RegisterInput>>& calls);

}  // namespace faultline
