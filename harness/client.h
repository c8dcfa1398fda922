// Client and Db: the two seams between the harness and a database (Jepsen's Client and DB
// protocols). A Client is used by one worker thread only; a Db by the runner and the
// nemesis (its methods must be safe to call from both).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "control/node_address.h"
#include "core/history.h"
#include "core/status.h"
#include "core/value.h"

namespace faultline {

using Clock = std::chrono::steady_clock;

// What a workload asks a client to do.
struct OpRequest {
  std::string f;
  std::optional<std::string> key;
  Value value;
  // Final phase only: the node this op must be sent to (e.g. a counter's final read on every
  // node); otherwise the worker's own node.
  std::optional<std::string> node = {};
};

// What happened. type is kOk, kFail (certainly did not happen) or kInfo (unknown).
struct Completion {
  OpType type = OpType::kInfo;
  Value value;
  std::string error;
  // The node that answered, when the client knows it was not the one asked (it followed a
  // redirect to the primary, or spread reads over the nodes); empty otherwise.
  std::string node = {};
  // A fail because the node could not serve at all (unreachable, down, not the primary) rather
  // than a refusal of this op (a cas that did not match): the worker backs off before its next.
  bool unavailable = false;

  // The shapes clients build most: ok with what it read; a fail (the op certainly did not
  // happen), `unavailable` when the node could not serve at all; info (it may have happened).
  static Completion Ok(Value value = Value()) { return {OpType::kOk, std::move(value), ""}; }
  static Completion Fail(std::string error, bool unavailable = false) {
    return {OpType::kFail, Value(), std::move(error), "", unavailable};
  }
  static Completion Info(std::string error) { return {OpType::kInfo, Value(), std::move(error)}; }
};

class Client {
 public:
  virtual ~Client() = default;
  // Performs one op, returning by `deadline` where it can. May throw: the harness turns an
  // exception into an info completion and a fresh client.
  virtual Completion Invoke(const OpRequest& req, Clock::time_point deadline) = 0;
};

class Db {
 public:
  Db() = default;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  virtual ~Db() = default;  // must stop everything it started

  virtual std::string Describe() const = 0;  // e.g. "builtin (primary, 5 nodes)"
  virtual std::vector<std::string> Nodes() const = 0;
  // A client bound to `node`, for one worker.
  virtual Result<std::unique_ptr<Client>> OpenClient(const std::string& node) = 0;
  // Faults the database supports on a node; Unsupported if it cannot.
  virtual Status Kill(const std::string& node) = 0;
  virtual Status Restart(const std::string& node) = 0;
  // SIGSTOP / SIGCONT of the node's database process.
  virtual Status Pause(const std::string& node) {
    return Status::Unsupported(Describe() + " cannot pause a node");
  }
  virtual Status Resume(const std::string& node) {
    return Status::Unsupported(Describe() + " cannot resume a node");
  }
  // Ok when the nodes' processes run under faultline's clock library (nemesis/clock), so
  // clock faults reach them; otherwise why not (e.g. a Go binary reads the clock via vDSO).
  virtual Status ClockFaultsSupported() const {
    return Status::Unsupported(Describe() + " does not run under faultline's clock library");
  }
  // The node currently acting as primary/leader, if the database has one.
  virtual std::optional<std::string> Primary() = 0;
  // Copies each node's logs into dir/<node>/.
  virtual Status CollectLogs(const std::string& dir) = 0;
  // Where a client reaches each node's database (name as in Nodes(), host, port), in Nodes()
  // order, for clients faultline does not implement itself (db/external/: told to an external
  // client program in FAULTLINE_NODES); Unsupported when the database does not say (then
  // --client-cmd cannot be used with it).
  virtual Result<std::vector<NodeAddress>> ClientEndpoints() const {
    return Status::Unsupported(Describe() + " does not say where clients reach its nodes");
  }
};

}  // namespace faultline
