// The linearizability checker (checker.h's shape) over CheckLinearizability: one model, keys
// checked in parallel. Immutable after construction; Check is thread-safe.
#pragma once

#include <memory>
#include <nlohmann/json_fwd.hpp>

#include "checkers/checker.h"
#include "checkers/linearizability/checker.h"

namespace faultline {

class LinearizabilityChecker : public Checker {
 public:
  explicit LinearizabilityChecker(LinearizabilityOptions options) : options_(std::move(options)) {}

  std::string name() const override { return "linearizability"; }
  // Summary "linearizability: invalid (3 keys, 120 ops, 1 invalid)"; a problem per invalid or
  // unknown key ("key 7: …"), its ops the ones that could not be placed; detail ToJson(result).
  Result<CheckerResult> Check(const History& history, const std::string& source) const override;
  // Its options with a timeout of at most `seconds`.
  std::unique_ptr<Checker> Bounded(double seconds) const override;

 private:
  const LinearizabilityOptions options_;
};

// The registry's factory. Parameters (all optional): "model" (one of kModelNames; default
// cas-register), "initial" (any JSON value: every key's initial value; default null),
// "timeout_seconds" (>= 0; 0: none), "memory_mb" (> 0; default 4096), "fail_fast",
// "partition_by_key" (default true), "unique_values" (default true), "nil_read_matches_any"
// (Knossos's reading of nil reads, for Jepsen EDN histories; default false).
Result<std::unique_ptr<Checker>> MakeLinearizabilityChecker(const nlohmann::json& params);

}  // namespace faultline
