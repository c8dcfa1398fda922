// The counter workload (a grow-only counter, Jepsen's g-counter): adds of 1..max_delta and
// reads, half each, on one counter; after healing and recovery, reads on every node, which
// must agree. Checked by CheckCounter (checkers/counter/) with the consistency asked for:
// linearizable (every read within Jepsen's bounds) or eventual (monotonic reads per process
// and final convergence only). Next is stateless; thread-safe.
#pragma once

#include "checkers/counter/counter.h"
#include "harness/workload.h"

namespace faultline {

struct CounterWorkloadOptions {
  CounterConsistency consistency = CounterConsistency::kLinearizable;
  int max_delta = 5;             // an add adds 1..max_delta
  int final_reads_per_node = 2;  // reads per node in the final phase
};

class CounterWorkload : public Workload {
 public:
  explicit CounterWorkload(CounterWorkloadOptions options) : options_(options) {}

  std::string name() const override { return "counter"; }
  OpRequest Next(int worker, Random& rng) override;
  // final_reads_per_node rounds of one read on each node.
  std::vector<OpRequest> FinalOps(const std::vector<std::string>& nodes) override;
  Result<CheckOutcome> Check(const History& history, const std::string& source) const override;

 private:
  const CounterWorkloadOptions options_;
};

// "linearizable" | "eventual"; InvalidArgument otherwise.
Result<CounterConsistency> ParseCounterConsistency(const std::string& text);

}  // namespace faultline
