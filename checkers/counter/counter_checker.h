// The grow-only counter checker (checker.h's shape) over CheckCounter. Immutable after
// construction; Check is thread-safe.
#pragma once

#include <memory>
#include <nlohmann/json_fwd.hpp>

#include "checkers/checker.h"
#include "checkers/counter/counter.h"

namespace faultline {

class CounterChecker : public Checker {
 public:
  explicit CounterChecker(CounterOptions options) : options_(options) {}

  std::string name() const override { return "counter"; }
  // Summary "counter (linearizable): invalid (12 reads, 3 of them final; adds …; 1 errors,
  // 0 notes)"; a problem per error (notes are not problems: `why` carries them); detail
  // ToJson(result).
  Result<CheckerResult> Check(const History& history, const std::string& source) const override;

 private:
  const CounterOptions options_;
};

// The registry's factory. Parameter: "consistency", linearizable (the default) or eventual.
Result<std::unique_ptr<Checker>> MakeCounterChecker(const nlohmann::json& params);

}  // namespace faultline
