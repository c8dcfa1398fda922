// The built-in store's state-changing client ops (write, cas, add, transfer, bank-init) as
// pure functions of the values they find: what to change, or why not. Every replication mode
// decides with these, so an op means the same thing in each; the modes differ only in how
// they read the current values, order the decisions and replicate the changes.
// Pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "db/builtin/server/protocol.h"

namespace faultline {

// One change to one key: set it to `value`, or add `value` to it (an absent key counts as 0).
struct KeyChange {
  enum class Kind { kSet, kAdd };
  std::string key;
  Kind kind = Kind::kSet;
  int64_t value = 0;

  bool operator==(const KeyChange&) const = default;
};

// The value of `key` after `change` (which must be about that key).
int64_t ApplyChange(const KeyChange& change, std::optional<int64_t> current);

// What a state-changing op decided.
struct Decision {
  std::vector<KeyChange> changes;  // to apply together, in order; empty when refused or a no-op
  nlohmann::json reply;            // the ok reply to send once the changes are in, or the refusal

  bool refused() const { return !reply.value("ok", false); }
};

// The current value of a key (nullopt: never written).
using Lookup = std::function<std::optional<int64_t>(const std::string&)>;

// Decides a write, cas, add, transfer or bank-init on the values `current` returns:
//   write      key := value
//   cas        key := to if key == from, else a definite cas-mismatch (with the value found)
//   add        key += delta (an absent key counts as 0)
//   transfer   from -= amount, to += amount; a definite not-found if either account is absent,
//              a definite insufficient-funds if from would go negative and that is not allowed
//   bank-init  every key := its balance if none of them exists yet; otherwise a no-op, so it
//              is safe to retry ("initialized": false in the reply)
// REQUIRES: request.op is one of those.
Decision Decide(const ClientRequest& request, const Lookup& current);

// Every key `request` reads or changes, in the order it names them.
std::vector<std::string> RequestKeys(const ClientRequest& request);

// True for ops that only read (read, read-accounts).
bool IsReadOnly(ClientOp op);

// The ok reply of a read-only op, from the values `current` returns.
// REQUIRES: IsReadOnly(request.op).
nlohmann::json ReadReply(const ClientRequest& request, const Lookup& current);

}  // namespace faultline
