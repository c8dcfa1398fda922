#include "db/builtin/builtin_prediction.h"

#include <algorithm>
#include <string>

namespace faultline {
namespace {

// What the run's --nemesis words can do to the store.
struct FaultEffects {
  bool clock = false;     // clock: skews the nodes' wall clocks
  bool failover = false;  // kill, pause, partition (any node or the primary): async fails over
  bool slows = false;     // anything but clock: a write can stay partly applied for a while
};

FaultEffects Effects(const TestSpec& s) {
  FaultEffects e;
  e.clock = HasFault(s, {"clock"});
  e.failover = HasFault(s, {"kill", "pause", "partition"});
  e.slows = std::any_of(s.nemesis.faults.begin(), s.nemesis.faults.end(),
                        [](const std::string& f) { return f != "clock"; });
  return e;
}

Prediction Safe(std::string why) { return {Expect::kSafe, std::move(why)}; }
Prediction Unsafe(std::string why) { return {Expect::kUnsafe, std::move(why)}; }
Prediction NoPromise(std::string why) { return {Expect::kNoPromise, std::move(why)}; }

Prediction Async(const std::string& workload, const FaultEffects& faults) {
  if (!faults.failover) {
    return NoPromise(
        "async promises nothing across a failover, but without a kill, pause or partition none "
        "need happen, and while the first primary lives it answers everything itself");
  }
  const std::string lost = workload == "bank"      ? "a transfer's debit without its credit"
                           : workload == "counter" ? "acknowledged adds"
                                                   : "acknowledged writes";
  return Unsafe(
      "async acknowledges before the replicas have an entry, so a kill, pause or partition that "
      "promotes a replica loses " +
      lost);
}

Prediction Crdt(const TestSpec& s) {
  if (s.workload.name != "counter") {
    return NoPromise("crdt serves only the counter workload; faultline refuses this run");
  }
  if (s.workload.options.value("consistency", "linearizable") == "eventual") {
    return Safe(
        "crdt is a grow-only counter per node, merged by gossip: no acknowledged add is lost, a "
        "node's reads never go down and after healing every node agrees, which is eventual "
        "consistency");
  }
  return Unsafe(
      "crdt answers a read from the adds gossip has brought to that node, so it misses adds "
      "acknowledged elsewhere: not linearizable, even without faults");
}

Prediction QuorumRegister(const TestSpec& s, const FaultEffects& faults) {
  const nlohmann::json& o = s.db.options;
  const int64_t n = s.cluster.nodes, majority = n / 2 + 1;
  const int64_t r = o.value("r", int64_t{0}) ? o.value("r", int64_t{0}) : majority;
  const int64_t w = o.value("w", int64_t{0}) ? o.value("w", int64_t{0}) : majority;
  const bool versioned = o.value("quorum_versions", "lww") == "versioned";
  const std::string reads = o.value("quorum_reads", "plain");
  if (r + w <= n) {
    return Unsafe(
        "r+w <= n: a read quorum can miss every node an acknowledged write reached, so reads are "
        "stale even without faults");
  }
  if (!s.workload.options.value("no_cas", false)) {
    return Unsafe(
        "cas is a quorum read then a quorum write, not atomic: a write landing between them is "
        "overwritten (leave cas out with --no-cas)");
  }
  if (reads == "majority-vote") {
    return Unsafe(
        "majority-vote reads answer the value most of the r replies hold, so an old value still on "
        "most of them outvotes an acknowledged newer one");
  }
  if (!versioned && faults.clock) {
    return Unsafe(
        "last-writer-wins orders writes by the coordinators' wall clocks, so a node whose clock "
        "runs behind stamps a later write older and it loses to an earlier one");
  }
  // A read of every node (r = n) meets every node an earlier read saw a value on, and a node
  // only moves forward: plain reads cannot go back in time there, so write-back adds nothing.
  if (reads == "plain" && r < n) {
    if (faults.slows) {
      return Unsafe(
          "plain reads answer the newest of r replies without storing it on w nodes, so while "
          "these faults hold a write partly applied one read sees it and a later read misses it");
    }
    return NoPromise(
        "plain reads can see a write before it reaches w nodes and a later read miss it, but "
        "without faults that lasts only the moment a write takes to reach them, so catching it "
        "depends on timing and load");
  }
  if (!versioned) {
    return NoPromise(
        "last-writer-wins orders writes by wall clocks, not real time, but without clock faults "
        "the nodes' clocks agree so closely that a write stamped older than one finished before it "
        "began needs luck");
  }
  return Safe(
      "versioned writes, write-back reads (or reads of every node) and r+w > n are the ABD "
      "algorithm: every read quorum meets every write quorum, a write's version exceeds every "
      "finished one's and no later read answers older, so reads and writes are linearizable");
}

Prediction Quorum(const TestSpec& s, const FaultEffects& faults) {
  if (s.workload.name == "bank") {
    return Unsafe(
        "in quorum mode a transfer reads both accounts then writes each, so concurrent transfers "
        "create or destroy money, even without faults");
  }
  if (s.workload.name == "counter") {
    return Unsafe(
        "in quorum mode an add reads the counter then writes the sum, so concurrent adds overwrite "
        "each other, even without faults");
  }
  return QuorumRegister(s, faults);
}

}  // namespace

Prediction PredictBuiltin(const TestSpec& s) {
  const nlohmann::json& o = s.db.options;
  const std::string mode = o.value("replication", "primary");
  const FaultEffects faults = Effects(s);
  if (o.value("read_from", "primary") == "any" && (mode == "primary" || mode == "async")) {
    return Unsafe(
        "with --read-from any lagging replicas answer reads and each read goes to a random node, "
        "so reads go back in time even without faults");
  }
  if (mode == "async") return Async(s.workload.name, faults);
  if (mode == "crdt") return Crdt(s);
  if (mode == "quorum") return Quorum(s, faults);
  return Safe(
      "primary mode orders every op on one fixed primary whose log is never rolled back, so every "
      "workload is linearizable under kill, pause and partitions (unavailable instead without a "
      "majority)");
}

}  // namespace faultline
