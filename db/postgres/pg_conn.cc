#include "db/postgres/pg_conn.h"

#include <poll.h>

#include <algorithm>

namespace faultline {
namespace {

// Milliseconds left until `deadline`, at least 0.
int RemainingMs(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return static_cast<int>(std::max<int64_t>(0, left.count()));
}

// Waits until `fd` is ready for `events` or the deadline passes; false on timeout.
bool WaitFd(int fd, short events, Clock::time_point deadline) {
  for (;;) {
    pollfd p{fd, events, 0};
    int n = ::poll(&p, 1, RemainingMs(deadline));
    if (n > 0) return true;
    if (n == 0) return false;
    if (errno != EINTR) return true;  // let libpq find the error
  }
}

std::string Trim(const char* s) {
  std::string m = s ? s : "";
  while (!m.empty() && (m.back() == '\n' || m.back() == ' ')) m.pop_back();
  return m;
}

}  // namespace

Result<std::unique_ptr<PgConn>> PgConn::Connect(const PgTarget& t, Clock::time_point deadline) {
  const std::string port = std::to_string(t.port);
  const char* keys[] = {"host", "port", "user", "dbname", "application_name", "options",
                        nullptr};
  const char* values[] = {t.host.c_str(), port.c_str(), t.user.c_str(), t.dbname.c_str(),
                          t.application_name.c_str(), t.options.c_str(), nullptr};
  PGconn* conn = PQconnectStartParams(keys, values, 0);
  const std::string where = "postgres at " + t.host + ":" + port;
  if (conn == nullptr) return Status::IoError(where + ": out of memory");
  if (PQstatus(conn) == CONNECTION_BAD) {
    std::string m = Trim(PQerrorMessage(conn));
    PQfinish(conn);
    return Status::IoError(where + ": " + m);
  }
  PostgresPollingStatusType st = PGRES_POLLING_WRITING;
  for (;;) {
    if (st == PGRES_POLLING_OK) break;
    if (st == PGRES_POLLING_FAILED) {
      std::string m = Trim(PQerrorMessage(conn));
      PQfinish(conn);
      return Status::IoError(where + ": " + m);
    }
    const short ev = st == PGRES_POLLING_READING ? POLLIN : POLLOUT;
    if (!WaitFd(PQsocket(conn), ev, deadline)) {
      PQfinish(conn);
      return Status::IoError(where + ": no connection by the op's deadline");
    }
    st = PQconnectPoll(conn);
  }
  // Server notices (e.g. "terminating connection") belong to the server's log, not our stderr.
  PQsetNoticeProcessor(conn, [](void*, const char*) {}, nullptr);
  if (PQsetnonblocking(conn, 1) != 0) {
    PQfinish(conn);
    return Status::IoError(where + ": cannot make the connection non-blocking");
  }
  return std::unique_ptr<PgConn>(new PgConn(conn, t));
}

PgReply PgFoldResult(PgReply so_far, PgReply next, bool first) {
  if (first) return next;
  if (next.kind == PgReply::Kind::kOk || so_far.kind != PgReply::Kind::kOk) return so_far;
  return next;  // the statement was answered, but its transaction did not commit
}

PgConn::~PgConn() { PQfinish(conn_); }

bool PgConn::healthy() const { return !broken_ && PQstatus(conn_) == CONNECTION_OK; }

PgReply PgConn::Exec(const std::string& sql, const std::vector<std::string>& params,
                     Clock::time_point deadline) {
  PgReply r;
  if (!healthy()) {
    r.kind = PgReply::Kind::kNotSent;
    r.message = "connection to " + target_.host + " is broken";
    return r;
  }
  std::vector<const char*> ps;
  for (const auto& p : params) ps.push_back(p.c_str());
  if (PQsendQueryParams(conn_, sql.c_str(), static_cast<int>(ps.size()), nullptr, ps.data(),
                        nullptr, nullptr, 0) != 1) {
    broken_ = true;
    r.kind = PgReply::Kind::kNotSent;
    r.message = Trim(PQerrorMessage(conn_));
    return r;
  }
  // From here the statement may have reached the server.
  auto lost = [&](std::string why) {
    broken_ = true;
    r.kind = PgReply::Kind::kLost;
    r.message = why.empty() ? "connection lost" : why;
    return r;
  };
  for (;;) {
    int f = PQflush(conn_);
    if (f == 0) break;
    if (f < 0) return lost(Trim(PQerrorMessage(conn_)));
    if (!WaitFd(PQsocket(conn_), POLLOUT, deadline)) {
      broken_ = true;
      r.kind = PgReply::Kind::kTimeout;
      r.message = "no answer from " + target_.host + " by the op's deadline";
      return r;
    }
  }
  bool have = false;
  // Every result until libpq's last (nullptr): an autocommit statement's commit comes after
  // its own result and can fail (PgFoldResult).
  for (;;) {
    while (PQisBusy(conn_)) {
      if (!WaitFd(PQsocket(conn_), POLLIN, deadline)) {
        // Drop the connection. (PQcancel would wait for the server's answer, and a paused
        // server never gives one.)
        broken_ = true;
        r.kind = PgReply::Kind::kTimeout;
        r.message = "no answer from " + target_.host + " by the op's deadline";
        return r;
      }
      if (PQconsumeInput(conn_) != 1) return lost(Trim(PQerrorMessage(conn_)));
    }
    PGresult* res = PQgetResult(conn_);
    if (res == nullptr) break;
    const ExecStatusType st = PQresultStatus(res);
    PgReply one;
    if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
      one.kind = PgReply::Kind::kOk;
      if (!have) {  // only the first result's rows are used
        const char* n = PQcmdTuples(res);
        one.affected = (n && *n) ? std::stoll(n) : 0;
        for (int i = 0; i < PQntuples(res); ++i) {
          std::vector<std::optional<std::string>> row;
          for (int j = 0; j < PQnfields(res); ++j) {
            if (PQgetisnull(res, i, j)) {
              row.emplace_back(std::nullopt);
            } else {
              row.emplace_back(std::string(PQgetvalue(res, i, j), PQgetlength(res, i, j)));
            }
          }
          one.rows.push_back(std::move(row));
        }
      }
    } else {
      const char* code = PQresultErrorField(res, PG_DIAG_SQLSTATE);
      one.sqlstate = code ? code : "";
      one.message = Trim(PQresultErrorMessage(res));
      // libpq reports a connection lost mid-statement as a fatal result without SQLSTATE.
      one.kind = one.sqlstate.empty() ? PgReply::Kind::kLost : PgReply::Kind::kError;
      if (one.kind == PgReply::Kind::kLost) broken_ = true;
      if (one.message.empty()) one.message = Trim(PQerrorMessage(conn_));
    }
    PQclear(res);
    r = PgFoldResult(std::move(r), std::move(one), !have);
    have = true;
  }
  if (!have) return lost(Trim(PQerrorMessage(conn_)));
  if (PQstatus(conn_) != CONNECTION_OK) broken_ = true;
  return r;
}

}  // namespace faultline
