// The causal-consistency checker (checker.h's shape) over CheckCausal. No parameters.
// Stateless; Check is thread-safe.
#pragma once

#include <memory>
#include <nlohmann/json_fwd.hpp>

#include "checkers/checker.h"

namespace faultline {

class CausalChecker : public Checker {
 public:
  std::string name() const override { return "causal"; }
  // Summary "causal: invalid (2 violations)"; a problem per violation ("monotonic-reads on
  // key 3: …"); detail ToJson(result).
  Result<CheckerResult> Check(const History& history, const std::string& source) const override;
};

// The registry's factory; it reads no parameter.
Result<std::unique_ptr<Checker>> MakeCausalChecker(const nlohmann::json& params);

}  // namespace faultline
