// The transactional checker (checker.h's shape) over CheckListAppend: list-append histories
// (checkers/txn/README.md). Stateless; Check is thread-safe.
#pragma once

#include <memory>
#include <nlohmann/json_fwd.hpp>

#include "checkers/checker.h"

namespace faultline {

class TxnChecker : public Checker {
 public:
  std::string name() const override { return "txn"; }
  // Summary "txn (list-append): invalid (120 txns, 5 keys; G-single ×2, G1c ×1): violates
  // snapshot-isolation and repeatable-read, …"; a problem per anomaly listed; detail
  // ToJson(result).
  Result<CheckerResult> Check(const History& history, const std::string& source) const override;
};

// The registry's factory. No parameters.
Result<std::unique_ptr<Checker>> MakeTxnChecker(const nlohmann::json& params);

}  // namespace faultline
