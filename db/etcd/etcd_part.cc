#include "db/etcd/etcd_part.h"

#include "db/etcd/etcd_db.h"

namespace faultline {
namespace {

Result<std::unique_ptr<Db>> Make(const DbContext& c) {
  EtcdOptions o;
  o.reads = OptString(c.options, "read_consistency") == "serializable" ? EtcdReads::kSerializable
                                                                       : EtcdReads::kLinearizable;
  o.pre_vote = OptBool(c.options, "etcd_pre_vote");
  o.extra_args = OptStrings(c.options, "db_args");
  o.cluster_token = c.run_id;
  o.logs_dir = c.run_dir + "/nodes";
  return AsDb(EtcdDb::Start(c.cluster, o, c.log));
}

}  // namespace

// etcd's API guarantees: writes and default (linearizable) reads go through a Raft quorum;
// serializable reads are answered from the member's own state, current or not.
Prediction Predict(const TestSpec& s) {
  if (OptString(s.db.options, "read_consistency") == "linearizable") {
    return {Expect::kSafe, "etcd documents linearizable reads and writes: both go through a Raft "
                           "quorum (pre-vote changes elections, not safety)"};
  }
  if (s.nemesis.faults.empty()) {
    return {Expect::kNoPromise, "serializable reads come from the member's own state, which "
                                "may lag the leader; without faults the lag is brief"};
  }
  return {Expect::kUnsafe, "serializable reads come from the member's own state without a "
                           "quorum: a member cut off, paused or restarted answers stale values"};
}

DbPart EtcdDbPart() {
  DbPart p;
  p.name = "etcd";
  p.description = "etcd 3.4 (Debian's etcd-server): Raft, one member per node, clients over "
                  "its JSON gateway";
  p.options = {
      {.flag = "read-consistency", .default_value = "linearizable",
       .choices = {"linearizable", "serializable"},
       .help = "linearizable reads (through the leader) or serializable (any member's own state)",
       .safety = true},
      {.flag = "etcd-pre-vote", .type = OptionType::kBool,
       .help = "--pre-vote (an isolated member does not disturb the leader when it returns)",
       .safety = true},
      {.flag = "db-arg", .key = "db_args", .type = OptionType::kStrings,
       .help = "an extra argument for every member, repeatable (e.g. --db-arg=--snapshot-count=100)"},
  };
  p.supports.workloads = {"register"};
  p.supports.clusters = {"local", "hosts"};
  p.supports.why_not_processes = "it runs one member per node address: --cluster local (root) "
                                 "or --nodes HOST,…";
  p.supports.primary = true;
  p.supports.why_no_clock = kEtcdNoClockFaults;
  p.make = Make;
  p.predict = Predict;
  return p;
}

}  // namespace faultline
