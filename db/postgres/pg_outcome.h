// How a PostgreSQL statement's reply becomes an op's completion when it did not succeed:
// pure functions, so the mapping is unit-tested (tests/db/postgres/pg_outcome_test.cc).
// Thread-safe.
#pragma once

#include <string>

#include "db/postgres/pg_conn.h"
#include "harness/client.h"

namespace faultline {

// True for SQLSTATEs that say the node cannot serve at all (shutting down, starting up,
// in recovery, a read-only standby, out of connections, connection trouble) rather than that
// this statement was refused on its merits.
bool PgNodeUnavailable(const std::string& sqlstate);

// The completion for a reply that is not kOk. `may_have_taken_effect`: the statement was
// one whose success would change the database for good (an autocommit write, a COMMIT), so
// an unanswered one is info; otherwise (a read, a statement inside a transaction that was
// never committed) no answer means it certainly did not happen: fail. A server error is a
// definite fail (the statement, and its transaction, rolled back) — serialization failures
// (40001) and deadlocks (40P01) included.
Completion PgFailure(const PgReply& reply, bool may_have_taken_effect);

}  // namespace faultline
