#include "db/redis/redis_spec.h"

#include "db/redis/redis_db.h"

namespace faultline {

Status ValidateRedisSpec(const TestSpec& s) {
  auto bad = [](const std::string& what) { return Status::InvalidArgument(what); };
  if (s.db != "redis") {
    if (s.redis_wait != 0) return bad("--redis-wait applies to --db redis");
    return Status::Ok();
  }
  if (s.cluster == "processes") {
    return bad("--db redis runs on a cluster: --cluster local (root) or --nodes HOST,…; "
               "--cluster processes has no per-node addresses for its servers and Sentinels");
  }
  if (s.workload != "register" && s.workload != "counter") {
    return bad("--db redis runs the register or counter workload, not " + s.workload);
  }
  if (s.redis_wait < 0 || s.redis_wait > s.nodes - 1) {
    return bad("--redis-wait must be 0.." + std::to_string(s.nodes - 1) +
               " (the replicas of " + std::to_string(s.nodes) + " nodes)");
  }
  if (s.read_from != "primary") return bad("--db redis reads from the primary (--read-from primary)");
  if (s.replication != "primary" || s.r != 0 || s.w != 0) {
    return bad("--replication, --r and --w apply to --db builtin; Redis replicates "
               "asynchronously (see --redis-wait)");
  }
  return Status::Ok();
}

Result<std::unique_ptr<Db>> StartRedisDb(const TestSpec& spec, Cluster* cluster,
                                         const NodeTools* tools, const std::string& logs_dir,
                                         RunLog& log) {
  RedisDbOptions o;
  o.cluster = cluster;
  o.tools = tools;
  o.logs_dir = logs_dir;
  o.client.workload = spec.workload;
  o.client.wait_replicas = spec.redis_wait;
  auto db = RedisDb::Start(o, log);
  if (!db.ok()) return db.status();
  return std::unique_ptr<Db>(std::move(db).value());
}

}  // namespace faultline
