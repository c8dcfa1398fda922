#include "db/builtin/store_nodes.h"

#include "db/builtin/store_client.h"

namespace faultline {

Result<std::string> FindPrimary(ReplicationMode mode, const std::vector<NodeAddress>& nodes) {
  if (mode == ReplicationMode::kQuorum) {
    return Status::Unsupported("quorum mode has no primary: every node coordinates");
  }
  if (mode == ReplicationMode::kCrdt) {
    return Status::Unsupported("crdt mode has no primary: every node accepts adds");
  }
  std::string best;
  int64_t best_term = -1;
  for (const NodeAddress& n : nodes) {
    auto client = StoreClient::Connect(n.host, n.port, std::chrono::milliseconds(100));
    if (!client.ok()) continue;
    Result<NodeStatus> s =
        (*client)->GetStatus(std::chrono::steady_clock::now() + std::chrono::milliseconds(300));
    if (s.ok() && s->role == "primary" && s->term > best_term) {
      best = s->name;
      best_term = s->term;
    }
  }
  if (best.empty()) return Status::IoError("no running node reports itself primary");
  return best;
}

}  // namespace faultline
