// BuiltinClient: one worker's client of the built-in store (the harness's Client seam). It
// maps the ops of one workload onto the store's protocol — register read/write/cas on their
// keys; counter add/read on the key "counter"; bank transfer/read/bank-init on the keys
// "account:<id>" — and sorts each reply into ok / fail / info. It follows a "not primary"
// refusal to the primary the node names (once per op). With read_from_any it sends each read
// to a node chosen at random from its seed (no session stickiness: the causality-breaking
// setting) and says which node answered. Not thread-safe: one per worker.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "db/builtin/store_nodes.h"
#include "harness/client.h"

namespace faultline {

struct BuiltinClientOptions {
  std::string workload = "register";  // register | counter | bank: the ops it speaks
  int accounts = 5;                   // bank: accounts 0..accounts-1, read all at once
  bool allow_negative = false;        // bank: transfers may overdraw
  bool read_from_any = false;         // reads go to a random node, not the worker's own
  uint64_t seed = 0;                  // for read_from_any's choices
};

// The store key of bank account `id` ("account:3"), and of the counter.
std::string AccountKey(const std::string& id);
inline constexpr char kCounterKey[] = "counter";

// A client whose own node is `home` (one of `nodes`); `stream` tells clients' random choices
// apart (e.g. the count of clients opened so far).
std::unique_ptr<Client> NewBuiltinClient(const BuiltinClientOptions& options,
                                         std::vector<NodeAddress> nodes, const std::string& home,
                                         uint64_t stream);

}  // namespace faultline
