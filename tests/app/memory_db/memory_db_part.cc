#include "tests/app/memory_db/memory_db_part.h"

#include "tests/harness/fake_db.h"

namespace faultline::testing {

DbPart MemoryDbPart() {
  DbPart p;
  p.name = "memory";
  p.description = "an in-process register store, for tests";
  p.options = {{.flag = "memory-reads", .default_value = "fresh", .choices = {"fresh", "stale"},
                .help = "fresh (linearizable) or stale (reads from a lagging snapshot)",
                .safety = true}};
  p.supports.workloads = {"register"};
  p.supports.clusters = {"processes"};
  p.make = [](const DbContext& c) -> Result<std::unique_ptr<Db>> {
    const bool stale = OptString(c.options, "memory_reads") == "stale";
    return std::unique_ptr<Db>(std::make_unique<MemoryDb>(
        stale ? MemoryMode::kStaleReads : MemoryMode::kLinearizable, c.test.cluster.nodes));
  };
  return p;
}

}  // namespace faultline::testing
