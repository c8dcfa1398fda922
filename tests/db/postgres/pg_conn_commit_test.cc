// PgConn against a real PostgreSQL (Debian's postgresql-15, run as the postgres user on a
// private unix-socket directory; needs root, skipped otherwise): an autocommit statement whose
// own result is fine but whose commit fails must come back as that error, not as ok.
// Regression for the register write found by postgres_soak.sh seed 10 (db/postgres/README.md).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "db/postgres/pg_conn.h"
#include "db/postgres/pg_outcome.h"

namespace faultline {
namespace {

const std::string kBin = "/usr/lib/postgresql/15/bin";
const std::string kAsPostgres = "setpriv --reuid=postgres --regid=postgres --init-groups -- ";

// One throwaway server: initdb'd and started by the constructor, stopped (immediate) and its
// directory removed by the destructor, pass or fail.
class ThrowawayPostgres {
 public:
  ThrowawayPostgres() {
    char tmpl[] = "/tmp/faultline-pgconn.XXXXXX";
    if (mkdtemp(tmpl) == nullptr) return;
    dir_ = tmpl;
    const std::string d = dir_ + "/data";
    const std::string cmd =
        "chown postgres: " + dir_ + " && " + kAsPostgres + kBin + "/initdb -D " + d +
        " -A trust -U postgres --no-sync >" + dir_ + "/initdb.log 2>&1 && " + kAsPostgres + kBin +
        "/pg_ctl -D " + d + " -l " + dir_ + "/postgres.log -w -o \"-c listen_addresses='' " +
        "-c unix_socket_directories=" + dir_ + " -p 5432 -c fsync=off\" start >/dev/null 2>&1";
    started_ = std::system(cmd.c_str()) == 0;
  }
  ~ThrowawayPostgres() {
    if (dir_.empty()) return;
    const std::string stop = kAsPostgres + kBin + "/pg_ctl -D " + dir_ +
                             "/data -m immediate -w stop >/dev/null 2>&1";
    (void)std::system(stop.c_str());
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  bool started() const { return started_; }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  bool started_ = false;
};

TEST(PgConnCommit, ACommitThatFailsAfterTheStatementsResultIsAnError) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root (runs PostgreSQL as the postgres user)";
  if (!std::filesystem::exists(kBin + "/initdb")) GTEST_SKIP() << "no " << kBin;
  ThrowawayPostgres pg;
  ASSERT_TRUE(pg.started()) << "see " << pg.dir() << "/initdb.log and postgres.log";
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  PgTarget t;
  t.host = pg.dir();  // a directory: libpq's unix socket
  t.port = 5432;
  auto conn = PgConn::Connect(t, deadline);
  ASSERT_TRUE(conn.ok()) << conn.status().message();
  // A deferred unique constraint is checked at commit: the INSERT itself succeeds ("INSERT 0
  // 1"), the commit at Sync fails — the shape of a serialization failure raised at commit.
  ASSERT_EQ((*conn)->Exec("CREATE TABLE d (id int PRIMARY KEY DEFERRABLE INITIALLY DEFERRED)",
                          {}, deadline)
                .kind,
            PgReply::Kind::kOk);
  ASSERT_EQ((*conn)->Exec("INSERT INTO d VALUES ($1)", {"1"}, deadline).kind,
            PgReply::Kind::kOk);
  PgReply dup = (*conn)->Exec("INSERT INTO d VALUES ($1)", {"1"}, deadline);
  EXPECT_EQ(dup.kind, PgReply::Kind::kError);
  EXPECT_EQ(dup.sqlstate, "23505") << dup.message;
  EXPECT_EQ(PgFailure(dup, /*may_have_taken_effect=*/true).type, OpType::kFail);
  // The connection is still usable, and the row is there once.
  PgReply count = (*conn)->Exec("SELECT count(*) FROM d", {}, deadline);
  ASSERT_EQ(count.kind, PgReply::Kind::kOk);
  ASSERT_EQ(count.rows.size(), 1u);
  EXPECT_EQ(count.rows[0][0], "1");
}

}  // namespace
}  // namespace faultline
