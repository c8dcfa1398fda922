#include "db/postgres/postgres_client.h"

#include <optional>

#include "core/random.h"
#include "db/postgres/pg_conn.h"
#include "db/postgres/pg_outcome.h"

namespace faultline {

size_t PgTopology::Find(const std::string& name) const {
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].name == name) return i;
  }
  return nodes_.size();
}

std::string PgIsolationSql(const std::string& isolation) {
  if (isolation == "read-committed") return "READ COMMITTED";
  if (isolation == "repeatable-read") return "REPEATABLE READ";
  if (isolation == "serializable") return "SERIALIZABLE";
  return "";
}

namespace {

// The server's role from a row whose second column is pg_is_in_recovery() ("t" or "f").
std::string PgRole(const std::vector<std::optional<std::string>>& row) {
  if (row.size() < 2 || !row[1]) return "";
  return *row[1] == "t" ? "standby" : "primary";
}

std::optional<int64_t> ParseInt(const std::optional<std::string>& s) {
  if (!s) return std::nullopt;
  try {
    return std::stoll(*s);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

class PostgresClient : public Client {
 public:
  PostgresClient(const PostgresClientOptions& options, std::shared_ptr<const PgTopology> topology,
                 const std::string& home, uint64_t stream)
      : options_(options),
        topology_(std::move(topology)),
        home_(topology_->Find(home)),
        rng_(Random::Stream(options.seed, stream)) {}

  Completion Invoke(const OpRequest& req, Clock::time_point deadline) override {
    const bool read = req.f == "read";
    const size_t primary = topology_->primary();
    size_t target = primary;
    const size_t n = topology_->nodes().size();
    if (read && options_.read_from_replicas && n > 1) {
      target = home_;
      if (target >= n || target == primary) {
        target = rng_.Uniform(n - 1);
        if (target >= primary) ++target;
      }
    }
    on_replica_ = target != primary;
    Completion c = Run(req, target, deadline);
    // A standby refuses every write (SQLSTATE 25006), so one that succeeded was taken by a
    // primary; a register or counter read asks pg_is_in_recovery() in the same statement.
    if (c.type == OpType::kOk && !read) c.role = "primary";
    if (target != home_) c.node = topology_->nodes()[target].name;
    return c;
  }

 private:
  Completion Run(const OpRequest& req, size_t target, Clock::time_point deadline) {
    if (conn_ && (conn_target_ != target || !conn_->healthy())) conn_.reset();
    if (!conn_) {
      const auto& node = topology_->nodes()[target];
      PgTarget t;
      t.host = node.host;
      t.port = topology_->port();
      t.application_name = "faultline-client";
      t.options = "-c default_transaction_isolation=" + SessionIsolation();
      auto c = PgConn::Connect(t, deadline);
      if (!c.ok())
        return Completion::Fail("cannot connect to " + node.name + ": " + c.status().message(),
                                true);
      conn_ = std::move(c).value();
      conn_target_ = target;
    }
    const std::string& w = options_.workload;
    if (w == "register") return Register(req, deadline);
    if (w == "counter") return Counter(req, deadline);
    if (w == "bank") return Bank(req, deadline);
    return Completion::Fail("the postgres client has no " + w + " workload");
  }

  // Hot standbys refuse SERIALIZABLE: replica reads run at REPEATABLE READ there. The value
  // of libpq's "options" escapes its space.
  std::string SessionIsolation() const {
    if (options_.isolation == "read-committed") return "read\\ committed";
    if (options_.isolation == "repeatable-read" || on_replica_) return "repeatable\\ read";
    return "serializable";
  }

  PgReply Exec(const std::string& sql, const std::vector<std::string>& params,
               Clock::time_point deadline) {
    return conn_->Exec(sql, params, deadline);
  }

  Completion Register(const OpRequest& req, Clock::time_point deadline) {
    const std::string key = req.key.value_or("");
    if (req.f == "read") {
      PgReply r = Exec("SELECT (SELECT val FROM registers WHERE id = $1), pg_is_in_recovery()",
                       {key}, deadline);
      if (r.kind != PgReply::Kind::kOk) return PgFailure(r, false);
      Completion c{OpType::kOk, Value(), "", ""};
      if (!r.rows.empty()) {
        if (auto v = ParseInt(r.rows[0][0])) c.value = Value::Int(*v);
        c.role = PgRole(r.rows[0]);
      }
      return c;
    }
    if (req.f == "write") {
      PgReply r = Exec(
          "INSERT INTO registers (id, val) VALUES ($1, $2) "
          "ON CONFLICT (id) DO UPDATE SET val = EXCLUDED.val",
          {key, std::to_string(req.value.as_int())}, deadline);
      if (r.kind != PgReply::Kind::kOk) return PgFailure(r, true);
      return Completion::Ok();
    }
    if (req.f == "cas") {
      const auto& l = req.value.as_list();
      PgReply r = Exec("UPDATE registers SET val = $3 WHERE id = $1 AND val = $2",
                       {key, std::to_string(l.at(0).as_int()), std::to_string(l.at(1).as_int())},
                       deadline);
      if (r.kind != PgReply::Kind::kOk) return PgFailure(r, true);
      if (r.affected == 0)
        return Completion::Fail("cas mismatch: the register did not hold " + l.at(0).ToJson());
      return Completion::Ok();
    }
    return Completion::Fail("the postgres client has no register op '" + req.f + "'");
  }

  Completion Counter(const OpRequest& req, Clock::time_point deadline) {
    if (req.f == "add") {
      PgReply r = Exec(
          "INSERT INTO counters (id, val) VALUES ('counter', $1) "
          "ON CONFLICT (id) DO UPDATE SET val = counters.val + EXCLUDED.val",
          {std::to_string(req.value.as_int())}, deadline);
      if (r.kind != PgReply::Kind::kOk) return PgFailure(r, true);
      return Completion::Ok();
    }
    if (req.f == "read") {
      PgReply r = Exec(
          "SELECT (SELECT val FROM counters WHERE id = 'counter'), pg_is_in_recovery()", {},
          deadline);
      if (r.kind != PgReply::Kind::kOk) return PgFailure(r, false);
      int64_t v = 0;  // a counter nobody added to reads 0
      if (!r.rows.empty()) v = ParseInt(r.rows[0][0]).value_or(0);
      Completion c = Completion::Ok(Value::Int(v));
      if (!r.rows.empty()) c.role = PgRole(r.rows[0]);
      return c;
    }
    return Completion::Fail("the postgres client has no counter op '" + req.f + "'");
  }

  // Ends a transaction that failed part-way; drops the connection if that fails too.
  void Abandon(Clock::time_point deadline) {
    if (!conn_ || !conn_->healthy()) return;
    PgReply r = Exec("ROLLBACK", {}, deadline);
    if (r.kind != PgReply::Kind::kOk) conn_.reset();
  }

  std::string Begin(bool read_only) const {
    std::string iso = options_.isolation;
    if (on_replica_ && iso == "serializable") iso = "repeatable-read";
    return "BEGIN ISOLATION LEVEL " + PgIsolationSql(iso) + (read_only ? " READ ONLY" : "");
  }

  Completion Bank(const OpRequest& req, Clock::time_point deadline) {
    if (req.f == "bank-init") {
      std::string sql = "INSERT INTO accounts (id, balance) VALUES ";
      std::vector<std::string> params;
      for (const auto& [id, balance] : req.value.as_map()) {
        if (!params.empty()) sql += ", ";
        sql += "($" + std::to_string(params.size() + 1) + "::int, $" +
               std::to_string(params.size() + 2) + "::bigint)";
        params.push_back(id);
        params.push_back(std::to_string(balance.as_int()));
      }
      // Safe to repeat: an account already there keeps its balance.
      sql += " ON CONFLICT (id) DO NOTHING";
      PgReply r = Exec(sql, params, deadline);
      if (r.kind != PgReply::Kind::kOk) return PgFailure(r, true);
      return Completion::Ok();
    }
    if (req.f == "transfer") return Transfer(req, deadline);
    if (req.f == "read") return ReadBalances(deadline);
    return Completion::Fail("the postgres client has no bank op '" + req.f + "'");
  }

  Completion Transfer(const OpRequest& req, Clock::time_point deadline) {
    const Value* from = req.value.Find("from");
    const Value* to = req.value.Find("to");
    const Value* amount = req.value.Find("amount");
    if (!from || !to || !amount || !from->is_int() || !to->is_int() || !amount->is_int()) {
      return Completion::Fail(
          "a transfer's value must be {\"from\":int,\"to\":int,\"amount\":int}, not " +
          req.value.ToJson());
    }
    PgReply r = Exec(Begin(false), {}, deadline);
    if (r.kind != PgReply::Kind::kOk) return PgFailure(r, false);
    // Both rows locked in id order first: two opposite transfers cannot deadlock (which
    // PostgreSQL would only break after deadlock_timeout, past most ops' deadlines).
    r = Exec("SELECT id FROM accounts WHERE id IN ($1, $2) ORDER BY id FOR UPDATE",
             {std::to_string(from->as_int()), std::to_string(to->as_int())}, deadline);
    if (r.kind != PgReply::Kind::kOk) {
      Abandon(deadline);
      return PgFailure(r, false);
    }
    // One statement: debit (only if the balance covers it, unless overdrafts are allowed),
    // and credit only if the debit happened.
    r = Exec(std::string("WITH d AS (UPDATE accounts SET balance = balance - $3 WHERE id = $1") +
                 (options_.allow_negative ? "" : " AND balance >= $3") +
                 " RETURNING id), c AS (UPDATE accounts SET balance = balance + $3 "
                 "WHERE id = $2 AND EXISTS (SELECT 1 FROM d) RETURNING id) "
                 "SELECT (SELECT count(*) FROM d), (SELECT count(*) FROM c)",
             {std::to_string(from->as_int()), std::to_string(to->as_int()),
              std::to_string(amount->as_int())},
             deadline);
    if (r.kind != PgReply::Kind::kOk) {
      Abandon(deadline);
      return PgFailure(r, false);  // never committed
    }
    const bool moved = !r.rows.empty() && ParseInt(r.rows[0][0]) == 1 && ParseInt(r.rows[0][1]) == 1;
    if (!moved) {
      Abandon(deadline);
      return Completion::Fail("insufficient funds (or no such account): nothing moved");
    }
    r = Exec("COMMIT", {}, deadline);
    if (r.kind != PgReply::Kind::kOk) return PgFailure(r, true);
    return Completion::Ok();
  }

  Completion ReadBalances(Clock::time_point deadline) {
    std::vector<std::optional<int64_t>> balances(options_.accounts);
    PgReply r = Exec(Begin(true), {}, deadline);
    if (r.kind != PgReply::Kind::kOk) return PgFailure(r, false);
    if (options_.bank_read_split) {
      for (int i = 0; i < options_.accounts; ++i) {
        r = Exec("SELECT balance FROM accounts WHERE id = $1", {std::to_string(i)}, deadline);
        if (r.kind != PgReply::Kind::kOk) {
          Abandon(deadline);
          return PgFailure(r, false);
        }
        if (!r.rows.empty()) balances[i] = ParseInt(r.rows[0][0]);
      }
    } else {
      r = Exec("SELECT id, balance FROM accounts", {}, deadline);
      if (r.kind != PgReply::Kind::kOk) {
        Abandon(deadline);
        return PgFailure(r, false);
      }
      for (const auto& row : r.rows) {
        auto id = ParseInt(row[0]);
        if (id && *id >= 0 && *id < options_.accounts) balances[*id] = ParseInt(row[1]);
      }
    }
    // A serializable read-only transaction can still fail at COMMIT; then its reads count
    // for nothing.
    r = Exec("COMMIT", {}, deadline);
    if (r.kind != PgReply::Kind::kOk) return PgFailure(r, false);
    Value::Map out;  // an absent account reads as null: the checker calls it missing
    for (int i = 0; i < options_.accounts; ++i) {
      out.emplace_back(std::to_string(i), balances[i] ? Value::Int(*balances[i]) : Value());
    }
    return Completion::Ok(Value::MakeMap(std::move(out)));
  }

  const PostgresClientOptions options_;
  const std::shared_ptr<const PgTopology> topology_;
  const size_t home_;
  Random rng_;
  std::unique_ptr<PgConn> conn_;
  size_t conn_target_ = 0;
  bool on_replica_ = false;
};

}  // namespace

std::unique_ptr<Client> NewPostgresClient(const PostgresClientOptions& options,
                                          std::shared_ptr<const PgTopology> topology,
                                          const std::string& home, uint64_t stream) {
  return std::make_unique<PostgresClient>(options, std::move(topology), home, stream);
}

}  // namespace faultline
