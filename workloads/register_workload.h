// The register workload: read / write / cas (or, with no_cas, read / write only) over
// independent keys, Jepsen-style: every key
// gets a bounded number of ops, then the workers move on to a fresh key, so each key's
// history stays small enough to check. Write values are unique per key (the causal checker
// needs that, and it lets the linearizability checker take its polynomial path).
// Checked per key by the cas-register linearizability model. Thread-safe.
#pragma once

#include <atomic>
#include <mutex>

#include "harness/workload.h"

namespace faultline {

struct RegisterWorkloadOptions {
  int ops_per_key = 100;   // ops issued on a key before moving to the next
  // At most this many keys (the latest) get a final read: a write lost on a key nothing reads
  // again is found only by it.
  int final_reads = 10000;
  // Reads and writes only (half each): for stores whose cas is not atomic (--db builtin
  // --replication quorum), to check what their reads and writes alone promise.
  bool no_cas = false;
};

class RegisterWorkload : public Workload {
 public:
  explicit RegisterWorkload(RegisterWorkloadOptions options) : options_(options) {}

  std::string name() const override { return "register"; }
  OpRequest Next(int worker, Random& rng) override;
  std::vector<OpRequest> FinalOps(const std::vector<std::string>& nodes) override;
  Result<CheckOutcome> Check(const History& history, const std::string& source) const override;

 private:
  const RegisterWorkloadOptions options_;
  std::mutex mu_;
  int64_t issued_ = 0;       // guarded by mu_: ops issued on all keys
  int64_t next_value_ = 1;   // guarded by mu_: values are unique across the run
  int64_t last_value_ = 0;   // guarded by mu_: latest value written to the current key (0: none)
};

}  // namespace faultline
