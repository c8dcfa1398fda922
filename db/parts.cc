// The databases faultline drives: one registration line each (the part lives in db/<name>/).
#include "db/parts.h"

#include "db/builtin/builtin_part.h"
#include "db/etcd/etcd_part.h"
#include "db/external/external_part.h"
#include "db/postgres/postgres_part.h"
#include "db/redis/redis_part.h"

namespace faultline {

void RegisterDbs(Registry& registry) {
  registry.Add(BuiltinDbPart());
  registry.Add(EtcdDbPart());
  registry.Add(PostgresDbPart());
  registry.Add(RedisDbPart());
  registry.Add(ExternalDbPart());
}

}  // namespace faultline
