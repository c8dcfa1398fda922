#include "db/postgres/postgres_spec.h"

#include "db/postgres/postgres_db.h"

namespace faultline {

Status ValidatePostgresSpec(const TestSpec& s) {
  auto bad = [](const std::string& what) { return Status::InvalidArgument(what); };
  if (s.db != "postgres") {
    if (s.synchronous_commit != "on" || s.isolation != "serializable" ||
        s.bank_read != "together" || s.failover) {
      return bad("--synchronous-commit, --isolation, --bank-read and --failover apply to "
                 "--db postgres");
    }
    return Status::Ok();
  }
  if (s.cluster == "processes") {
    return bad("--db postgres runs on a cluster: --cluster local (root) or --nodes HOST,…; "
               "--cluster processes cannot run its servers as the postgres user on their own "
               "addresses");
  }
  if (s.synchronous_commit != "on" && s.synchronous_commit != "remote_apply" &&
      s.synchronous_commit != "off") {
    return bad("--synchronous-commit " + s.synchronous_commit + ": expected on, remote_apply or off");
  }
  if (PgIsolationSql(s.isolation).empty()) {
    return bad("--isolation " + s.isolation +
               ": expected read-committed, repeatable-read or serializable");
  }
  if (s.bank_read != "together" && s.bank_read != "split") {
    return bad("--bank-read " + s.bank_read + ": expected together or split");
  }
  if (s.bank_read == "split" && s.workload != "bank") {
    return bad("--bank-read split applies to --workload bank");
  }
  if (s.read_from != "primary" && s.read_from != "replicas") {
    return bad("--read-from " + s.read_from + ": --db postgres reads from primary or replicas");
  }
  if ((s.read_from == "replicas" || s.failover) && s.nodes < 2) {
    return bad("--read-from replicas and --failover need replicas: --nodes 2 or more");
  }
  if (s.replication != "primary" || s.r != 0 || s.w != 0) {
    return bad("--replication, --r and --w apply to --db builtin; PostgreSQL replicates to "
               "streaming replicas as --synchronous-commit says");
  }
  if (s.redis_wait != 0) return bad("--redis-wait applies to --db redis");
  return Status::Ok();
}

Result<std::unique_ptr<Db>> StartPostgresDb(const TestSpec& spec, Cluster* cluster,
                                         const NodeTools* tools, const std::string& logs_dir,
                                         RunLog& log) {
  if (cluster == nullptr || tools == nullptr) {
    return Status::InvalidArgument("--db postgres needs --cluster local or hosts");
  }
  PostgresDbOptions o;
  o.cluster = cluster;
  o.tools = tools;
  o.logs_dir = logs_dir;
  o.synchronous_commit = spec.synchronous_commit;
  o.failover = spec.failover;
  o.client.workload = spec.workload;
  o.client.accounts = spec.accounts;
  o.client.allow_negative = spec.allow_negative;
  o.client.isolation = spec.isolation;
  o.client.bank_read_split = spec.bank_read == "split";
  o.client.read_from_replicas = spec.read_from == "replicas";
  o.client.seed = spec.seed;
  auto db = PostgresDb::Start(o, log);
  if (!db.ok()) return db.status();
  return std::unique_ptr<Db>(std::move(db).value());
}

}  // namespace faultline
