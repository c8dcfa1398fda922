// NodeAddress: where one node is reached — its name, the host the control host reaches it at,
// and the port of a service on it. Cluster::nodes() gives name and host (port 0: the node,
// not a service); Db::ClientEndpoints() and the built-in store's StoreNodes give all three.
// A plain value.
#pragma once

#include <cstdint>
#include <string>

namespace faultline {

struct NodeAddress {
  std::string name;  // n1..nN locally; the host name given by the user otherwise
  std::string host;  // IPv4 address (or host name) the other nodes and the control host use
  uint16_t port = 0;
};

}  // namespace faultline
