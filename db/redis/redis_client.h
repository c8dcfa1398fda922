// RedisClient: one worker's hiredis client of a Redis primary with replicas and Sentinel
// (db/redis/README.md). Register: GET / SET / cas as a Lua script (atomic); counter: INCRBY /
// GET. It finds the primary by asking Sentinel (its own node's first, then the others) when it
// has no connection or the node refused as a replica, checks the node's ROLE, and while
// connected asks its own node's Sentinel again every 100 ms, moving when it names another
// node (as a client following +switch-master). With wait_replicas > 0 every write is followed
// by WAIT. Not thread-safe: one per worker.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/client.h"

namespace faultline {

struct RedisTopology {
  struct Node {
    std::string name, host;
  };
  std::vector<Node> nodes;
  int port = 6379;
  int sentinel_port = 26379;
  std::string master_name = "faultline";
};

struct RedisClientOptions {
  std::string workload = "register";  // register | counter
  int wait_replicas = 0;              // --redis-wait N
};

// Asks the Sentinels (starting with nodes[first]) for the primary's address; the first answer
// wins. Empty when none answers by `deadline`.
std::string AskSentinels(const RedisTopology& topology, size_t first, Clock::time_point deadline);

// One Sentinel's view of the primary: its address and the configuration epoch of that view
// (raised by every failover).
struct SentinelPrimary {
  std::string host;
  long long epoch = 0;
};

// From the field/value array `SENTINEL master <name>` answers; nullopt without "ip" or
// "config-epoch".
std::optional<SentinelPrimary> ParseSentinelMaster(const std::vector<std::string>& fields);

// Asks every Sentinel (`SENTINEL master`) and returns the primary of the newest view — the
// highest config-epoch, so a Sentinel that was cut off and has not caught up is outvoted.
// Empty when none answers by `deadline`.
std::string AskSentinelsNewest(const RedisTopology& topology, Clock::time_point deadline);

std::unique_ptr<Client> NewRedisClient(const RedisClientOptions& options,
                                       std::shared_ptr<const RedisTopology> topology,
                                       const std::string& home);

}  // namespace faultline
