// PgConn: one libpq connection driven without blocking past a deadline — connect, then one
// statement at a time (PQsendQueryParams), waiting on the socket with poll. Each reply says
// whether the statement was never sent, answered (rows or an error with its SQLSTATE), or
// left without an answer (timeout, connection lost). Not thread-safe: one per client.
#pragma once

#include <libpq-fe.h>

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "harness/client.h"

namespace faultline {

struct PgReply {
  enum class Kind {
    kOk,        // answered: rows (if any) and the count of rows a command touched
    kError,     // the server refused the statement: sqlstate and message
    kNotSent,   // nothing reached the server (no connection, or sending failed)
    kTimeout,   // sent, no answer by the deadline (the connection is dropped)
    kLost,      // sent, the connection broke before the answer
  };
  Kind kind = Kind::kNotSent;
  std::string sqlstate;  // kError: the five-character code, e.g. "40001"
  std::string message;   // kError, kNotSent, kTimeout, kLost: what happened
  std::vector<std::vector<std::optional<std::string>>> rows;
  int64_t affected = 0;  // kOk: rows the command inserted/updated/deleted
};

// One statement can bring several results: for an autocommit statement sent with the
// extended protocol, the server answers the statement (e.g. "INSERT 0 1") and then commits at
// Sync — and the commit itself can still fail (a serialization failure found at commit, a
// deferred constraint), as a second, error result. Folds `next` into the reply so far
// (`first`: there is none yet): the first result gives the rows; any later error replaces
// it, since the statement's transaction then did not commit.
PgReply PgFoldResult(PgReply so_far, PgReply next, bool first);

struct PgTarget {
  std::string host;
  uint16_t port = 5432;
  std::string user = "postgres";
  std::string dbname = "postgres";
  std::string application_name = "faultline";
  std::string options;  // libpq "options": e.g. "-c default_transaction_isolation=serializable"
};

class PgConn {
 public:
  // Connects by `deadline`; the error says where and why (kNotSent-like: nothing was done).
  static Result<std::unique_ptr<PgConn>> Connect(const PgTarget& target, Clock::time_point deadline);
  ~PgConn();
  PgConn(const PgConn&) = delete;
  PgConn& operator=(const PgConn&) = delete;

  // Runs one statement with text parameters ($1, $2, …). After kTimeout or kLost the
  // connection is unusable (healthy() is false).
  PgReply Exec(const std::string& sql, const std::vector<std::string>& params,
               Clock::time_point deadline);
  bool healthy() const;
  const PgTarget& target() const { return target_; }

 private:
  PgConn(PGconn* conn, PgTarget target) : conn_(conn), target_(std::move(target)) {}
  PGconn* conn_;
  const PgTarget target_;
  bool broken_ = false;
};

}  // namespace faultline
