#include "nemesis/make_nemesis.h"

#include "nemesis/clock_fault.h"
#include "nemesis/network_faults.h"
#include "nemesis/node_network.h"
#include "nemesis/process_faults.h"
#include "nemesis/schedule.h"

namespace faultline {

namespace {

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
  void SetSchedule(std::unique_ptr<Nemesis> s) { schedule_ = std::move(s); }
  void Run(Clock::time_point end, const std::function<bool()>& stop,
           const FaultRecorder& record) override {
    schedule_->Run(end, stop, record);
  }
  void HealAll(const FaultRecorder& record) override { schedule_->HealAll(record); }

 private:
  std::unique_ptr<NodeNetwork> net_;
  std::unique_ptr<Nemesis> schedule_;
};

}  // namespace

Result<std::unique_ptr<Nemesis>> MakeNemesis(const NemesisOptions& options, Db& db,
                                             Cluster* cluster, const NodeTools* tools) {
  std::unique_ptr<NodeNetwork> net;
  bool network = false;
  for (const auto& w : options.faults) {
    const bool on_nodes = w.rfind("partition", 0) == 0 || w == "loss" || w == "delay";
    network |= on_nodes;
    if (w == "clock") FAULTLINE_RETURN_IF_ERROR(db.ClockFaultsSupported());
    const bool needs_tools = w == "clock" || w == "delay";
    if ((on_nodes || w == "clock") && (cluster == nullptr || cluster->shares_host() || (needs_tools && tools == nullptr))) {
      return Status::InvalidArgument("--nemesis " + w + " needs nodes in network namespaces or "
                                     "on hosts, not local processes");
    }
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
    } else {
      return Status::InvalidArgument("--nemesis " + w + ": unknown fault (nemesis/parts.cc)");
    }
  }
  auto nemesis = std::make_unique<ClusterNemesis>(std::move(net));
  if (options.replay) {
    auto replayed = ReplayedSchedule::Make(std::move(faults), *options.replay);
    if (!replayed.ok()) return replayed.status();
    nemesis->SetSchedule(std::move(replayed).value());
  } else {
    nemesis->SetSchedule(
        std::make_unique<FaultSchedule>(std::move(faults), options.interval_s, options.seed));
  }
  return std::unique_ptr<Nemesis>(std::move(nemesis));
}

}  // namespace faultline
