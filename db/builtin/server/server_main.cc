// faultline-store: one node of the built-in replicated store (README.md).
//   Example: faultline-store --name n1 --listen 127.0.0.1:7001
//       --peers n1=127.0.0.1:7001,n2=127.0.0.1:7002,n3=127.0.0.1:7003
//       --replication primary --data-dir /tmp/n1 --log /tmp/n1.log
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <memory>
#include <thread>

#include "db/builtin/server/crdt_engine.h"
#include "db/builtin/server/file_logger.h"
#include "db/builtin/server/node_options.h"
#include "db/builtin/server/primary_backup_engine.h"
#include "db/builtin/server/quorum_engine.h"
#include "db/builtin/server/store_server.h"

namespace faultline {
namespace {

namespace po = boost::program_options;

Result<NodeOptions> ParseFlags(int argc, char** argv) {
  std::string listen, peers, mode = "primary", data_dir, log_file, read_from = "primary";
  std::string versions = "lww", reads = "plain";
  int op_timeout = 1000, interval = 75, heartbeat = 50, election = 400, peer_timeout = 300;
  int gossip = 100;
  NodeOptions o;
  po::options_description desc("faultline-store options");
  desc.add_options()("help", "print this help")("name", po::value(&o.name),
                                                "this node's name, one of --peers")(
      "listen", po::value(&listen), "host:port to serve clients and peers on")(
      "peers", po::value(&peers), "every node as name=host:port,...; the first starts as primary")(
      "replication", po::value(&mode), "primary | async | quorum | crdt")(
      "read-from", po::value(&read_from),
      "primary | any: primary/async replicas refuse reads, or serve them from their own state")(
      "gossip-interval-ms", po::value(&gossip), "crdt: period of sending counts to peers (100)")(
      "r", po::value(&o.r), "quorum: replies per read (default: majority)")(
      "w", po::value(&o.w), "quorum: acks per write (default: majority)")(
      "quorum-versions", po::value(&versions),
      "quorum: lww (wall-clock last writer wins) | versioned (read the highest version, "
      "write version+1)")(
      "quorum-reads", po::value(&reads),
      "quorum: plain (the newest of R) | write-back (store it on W first) | majority-vote "
      "(the most common of R)")("data-dir", po::value(&data_dir),
                                "this node's own directory for its files")(
      "log", po::value(&log_file), "log file (default: stderr)")(
      "op-timeout-ms", po::value(&op_timeout), "server-side limit per client op (1000)")(
      "replication-interval-ms", po::value(&interval), "async: shipping period (75)")(
      "heartbeat-interval-ms", po::value(&heartbeat), "primary: idle heartbeat period (50)")(
      "election-timeout-ms", po::value(&election), "async: primary silence before failover (400)")(
      "peer-timeout-ms", po::value(&peer_timeout), "limit per node-to-node request (300)")(
      "lifeline-fd", po::value(&o.lifeline_fd), "exit when this inherited pipe closes");
  po::variables_map vm;
  try {
    po::store(po::parse_command_line(argc, argv, desc), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    return Status::InvalidArgument(e.what());
  }
  if (vm.count("help")) {
    std::cout << desc << "\n";
    std::exit(0);
  }
  Result<ReplicationMode> parsed_mode = ParseReplicationMode(mode);
  if (!parsed_mode.ok()) return parsed_mode.status();
  o.mode = *parsed_mode;
  if (read_from != "primary" && read_from != "any") {
    return Status::InvalidArgument("--read-from '" + read_from + "' is not one of primary, any");
  }
  o.read_from_any = read_from == "any";
  Result<QuorumVersions> parsed_versions = ParseQuorumVersions(versions);
  if (!parsed_versions.ok()) return parsed_versions.status();
  o.quorum_versions = *parsed_versions;
  Result<QuorumReads> parsed_reads = ParseQuorumReads(reads);
  if (!parsed_reads.ok()) return parsed_reads.status();
  o.quorum_reads = *parsed_reads;
  o.gossip_interval = std::chrono::milliseconds(gossip);
  Result<TcpEndpoint> endpoint = TcpEndpoint::Parse(listen);
  if (!endpoint.ok()) return Status::InvalidArgument("--listen: " + endpoint.status().message());
  o.listen = *endpoint;
  Result<std::vector<PeerInfo>> parsed_peers = ParsePeers(peers);
  if (!parsed_peers.ok()) return parsed_peers.status();
  o.peers = *parsed_peers;
  o.data_dir = data_dir;
  o.log_file = log_file;
  o.op_timeout = std::chrono::milliseconds(op_timeout);
  o.replication_interval = std::chrono::milliseconds(interval);
  o.heartbeat_interval = std::chrono::milliseconds(heartbeat);
  o.election_timeout = std::chrono::milliseconds(election);
  o.peer_timeout = std::chrono::milliseconds(peer_timeout);
  FAULTLINE_RETURN_IF_ERROR(o.Validate());
  return o;
}

// SIGTERM/SIGINT end the process from a dedicated thread: everything acknowledged is
// already in the page cache, so there is nothing to flush.
void WatchSignals(FileLogger* logger, sigset_t signals) {
  int sig = 0;
  sigwait(&signals, &sig);
  logger->Log("received signal ", sig, "; exiting");
  _exit(0);
}

// The parent holds the write end of this pipe; when it goes away (even by a crash), so do we.
void WatchLifeline(FileLogger* logger, int fd) {
  while (true) {
    pollfd p{fd, POLLIN, 0};
    if (poll(&p, 1, -1) < 0) continue;
    char byte;
    if (read(fd, &byte, 1) <= 0) break;
  }
  logger->Log("lifeline closed (the process that started this node is gone); exiting");
  _exit(0);
}

int Main(int argc, char** argv) {
  Result<NodeOptions> options = ParseFlags(argc, argv);
  if (!options.ok()) {
    std::cerr << "faultline-store: " << options.status().message() << "\n";
    return 3;
  }
  Result<std::unique_ptr<FileLogger>> logger = FileLogger::Open(options->log_file);
  if (!logger.ok()) {
    std::cerr << "faultline-store: " << logger.status().message() << "\n";
    return 4;
  }
  signal(SIGPIPE, SIG_IGN);
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // inherited by every thread started below
  std::thread(WatchSignals, logger->get(), signals).detach();
  if (options->lifeline_fd >= 0) {
    std::thread(WatchLifeline, logger->get(), options->lifeline_fd).detach();
  }
  std::unique_ptr<StoreEngine> engine;
  if (options->mode == ReplicationMode::kQuorum) {
    engine = std::make_unique<QuorumEngine>(*options, **logger);
  } else if (options->mode == ReplicationMode::kCrdt) {
    engine = std::make_unique<CrdtEngine>(*options, **logger);
  } else {
    engine = std::make_unique<PrimaryBackupEngine>(*options, **logger);
  }
  StoreServer server(*options, *engine, **logger);
  Status st = server.Listen();
  if (st.ok()) st = engine->Start();
  if (st.ok()) server.Serve();
  (*logger)->Log("fatal: ", st.message());
  std::cerr << "faultline-store " << options->name << ": " << st.message() << "\n";
  _exit(4);  // connection threads may still run: skip static destructors
}

}  // namespace
}  // namespace faultline

int main(int argc, char** argv) { return faultline::Main(argc, argv); }
