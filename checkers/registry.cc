#include "checkers/registry.h"

#include <nlohmann/json.hpp>

#include "checkers/bank/bank_checker.h"
#include "checkers/causal/causal_checker.h"
#include "checkers/counter/counter_checker.h"
#include "checkers/linearizability/linearizability_checker.h"
#include "checkers/txn/txn_checker.h"

namespace faultline {

const std::vector<CheckerInfo>& RegisteredCheckers() {
  static const std::vector<CheckerInfo> kCheckers = {
      {"linearizability",
       "every op took effect at one instant between its invoke and its completion, per key "
       "(Wing-Gong/Lowe search, Porcupine-style models)",
       "model (register, cas-register, etcd, kv or mutex; default cas-register), initial, "
       "timeout_seconds, memory_mb",
       &MakeLinearizabilityChecker},
      {"causal",
       "register reads respect causal order: read-your-writes, monotonic reads and writes, "
       "writes-follow-reads, causal visibility (vector clocks)",
       "", &MakeCausalChecker},
      {"bank",
       "every read of all balances shows every account, sums to the total and has no "
       "negative balance unless allowed",
       "total (required), accounts (0: those of the first read), allow_negative", &MakeBankChecker},
      {"counter",
       "a grow-only counter: reads within what was surely and possibly added, monotonic per "
       "process, final reads agree",
       "consistency (linearizable or eventual; default linearizable)", &MakeCounterChecker},
      {"txn",
       "list-append transactions: version orders from the reads, the ww/wr/rw dependency graph, "
       "its cycles named as Adya's anomalies (G0, G1a/b/c, G-single, G2-item) and the "
       "consistency models they rule out (Elle's list-append)",
       "", &MakeTxnChecker},
  };
  return kCheckers;
}

const CheckerInfo* FindChecker(std::string_view name) {
  for (const CheckerInfo& c : RegisteredCheckers()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::string RegisteredCheckerNames() {
  std::string names;
  for (const CheckerInfo& c : RegisteredCheckers()) names += (names.empty() ? "" : ", ") + c.name;
  return names;
}

Result<std::unique_ptr<Checker>> MakeChecker(std::string_view name, const nlohmann::json& params) {
  const CheckerInfo* info = FindChecker(name);
  if (info == nullptr) {
    return Status::InvalidArgument("unknown checker \"" + std::string(name) +
                                   "\"; the checkers are: " + RegisteredCheckerNames());
  }
  return info->factory(params);
}

}  // namespace faultline
