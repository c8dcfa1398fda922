// The bank invariant checker (checker.h's shape) over CheckBank. Immutable after
// construction; Check is thread-safe.
#pragma once

#include <memory>
#include <nlohmann/json_fwd.hpp>

#include "checkers/bank/bank.h"
#include "checkers/checker.h"

namespace faultline {

class BankChecker : public Checker {
 public:
  explicit BankChecker(BankOptions options) : options_(options) {}

  std::string name() const override { return "bank"; }
  // Summary "bank: invalid (40 reads of 5 accounts totalling 100; transfers …; 1 bad reads)";
  // a problem per bad read; detail ToJson(result).
  Result<CheckerResult> Check(const History& history, const std::string& source) const override;

 private:
  const BankOptions options_;
};

// The registry's factory. Parameters: "total" (required: the sum every read must show),
// "accounts" (>= 0; 0, the default: the accounts of the first ok read), "allow_negative"
// (default false).
Result<std::unique_ptr<Checker>> MakeBankChecker(const nlohmann::json& params);

}  // namespace faultline
