#include "db/postgres/postgres_part.h"

#include "db/postgres/postgres_db.h"

namespace faultline {
namespace {

Status Validate(const TestSpec& s) {
  auto bad = [](const std::string& what) { return Status::InvalidArgument(what); };
  const nlohmann::json& o = s.db.options;
  if (OptString(o, "bank_read") == "split" && s.workload.name != "bank") {
    return bad("--bank-read split applies to --workload bank");
  }
  if ((OptString(o, "read_from") == "replicas" || OptBool(o, "failover")) && s.cluster.nodes < 2) {
    return bad("--read-from replicas and --failover need replicas: --nodes 2 or more");
  }
  return Status::Ok();
}

Result<std::unique_ptr<Db>> Make(const DbContext& c) {
  const nlohmann::json& workload = c.test.workload.options;
  PostgresDbOptions o;
  o.cluster = &c.cluster;
  o.tools = c.tools;
  o.logs_dir = c.run_dir + "/nodes";
  o.synchronous_commit = OptString(c.options, "synchronous_commit");
  o.failover = OptBool(c.options, "failover");
  o.client.workload = c.test.workload.name;
  o.client.accounts = workload.value("accounts", o.client.accounts);
  o.client.allow_negative = workload.value("allow_negative", o.client.allow_negative);
  o.client.isolation = OptString(c.options, "isolation");
  o.client.bank_read_split = OptString(c.options, "bank_read") == "split";
  o.client.read_from_replicas = OptString(c.options, "read_from") == "replicas";
  o.client.seed = c.test.seed;
  return AsDb(PostgresDb::Start(o, c.log));
}

// What PostgreSQL documents for these settings (db/postgres/README.md, "Flags and what they
// guarantee").
Prediction Predict(const TestSpec& s) {
  const nlohmann::json& o = s.db.options;
  const bool async_commit = OptString(o, "synchronous_commit") == "off";
  if (s.workload.name == "bank") {
    if (OptString(o, "bank_read") == "split" && OptString(o, "isolation") == "read-committed") {
      return {Expect::kUnsafe, "at read committed every statement takes a new snapshot, so a "
                               "read of one account at a time can straddle a transfer (read "
                               "skew) and see a total that never existed"};
    }
    return {Expect::kSafe, "a transfer moves money in one statement under row locks, and a read "
                           "is one snapshot (one statement, or repeatable read and stronger)"};
  }
  if (OptString(o, "read_from") == "replicas") {
    return {s.nemesis.faults.empty() ? Expect::kNoPromise : Expect::kUnsafe,
            "standbys apply the primary's WAL after the commit was acknowledged (even "
            "synchronous_commit on waits for a flush, not for replay), so replica reads can be "
            "stale"};
  }
  if (async_commit && HasFault(s, {"kill"})) {
    return {Expect::kUnsafe, "synchronous_commit off acknowledges a commit before its WAL is "
                             "flushed: a killed primary loses acknowledged writes"};
  }
  if (async_commit && OptBool(o, "failover") && HasFault(s, {"pause"})) {
    return {Expect::kUnsafe, "with synchronous_commit off standbys may lack acknowledged "
                             "commits when one of them is promoted"};
  }
  return {Expect::kSafe, "one primary serves every read and write, and an acknowledged commit "
                         "is durable on it (with --failover, on a majority, from which the most "
                         "advanced replica is promoted)"};
}

}  // namespace

DbPart PostgresDbPart() {
  DbPart p;
  p.name = "postgres";
  p.description = "PostgreSQL 15: a primary with streaming replicas, optional failover";
  p.options = {
      {.flag = "synchronous-commit", .default_value = "on",
       .choices = {"on", "remote_apply", "off"},
       .help = "on (a majority holds each commit: ANY n/2 standbys), remote_apply (and has "
               "applied it), or off (asynchronous, not even flushed locally)",
       .safety = true},
      {.flag = "isolation", .default_value = "serializable",
       .choices = {"read-committed", "repeatable-read", "serializable"},
       .help = "the transactions' isolation level", .safety = true},
      {.flag = "bank-read", .default_value = "together", .choices = {"together", "split"},
       .help = "bank: together (one SELECT of every balance) or split (one SELECT per account, "
               "in one transaction: read skew under read-committed)",
       .safety = true},
      {.flag = "failover", .type = OptionType::kBool,
       .help = "promote the most advanced replica when the primary stops answering",
       .safety = true},
      {.flag = "read-from", .default_value = "primary", .choices = {"primary", "replicas"},
       .help = "primary, or replicas (reads on a replica: the worker's own node, or a random "
               "replica)",
       .safety = true},
  };
  p.supports.workloads = {"register", "bank", "counter"};
  p.supports.clusters = {"local", "hosts"};
  p.supports.why_not_processes = "--cluster processes cannot run its servers as the postgres "
                                 "user on their own addresses";
  p.supports.primary = true;
  p.validate = Validate;
  p.make = Make;
  p.predict = Predict;
  return p;
}

}  // namespace faultline
