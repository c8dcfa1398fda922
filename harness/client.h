// Client: the seam between the harness and a database's client (Jepsen's Client protocol):
// an OpRequest in, a Completion out. A Client is used by one worker thread only; the
// database it belongs to is a Db (harness/db.h).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

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
  // That node's role as the database itself said when it answered ("primary", "replica",
  // "leader", "follower"); empty when the database does not say (docs/witnesses.md).
  std::string role = {};

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

}  // namespace faultline
