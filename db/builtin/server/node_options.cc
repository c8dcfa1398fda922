#include "db/builtin/server/node_options.h"

#include <set>

namespace faultline {

Result<QuorumVersions> ParseQuorumVersions(std::string_view text) {
  if (text == "lww") return QuorumVersions::kLastWriterWins;
  if (text == "versioned") return QuorumVersions::kVersioned;
  return Status::InvalidArgument("--quorum-versions '" + std::string(text) +
                                 "' is not one of lww, versioned");
}

const char* QuorumVersionsName(QuorumVersions versions) {
  return versions == QuorumVersions::kVersioned ? "versioned" : "lww";
}

Result<QuorumReads> ParseQuorumReads(std::string_view text) {
  if (text == "plain") return QuorumReads::kPlain;
  if (text == "write-back") return QuorumReads::kWriteBack;
  if (text == "majority-vote") return QuorumReads::kMajorityVote;
  return Status::InvalidArgument("--quorum-reads '" + std::string(text) +
                                 "' is not one of plain, write-back, majority-vote");
}

const char* QuorumReadsName(QuorumReads reads) {
  switch (reads) {
    case QuorumReads::kWriteBack:
      return "write-back";
    case QuorumReads::kMajorityVote:
      return "majority-vote";
    case QuorumReads::kPlain:
      break;
  }
  return "plain";
}

size_t NodeOptions::IndexOf(std::string_view node) const {
  for (size_t i = 0; i < peers.size(); ++i) {
    if (peers[i].name == node) return i;
  }
  return peers.size();
}

Status NodeOptions::Validate() {
  if (name.empty()) return Status::InvalidArgument("--name is required");
  if (peers.empty()) return Status::InvalidArgument("--peers is required");
  if (SelfIndex() == peers.size()) {
    return Status::InvalidArgument("--name " + name + " is not one of --peers");
  }
  if (data_dir.empty()) return Status::InvalidArgument("--data-dir is required");
  const int n = static_cast<int>(peers.size());
  if (r == 0) r = static_cast<int>(Majority());
  if (w == 0) w = static_cast<int>(Majority());
  if (r < 1 || r > n || w < 1 || w > n) {
    return Status::InvalidArgument("--r and --w must be between 1 and the node count (" +
                                   std::to_string(n) + ")");
  }
  if (read_from_any && mode != ReplicationMode::kPrimary && mode != ReplicationMode::kAsync) {
    return Status::InvalidArgument(std::string("--read-from any applies to the primary and async "
                                               "modes, not ") +
                                   ReplicationModeName(mode));
  }
  if (mode != ReplicationMode::kQuorum &&
      (quorum_versions != QuorumVersions::kLastWriterWins || quorum_reads != QuorumReads::kPlain)) {
    return Status::InvalidArgument(std::string("--quorum-versions and --quorum-reads apply to "
                                               "the quorum mode, not ") +
                                   ReplicationModeName(mode));
  }
  if (gossip_interval.count() < 1)
    return Status::InvalidArgument("--gossip-interval-ms must be >= 1");
  return Status::Ok();
}

Result<std::vector<PeerInfo>> ParsePeers(std::string_view text) {
  std::vector<PeerInfo> peers;
  std::set<std::string> names;
  while (!text.empty()) {
    size_t comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
    size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return Status::InvalidArgument("--peers item '" + std::string(item) +
                                     "' is not name=host:port");
    }
    Result<TcpEndpoint> endpoint = TcpEndpoint::Parse(item.substr(eq + 1));
    if (!endpoint.ok()) return endpoint.status();
    std::string node(item.substr(0, eq));
    if (!names.insert(node).second) {
      return Status::InvalidArgument("--peers names " + node + " twice");
    }
    peers.push_back(PeerInfo{std::move(node), *endpoint});
  }
  return peers;
}

}  // namespace faultline
