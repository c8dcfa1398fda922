// ClientPool: where external client processes come from. It keeps started processes per node
// ("spares") and hands one to a client only once it has said it is ready ({"type":"ready"}),
// so a program's start-up — an interpreter loading its modules takes 0.1–1 s on a loaded
// machine — is never charged to an op's timeout. Spares are started by a thread of the
// pool's own, which outlives them, as PR_SET_PDEATHSIG requires. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "db/external/client_process.h"
#include "control/node_address.h"
#include "harness/client.h"
#include "harness/run_log.h"

namespace faultline {

struct ExternalClientOptions {
  std::string command;  // --client-cmd, run as /bin/sh -c COMMAND on the control host
  // Each client's stderr is appended to <log_dir>/<node>.log (faultline adds a line there
  // whenever it kills one). Must exist.
  std::string log_dir;
  // Where the nodes are, told to every client in FAULTLINE_NODES.
  std::vector<NodeAddress> nodes;
  // More environment for every client: what the run is (FAULTLINE_WORKLOAD, FAULTLINE_TEST).
  std::vector<std::pair<std::string, std::string>> env;
  // A client gets this long to exit by itself once its stdin is closed at the end of a run.
  std::chrono::milliseconds exit_grace{500};
  // Processes kept started per node (at least 1): a worker's next client is one of them.
  int spares_per_node = 1;
  // A spare that has not said it is ready this long after it started is killed and replaced.
  std::chrono::milliseconds ready_timeout{30000};
  // How long a worker waits for a ready process of its node before its op is not sent (the
  // op timeout: a worker never waits longer for a client than for an answer).
  std::chrono::milliseconds take_wait{1000};
  RunLog* log = nullptr;  // faultline.log: clients killed and why (optional)
};

// FAULTLINE_NODES: "n1=HOST:PORT,n2=HOST:PORT,…".
std::string NodesVariable(const std::vector<NodeAddress>& nodes);

class ClientPool {
 public:
  using Clock = std::chrono::steady_clock;

  // Starts spares_per_node processes per node (in the background).
  explicit ClientPool(ExternalClientOptions options);
  ClientPool(const ClientPool&) = delete;
  ClientPool& operator=(const ClientPool&) = delete;
  // Closes the spares' stdin (they exit), kills what is left, stops the thread.
  ~ClientPool();

  const ExternalClientOptions& options() const { return options_; }
  // A ready client process for `node` (FAULTLINE_NODE), and a replacement starts; waits until
  // `until` for one. NotReady if none became ready by then (nothing was sent anywhere: the
  // caller's op was never invoked), IoError if the spares failed (the message says how and
  // where their stderr is).
  Result<std::unique_ptr<ClientProcess>> Take(const std::string& node, Clock::time_point until);
  // Waits until every node has a ready process; an error after `timeout`, or when processes
  // fail before they are ready (the message says how).
  Status WaitReady(std::chrono::milliseconds timeout);
  // Starts a process for `node` on the calling thread (which must outlive it), its stderr
  // in LogPath(stderr_name). Does not wait for it to be ready.
  Result<std::unique_ptr<ClientProcess>> Start(const std::string& node,
                                               const std::string& stderr_name) const;
  std::string LogPath(const std::string& name) const {
    return options_.log_dir + "/" + name + ".log";
  }
  // Says what happened to a client of `node` in faultline.log and as a "faultline: " line in
  // the node's client log.
  void Note(const std::string& node, const std::string& what) const;

 private:
  struct Spare {
    std::unique_ptr<ClientProcess> process;
    Clock::time_point started;
    bool ready = false;
  };
  // Reads the ready lines that arrived on `node`'s spares; moves failed spares to *dead
  // with why. REQUIRES: mu_ held.
  void Refresh(const std::string& node, std::vector<std::pair<Spare, std::string>>* dead);
  // Kills and logs failed spares; the last failure, for messages. Without mu_.
  std::string Bury(const std::string& node, std::vector<std::pair<Spare, std::string>>& dead);
  // Asks the thread for enough processes to bring `node` back to spares_per_node.
  // REQUIRES: mu_ held.
  void TopUp(const std::string& node);
  void SpareLoop();

  const ExternalClientOptions options_;
  std::mutex mu_;
  std::condition_variable wake_;
  // Guarded by mu_: spares per node, how many more each node should get, the last failure.
  std::map<std::string, std::deque<Spare>> spares_;
  std::map<std::string, int> wanted_;
  std::string spawning_;  // the node whose process the thread is starting, if any
  std::map<std::string, std::string> last_failure_;
  bool stopping_ = false;
  std::thread spawner_;  // runs SpareLoop
};

}  // namespace faultline
