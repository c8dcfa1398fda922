// PrimaryBackupEngine: the "primary" and "async" modes. One primary orders every write into a
// log (StoreLog) that shipper threads copy to the replicas. README.md states each mode's
// promise:
//   primary  n1 is primary for ever; a write is acknowledged once a majority (n1 included)
//            stored it, a read after a heartbeat round in which a majority still accepted n1.
//   async    the primary acknowledges at once and ships every replication_interval; replicas
//            that have not heard from it for election_timeout promote the most up-to-date
//            reachable replica, which may lose acknowledged writes. A transfer is two entries
//            (debit, then credit): the primary holds both accounts between them, so its own
//            clients see transfers whole, but the log ships with no transaction boundaries,
//            and a failover may promote a replica that got the debit without the credit.
// With read_from_any, replicas serve reads from their own state instead of refusing them.
// Thread-safe: one mutex guards the log and the replication state. Background threads: one
// shipper per other node (active while this node is primary) and, in async mode, an
// election watcher.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "db/builtin/server/file_logger.h"
#include "db/builtin/server/node_options.h"
#include "db/builtin/server/peer_client.h"
#include "db/builtin/server/store_engine.h"
#include "db/builtin/server/store_log.h"

namespace faultline {

class PrimaryBackupEngine final : public StoreEngine {
 public:
  // `options` and `logger` must outlive the engine.
  PrimaryBackupEngine(const NodeOptions& options, FileLogger& logger);
  ~PrimaryBackupEngine() override;

  Status Start() override;
  nlohmann::json Execute(const ClientRequest& request, Deadline deadline) override;
  nlohmann::json HandlePeer(const std::string& op, const nlohmann::json& message) override;
  NodeStatus GetStatus() override;

 private:
  using Clock = std::chrono::steady_clock;

  // What the primary knows about one replica.
  struct Progress {
    int64_t next_index = 1;         // first entry to send next
    int64_t match_index = 0;        // highest entry known to be stored there
    uint64_t sent_round = 0;        // newest read round sent to it
    uint64_t acked_round = 0;       // newest read round it answered as our replica
    int64_t conflict_step = 1;      // how far back to jump after the next log mismatch
    Clock::time_point last_sent{};  // the epoch means "due now"
    Clock::time_point retry_at{};   // after a failed exchange, wait until then
  };
  // One append message in flight, with what the reply must be matched against.
  struct Shipment {
    nlohmann::json message;
    int64_t term = 0;
    int64_t prev_index = 0;
    int64_t count = 0;
    uint64_t round = 0;
  };

  bool synchronous() const { return options_.mode == ReplicationMode::kPrimary; }
  bool IsPrimaryLocked() const { return primary_ == options_.name; }
  nlohmann::json NotPrimaryLocked() const;
  // Execute without the role stamp; `lock` holds mu_.
  nlohmann::json ExecuteLocked(std::unique_lock<std::mutex>& lock, const ClientRequest& request,
                               Deadline deadline);
  nlohmann::json ReadLocked(std::unique_lock<std::mutex>& lock, const ClientRequest& request,
                            Deadline deadline);
  // write, cas, add, transfer (primary mode), bank-init: one log entry.
  nlohmann::json WriteLocked(std::unique_lock<std::mutex>& lock, const ClientRequest& request,
                             Deadline deadline);
  // async transfer: the debit and the credit as two entries, the lock released between them.
  nlohmann::json TransferInHalvesLocked(std::unique_lock<std::mutex>& lock,
                                        const ClientRequest& request);
  // Reads the log's current state. Use only while holding mu_.
  Lookup LookupLocked() const;
  // Nodes (this one included) that store entry `index` and answered read round `round`.
  size_t CountStoredLocked(int64_t index, uint64_t round) const;
  void BecomePrimaryLocked(int64_t term);
  void FollowLocked(int64_t term, const std::string& primary);
  nlohmann::json HandleAppend(const nlohmann::json& message);
  nlohmann::json AppendEntriesLocked(int64_t prev_index, int64_t prev_term,
                                     const std::vector<LogEntry>& entries);
  NodeStatus StatusLocked() const;

  // primary_backup_shipper.cc
  void ShipLoop(size_t peer);
  bool ShipDueLocked(size_t peer, Clock::time_point now) const;
  Clock::time_point NextShipTimeLocked(size_t peer) const;
  Shipment PrepareShipmentLocked(size_t peer);
  void OnShipReplyLocked(size_t peer, const Shipment& shipment, const nlohmann::json& reply);
  Result<nlohmann::json> Exchange(size_t peer, std::unique_ptr<LineConnection>* conn,
                                  const std::string& line);

  // primary_backup_election.cc
  void ElectionLoop();
  void RunElection();
  void DecideElectionLocked(const std::vector<NodeStatus>& reachable);

  const NodeOptions& options_;
  FileLogger& logger_;
  PeerClient peer_client_;
  std::mutex mu_;
  // Signalled when the log grows, an ack arrives, the role changes, or on stopping.
  std::condition_variable changed_;
  std::unique_ptr<StoreLog> log_;      // guarded by mu_
  std::string primary_;                // guarded by mu_; "" when unknown
  std::vector<Progress> progress_;     // guarded by mu_; by peer index (own slot unused)
  uint64_t read_round_ = 0;            // guarded by mu_
  Clock::time_point last_heard_{};     // guarded by mu_; last append from our primary
  Clock::time_point next_election_{};  // guarded by mu_
  bool stopping_ = false;              // guarded by mu_
  // async: the accounts of transfers between their debit and credit; guarded by mu_.
  std::set<std::string> locked_keys_;
  std::vector<std::thread> threads_;
};

}  // namespace faultline
