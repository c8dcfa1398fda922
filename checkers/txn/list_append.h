// The transactional checker for list-append histories (Elle's list-append, Kingsbury & Alvaro
// 2020): each op is a transaction of micro-ops ["append", key, value] and ["r", key, list],
// values unique per key. From the reads it infers each key's version order (every read is a
// prefix of the longest), builds the dependency graph between transactions — ww (one appended
// the value right after the other's), wr (one read the list ending in the other's value), rw
// (one read a list the other's value extended next) — finds its cycles, and names Adya's
// anomalies: G0, G1a, G1b, G1c, G-single, G2-item, plus internal inconsistency, incompatible
// orders, duplicate and garbage elements; then the cycles that need a real-time edge (one txn
// completed before the other began), named with "-realtime". From them: the weakest
// consistency model the history violates and the strongest it may still satisfy. The process
// order is not an edge yet (the session models are reported as not checked).
// checkers/txn/README.md. CheckListAppend is a pure function of the history; thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "checkers/verdict.h"
#include "core/history.h"
#include "core/status.h"

namespace faultline {

struct TxnAnomaly {
  // G0, G1a, G1b, G1c, G-single, G2-item, internal, incompatible-order, duplicate-elements,
  // garbage-read; G0-realtime, G1c-realtime, G-single-realtime, G2-item-realtime.
  std::string name;
  std::vector<int64_t> op_indices;  // the transactions' invokes, in cycle (or finding) order
  std::string explanation;          // the transactions, the edges and why each exists
};

struct TxnResult {
  Verdict verdict = Verdict::kValid;
  int64_t txns = 0, ok = 0, fail = 0, info = 0;  // transactions by outcome (info: pending too)
  int64_t keys = 0;
  std::vector<TxnAnomaly> anomalies;  // at most kMaxPerName of each name
  int64_t anomalies_total = 0;        // found, listed or not
  std::map<std::string, int64_t> counts;  // found, by name
  std::vector<std::string> violates;  // the models it violates, weakest first
  std::string consistent_with;        // the strongest model it may still satisfy, or ""
  std::string explanation;            // "violates X, so not Y or anything stronger; …"
};

inline constexpr size_t kMaxTxnAnomaliesPerName = 8;

// InvalidInput "SOURCE:LINE: …; expected …" for a client op other than a txn, a micro-op not of
// the shapes above, or a value appended twice to one key (the inference needs them unique).
Result<TxnResult> CheckListAppend(const History& history, const std::string& source);

nlohmann::json ToJson(const TxnResult& r);

}  // namespace faultline
