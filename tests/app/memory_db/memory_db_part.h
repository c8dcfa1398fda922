// --db memory: a database that exists only for tests — the in-process register store of
// tests/harness/fake_db.h — registered the way every database is (harness/registry.h). It
// shows what adding a database takes: this folder and one registration line.
#pragma once

#include "harness/registry.h"

namespace faultline::testing {

DbPart MemoryDbPart();

}  // namespace faultline::testing
