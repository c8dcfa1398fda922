#include "nemesis/make_nemesis.h"

#include "nemesis/clock_fault.h"
#include "nemesis/network_faults.h"
#include "nemesis/node_network.h"
#include "nemesis/process_faults.h"
#include "nemesis/schedule.h"

namespace faultline {

const std::vector<FaultName> kFaultNames = {
    {"kill", false, "SIGKILL the database on a random node, restart it later"},
    {"kill-primary", false, "the same on the primary/leader"},
    {"pause", false, "SIGSTOP the database on a random node, SIGCONT later"},
    {"pause-primary", false, "the same on the primary/leader"},
    {"partition", true, "a network partition of a random shape (below)"},
    {"partition-halves", true, "a random minority against the majority"},
    {"partition-one", true, "one random node isolated"},
    {"partition-ring", true, "majorities ring: every node sees a different majority"},
    {"partition-bridge", true, "two halves joined by one node that sees both"},
    {"partition-primary", true, "the primary/leader isolated"},
    {"clock", true, "bump or strobe the clocks of random nodes (clock library)"},
    {"loss", true, "drop a share of the packets arriving at random nodes"},
    {"delay", true, "delay every packet leaving random nodes"},
};

namespace {

const FaultName* Find(const std::string& word) {
  for (const auto& f : kFaultNames) {
    if (word == f.word) return &f;
  }
  return nullptr;
}

// The shapes a partition word chooses from.
std::vector<std::string> Shapes(const std::string& word, size_t nodes, bool has_primary) {
  if (word == "partition-halves") return {"halves"};
  if (word == "partition-one") return {"isolate-one"};
  if (word == "partition-ring") return {"majorities-ring"};
  if (word == "partition-bridge") return {"bridge"};
  if (word == "partition-primary") return {"isolate-primary"};
  std::vector<std::string> shapes = {"halves", "isolate-one"};
  if (nodes >= 4) shapes.push_back("majorities-ring");
  if (nodes >= 3) shapes.push_back("bridge");
  if (has_primary) shapes.push_back("isolate-primary");
  return shapes;
}

// The schedule plus what it runs on; the network chains go when it does.
class ClusterNemesis : public Nemesis {
 public:
  ClusterNemesis(std::unique_ptr<NodeNetwork> net) : net_(std::move(net)) {}
  ~ClusterNemesis() override {
    schedule_.reset();  // the faults refer to net_
    if (net_) (void)net_->Teardown();
  }
  void SetSchedule(std::unique_ptr<FaultSchedule> s) { schedule_ = std::move(s); }
  void Run(Clock::time_point end, const std::function<bool()>& stop,
           const FaultRecorder& record) override {
    schedule_->Run(end, stop, record);
  }
  void HealAll(const FaultRecorder& record) override { schedule_->HealAll(record); }

 private:
  std::unique_ptr<NodeNetwork> net_;
  std::unique_ptr<FaultSchedule> schedule_;
};

}  // namespace

Status ValidateFaults(const std::vector<std::string>& faults, bool have_cluster) {
  for (const auto& w : faults) {
    const FaultName* f = Find(w);
    if (!f) {
      std::string known;
      for (const auto& k : kFaultNames) known += (known.empty() ? "" : ", ") + std::string(k.word);
      return Status::InvalidArgument("--nemesis " + w + ": unknown fault; expected " + known);
    }
    if (f->needs_cluster && !have_cluster) {
      return Status::InvalidArgument(
          "--nemesis " + w + " needs nodes in network namespaces or on hosts; with "
          "--cluster processes the nodes are plain local processes (use --cluster local, as "
          "root, or --nodes HOST,HOST,…)");
    }
  }
  return Status::Ok();
}

Result<std::unique_ptr<Nemesis>> MakeNemesis(const NemesisOptions& options, Db& db,
                                             Cluster* cluster, const NodeTools* tools) {
  FAULTLINE_RETURN_IF_ERROR(ValidateFaults(options.faults, cluster != nullptr));
  std::unique_ptr<NodeNetwork> net;
  bool network = false;
  for (const auto& w : options.faults) {
    network |= w.rfind("partition", 0) == 0 || w == "loss" || w == "delay";
    if (w == "clock") FAULTLINE_RETURN_IF_ERROR(db.ClockFaultsSupported());
  }
  if (network) {
    net = std::make_unique<NodeNetwork>(*cluster);
    FAULTLINE_RETURN_IF_ERROR(net->Prepare());
  }
  const std::vector<std::string> nodes = db.Nodes();
  const bool has_primary = db.Primary().has_value();
  std::vector<std::unique_ptr<Fault>> faults;
  for (const auto& w : options.faults) {
    if (w == "kill" || w == "kill-primary") {
      faults.push_back(std::make_unique<ProcessFault>(db, ProcessFault::Action::kKill,
                                                      w == "kill-primary"));
    } else if (w == "pause" || w == "pause-primary") {
      faults.push_back(std::make_unique<ProcessFault>(db, ProcessFault::Action::kPause,
                                                      w == "pause-primary"));
    } else if (w.rfind("partition", 0) == 0) {
      faults.push_back(std::make_unique<PartitionFault>(w, Shapes(w, nodes.size(), has_primary),
                                                        *net, nodes, db));
    } else if (w == "loss") {
      faults.push_back(std::make_unique<LossFault>(*net, nodes, options.loss_probability));
    } else if (w == "delay") {
      faults.push_back(
          std::make_unique<DelayFault>(*net, *cluster, *tools, options.delay_ms, options.jitter_ms,
                                       options.seed));
    } else if (w == "clock") {
      faults.push_back(std::make_unique<ClockFault>(*cluster, *tools, options.clock_skew_ms));
    }
  }
  auto nemesis = std::make_unique<ClusterNemesis>(std::move(net));
  nemesis->SetSchedule(
      std::make_unique<FaultSchedule>(std::move(faults), options.interval_s, options.seed));
  return std::unique_ptr<Nemesis>(std::move(nemesis));
}

}  // namespace faultline
