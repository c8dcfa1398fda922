// The bank invariant checker: every ok read of all balances shows the expected accounts, sums
// to the expected total and (unless allowed) has no negative balance. CheckBank is a pure
// function of the history and thread-safe (it shares nothing between calls).
#pragma once

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "checkers/verdict.h"
#include "core/history.h"
#include "core/status.h"

namespace faultline {

// The kinds a BankBadRead may carry.
inline constexpr const char* kBankBadReadKinds[] = {"wrong-total", "negative", "missing-accounts",
                                                    "unexpected-account"};

struct BankOptions {
  // Expected account count; the accounts are "0" … "accounts-1". 0: the accounts of the first
  // ok read are the expected ones.
  int accounts = 0;
  // The sum every ok read must show.
  int64_t total = 0;
  // Negative balances are fine (e.g. a bank that allows overdrafts).
  bool allow_negative = false;
};

// One account named by a bad read: a negative or unexpected one with its balance, or a missing
// one (balance 0; a read that gives an account a null balance counts it as missing).
struct BankAccountBalance {
  std::string account;
  int64_t balance = 0;
};

// One way one ok read broke the invariant (a read may appear once per kind).
struct BankBadRead {
  int64_t op_index = 0;  // history index of the read's invoke
  int64_t process = 0;
  int64_t time = 0;                         // ns, when the read completed
  std::string kind;                         // one of kBankBadReadKinds
  int64_t total = 0;                        // the sum of the balances the read returned
  std::vector<BankAccountBalance> details;  // the accounts concerned (empty for wrong-total)
  std::string explanation;                  // a sentence naming the op, the sum and accounts
};

// One ok read, for the totals-over-time plot.
struct BankReadPoint {
  int64_t time = 0;      // ns, when the read completed
  int64_t total = 0;     // sum of the balances it returned
  int64_t op_index = 0;  // history index of its invoke
  bool bad = false;      // it appears in bad_reads
};

struct BankResult {
  Verdict verdict = Verdict::kValid;
  std::vector<BankBadRead> bad_reads;  // by history index of the read, then kind
  int64_t reads = 0;                   // ok reads checked
  int64_t transfers = 0;               // transfer invokes (ok + fail + info/pending)
  int64_t transfers_ok = 0, transfers_fail = 0, transfers_info = 0;
  int accounts = 0;                   // the expected account count used
  int64_t total = 0;                  // the expected total used
  std::vector<BankReadPoint> totals;  // every ok read, in history order
  std::string explanation;            // one-paragraph summary of the verdict
};

// Fails (InvalidInput, "SOURCE:LINE: …; expected …") on an op that is not a bank transfer or
// read, a transfer value that is not {"from":int,"to":int,"amount":int}, an ok read value that
// is not a map of account ids to integer balances, or an op with a key.
Result<BankResult> CheckBank(const History& history, const std::string& source,
                             const BankOptions& options);

// The results.json form: checker, verdict, explanation, counts, bad_reads (each op_index,
// process, time, kind, total, details, explanation; at most the first 1,000, bad_reads_total
// says how many there were) and totals: the plot series ([time, total, op_index] rows,
// down-sampled to at most ~2,000 rows keeping every bad read and each bucket's extremes).
nlohmann::json ToJson(const BankResult& result);

}  // namespace faultline
