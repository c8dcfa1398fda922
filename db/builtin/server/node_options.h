// NodeOptions: everything one faultline-store process is told on its command line, parsed
// and validated (see server_main.cc for the flags). A plain value; safe to share read-only.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "db/builtin/server/net.h"
#include "db/builtin/server/protocol.h"

namespace faultline {

// quorum: how writes are ordered (--quorum-versions).
enum class QuorumVersions {
  kLastWriterWins,  // "lww": stamped with the coordinator's wall clock; the latest stamp wins
  kVersioned,       // "versioned": read the highest version from R nodes, write version + 1
};
// quorum: how a read chooses its answer among R replies (--quorum-reads).
enum class QuorumReads {
  kPlain,         // "plain": the newest reply, nothing else
  kWriteBack,     // "write-back": the newest, first stored on W nodes (ABD)
  kMajorityVote,  // "majority-vote": the value most replies hold
};
Result<QuorumVersions> ParseQuorumVersions(std::string_view text);
const char* QuorumVersionsName(QuorumVersions versions);
Result<QuorumReads> ParseQuorumReads(std::string_view text);
const char* QuorumReadsName(QuorumReads reads);

struct PeerInfo {
  std::string name;
  TcpEndpoint endpoint;
};

struct NodeOptions {
  std::string name;             // this node, e.g. "n1"
  TcpEndpoint listen;           // where it accepts clients and peers
  std::vector<PeerInfo> peers;  // every node, this one included; peers[0] starts as primary
  ReplicationMode mode = ReplicationMode::kPrimary;
  int r = 0;                       // quorum: replies a read waits for (0 = majority)
  int w = 0;                       // quorum: acks a write waits for (0 = majority)
  std::filesystem::path data_dir;  // this node's files
  std::filesystem::path log_file;  // its log ("" = stderr)
  // quorum: how writes are versioned and reads answered (--quorum-versions, --quorum-reads).
  QuorumVersions quorum_versions = QuorumVersions::kLastWriterWins;
  QuorumReads quorum_reads = QuorumReads::kPlain;
  // How long the server works on one client op before answering "timeout".
  std::chrono::milliseconds op_timeout{1000};
  // async: how often the primary ships its new entries (and heartbeats).
  std::chrono::milliseconds replication_interval{75};
  // primary: how often the primary heartbeats idle replicas.
  std::chrono::milliseconds heartbeat_interval{50};
  // async: a replica that has not heard from the primary this long starts a failover.
  std::chrono::milliseconds election_timeout{400};
  // How long one peer request may take before the peer counts as unreachable.
  std::chrono::milliseconds peer_timeout{300};
  // primary/async: replicas answer reads from their own, possibly lagging, state instead of
  // refusing them (--read-from any): the causality-breaking setting.
  bool read_from_any = false;
  // crdt: how often a node sends its counts to every other node.
  std::chrono::milliseconds gossip_interval{100};
  int lifeline_fd = -1;  // exit when this pipe reports end of file (-1 = none)

  size_t Majority() const { return peers.size() / 2 + 1; }
  // Index of `name` in peers, or peers.size().
  size_t IndexOf(std::string_view name) const;
  size_t SelfIndex() const { return IndexOf(name); }
  const std::string& InitialPrimary() const { return peers.front().name; }
  // Checks the relations between fields and fills r and w defaults.
  Status Validate();
};

// "n1=127.0.0.1:7001,n2=127.0.0.1:7002" → peers, in that order.
Result<std::vector<PeerInfo>> ParsePeers(std::string_view text);

}  // namespace faultline
