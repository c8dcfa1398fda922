#include "db/redis/redis_part.h"

#include <algorithm>

#include "db/redis/redis_db.h"

namespace faultline {
namespace {

Status Validate(const TestSpec& s) {
  const int64_t replicas = s.cluster.nodes - 1;
  for (const char* key : {"redis_wait", "redis_min_replicas"}) {
    if (OptInt(s.db.options, key) > replicas) {
      std::string flag = std::string("--") + key;
      std::replace(flag.begin(), flag.end(), '_', '-');
      return Status::InvalidArgument(flag + " must be 0.." + std::to_string(replicas) +
                                     " (the replicas of " + std::to_string(s.cluster.nodes) +
                                     " nodes)");
    }
  }
  return Status::Ok();
}

Result<std::unique_ptr<Db>> Make(const DbContext& c) {
  RedisDbOptions o;
  o.cluster = &c.cluster;
  o.tools = c.tools;
  o.logs_dir = c.run_dir + "/nodes";
  o.client.workload = c.test.workload.name;
  o.client.wait_replicas = static_cast<int>(OptInt(c.options, "redis_wait"));
  o.min_replicas = static_cast<int>(OptInt(c.options, "redis_min_replicas"));
  return AsDb(RedisDb::Start(o, c.log));
}

// Redis replicates asynchronously and Sentinel promotes a replica when the primary seems down;
// Redis documents that WAIT does not make it strongly consistent (db/redis/README.md).
Prediction Predict(const TestSpec& s) {
  const bool wait = OptInt(s.db.options, "redis_wait") > 0;
  const bool min_replicas = OptInt(s.db.options, "redis_min_replicas") > 0;
  if (!HasFault(s, {"kill", "pause", "partition"})) {
    return {Expect::kNoPromise, "without a failover every op goes to the one primary; Redis "
                                "promises no consistency across a failover, and none happens "
                                "here"};
  }
  return {Expect::kUnsafe,
          std::string("replication is asynchronous and Sentinel may promote a replica that "
                      "lacks acknowledged writes") +
              (wait ? "; WAIT narrows the window but, as Redis documents, does not make the "
                      "store strongly consistent"
                    : "") +
              (min_replicas ? "; min-replicas-to-write only bounds how long an isolated primary "
                              "keeps accepting writes (about 10 s of replica silence)"
                            : "")};
}

}  // namespace

DbPart RedisDbPart() {
  DbPart p;
  p.name = "redis";
  p.description = "Redis 7: a primary with asynchronous replicas, failover by Sentinel";
  p.options = {
      {.flag = "redis-wait", .type = OptionType::kInt, .default_value = 0, .min = 0, .max = 14,
       .help = "after each write, WAIT for this many replicas to acknowledge it (fewer by the "
               "deadline: info)",
       .safety = true},
      {.flag = "redis-min-replicas", .type = OptionType::kInt, .default_value = 0, .min = 0,
       .max = 14,
       .help = "min-replicas-to-write on every server: a primary without this many replicas "
               "acknowledging within 10 s refuses writes",
       .safety = true},
  };
  p.supports.workloads = {"register", "counter"};
  p.supports.clusters = {"local", "hosts"};
  p.supports.why_not_processes = "--cluster processes has no per-node addresses for its servers "
                                 "and Sentinels";
  p.supports.primary = true;
  p.validate = Validate;
  p.make = Make;
  p.predict = Predict;
  return p;
}

}  // namespace faultline
