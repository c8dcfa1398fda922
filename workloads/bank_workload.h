// The bank workload (Jepsen's bank): transfers of 1..max_amount between two random distinct
// accounts, and reads of every balance at once. The accounts get their opening balances
// before the main phase (a set-up op, "bank-init", safe to repeat); money only moves, so
// every read must show the accounts summing to the total, none negative unless allowed.
// Checked by CheckBank (checkers/bank/). Next is stateless; thread-safe.
#pragma once

#include <cstdint>
#include <vector>

#include "harness/workload.h"

namespace faultline {

struct BankWorkloadOptions {
  int accounts = 5;             // accounts 0..accounts-1; at least 2
  int64_t total = 100;          // their sum, split as evenly as it goes at set-up
  bool allow_negative = false;  // transfers may overdraw (the client tells the database)
  int max_amount = 5;           // a transfer moves 1..max_amount
  int final_reads_per_node = 1;
};

class BankWorkload : public Workload {
 public:
  explicit BankWorkload(BankWorkloadOptions options) : options_(options) {}

  std::string name() const override { return "bank"; }
  // One "bank-init" whose value is the opening balances, {"0": b0, "1": b1, …}.
  std::vector<OpRequest> SetupOps() override;
  OpRequest Next(int worker, Random& rng) override;
  // A read of every balance on each node.
  std::vector<OpRequest> FinalOps(const std::vector<std::string>& nodes) override;
  Result<CheckOutcome> Check(const History& history, const std::string& source) const override;

  // total split over `accounts`: each gets total / accounts, the first total % accounts one
  // more. REQUIRES: accounts >= 1.
  static std::vector<int64_t> OpeningBalances(int accounts, int64_t total);

 private:
  const BankWorkloadOptions options_;
};

}  // namespace faultline
