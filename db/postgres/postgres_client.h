// PostgresClient: one worker's libpq client of the PostgreSQL cluster (db/postgres/README.md).
// Register: a row per key in `registers` (read = SELECT, write = upsert, cas = conditional
// UPDATE); counter: an upsert adding to a row of `counters`; bank: rows of `accounts`, a
// transfer is one transaction at the chosen isolation level, a read reads every balance in one
// transaction (one SELECT, or with bank_read_split one SELECT per account). Writes go to the
// current primary (PgTopology, which failover moves); reads too unless read_from_replicas.
// Not thread-safe: one per worker. PgTopology is thread-safe.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "harness/db.h"

namespace faultline {

// The nodes and which one is primary now, shared by the Db and its clients.
class PgTopology {
 public:
  struct Node {
    std::string name, host;
  };
  PgTopology(std::vector<Node> nodes, uint16_t port) : nodes_(std::move(nodes)), port_(port) {}
  const std::vector<Node>& nodes() const { return nodes_; }
  uint16_t port() const { return port_; }
  size_t primary() const { return primary_.load(); }
  void set_primary(size_t i) { primary_.store(i); }
  // The index of `name`, or nodes().size().
  size_t Find(const std::string& name) const;

 private:
  const std::vector<Node> nodes_;
  const uint16_t port_;
  std::atomic<size_t> primary_{0};
};

struct PostgresClientOptions {
  std::string workload = "register";    // register | bank | counter
  int accounts = 5;
  bool allow_negative = false;
  std::string isolation = "serializable";  // read-committed | repeatable-read | serializable
  bool bank_read_split = false;            // one SELECT per account (read skew under RC)
  bool read_from_replicas = false;         // reads on a replica: home if not primary, else random
  uint64_t seed = 0;
};

// "READ COMMITTED" etc. for --isolation's words; empty for an unknown word.
std::string PgIsolationSql(const std::string& isolation);

std::unique_ptr<Client> NewPostgresClient(const PostgresClientOptions& options,
                                          std::shared_ptr<const PgTopology> topology,
                                          const std::string& home, uint64_t stream);

}  // namespace faultline
