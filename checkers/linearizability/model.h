// The sequential-specification contract every linearizability model meets, and the
// options models share. Models are immutable after construction; thread-safe to share.
#pragma once

#include <concepts>
#include <cstdint>
#include <optional>
#include <string>

#include "core/history.h"
#include "core/random.h"
#include "core/status.h"
#include "core/value.h"

namespace faultline {

// How a model should read a history (set from the command line and the input format).
struct ModelOptions {
  // Initial value of every register/key (Jepsen's registers start empty: null).
  Value initial;
  // Knossos's rule for Jepsen EDN input: an ok read of nil is unconstrained (Knossos's
  // register models accept a nil read in any state). Off for faultline's own histories,
  // where null means "the register is empty".
  bool nil_read_matches_any = false;
};

// A model is a pure sequential specification (Porcupine's Init/Step/Hash).
//  - Step applies an Input to a state; false means "not allowed here".
//    Contract: for an Input whose outcome is unknown (`known` false: info or pending), Step
//    succeeds in every state — "took effect here" where possible, "did not take effect"
//    otherwise — so such an op can always be placed after everything else (= never happened).
//  - ReadOnly(in): the call never changes the state, whatever it is (a read with a known
//    result). The search linearizes such calls greedily.
//  - Hash/Describe are for memoisation and for explanations.
template <typename M>
concept SearchModel = requires(const M m, const typename M::State s, typename M::State* out,
                               const typename M::Input& in) {
  { m.Init() } -> std::same_as<typename M::State>;
  { m.Step(s, in, out) } -> std::same_as<bool>;
  { m.ReadOnly(in) } -> std::same_as<bool>;
  { m.Hash(s) } -> std::convertible_to<uint64_t>;
  { m.DescribeState(s) } -> std::convertible_to<std::string>;
  { m.DescribeInput(in) } -> std::convertible_to<std::string>;
  { in.known } -> std::convertible_to<bool>;
};

// A model read straight from history ops. Decode turns one invoke and its completion
// (nullptr if it never completed) into a typed Input, or std::nullopt when the op constrains
// nothing (a failed op that did not happen, a read whose result is unknown). Errors name the
// line and what was expected. Inputs are decoded once, before any search.
template <typename M>
concept LinearizabilityModel =
    SearchModel<M> && requires(const M m, const Op& op, const std::string& src) {
      { m.Decode(op, &op, src) } -> std::same_as<Result<std::optional<typename M::Input>>>;
    };

inline uint64_t MixHash(uint64_t x) { return Random::SplitMix(&x); }

}  // namespace faultline
