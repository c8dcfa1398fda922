#include "nemesis/network_faults.h"

#include <cmath>
#include <csignal>

#include "nemesis/recorded_value.h"

namespace faultline {

std::vector<std::string> RandomSubset(const std::vector<std::string>& nodes, Random& rng) {
  std::vector<std::string> out;
  while (out.empty()) {
    for (const auto& n : nodes) {
      if (rng.OneIn(0.5)) out.push_back(n);
    }
  }
  return out;
}

Value NodeList(const std::vector<std::string>& nodes) {
  Value::List l;
  for (const auto& n : nodes) l.push_back(Value::String(n));
  return Value::MakeList(std::move(l));
}

// ---- partition

PartitionFault::PartitionFault(std::string name, std::vector<std::string> shapes,
                               NodeNetwork& net, std::vector<std::string> nodes, Db& db)
    : name_(std::move(name)), shapes_(std::move(shapes)), net_(net), nodes_(std::move(nodes)),
      db_(db) {}

FaultStep PartitionFault::Begin(Random& rng) {
  FaultEvent e;
  e.f = "start-partition";
  const std::string& shape = shapes_[rng.Uniform(shapes_.size())];
  std::optional<std::string> primary;
  if (shape == "isolate-primary") primary = db_.Primary();
  Result<Grudge> g = MakeGrudge(shape, nodes_, rng, primary);
  if (!g.ok()) return {{e.f, Value::String(shape), g.status().message()}, nullptr};
  e.value = GrudgeValue(*g);
  return {e, [this, e, grudge = *g, shape] { return Apply(e, grudge, shape); }};
}

Result<FaultStep> PartitionFault::BeginAs(const Value& recorded) {
  const std::string what = "recorded start-partition";
  if (recorded.is_string()) {
    return FaultStep{{"start-partition", recorded,
                      "partition " + std::string(recorded.as_string()) +
                          " could not be drawn when it was recorded; replayed as recorded: "
                          "nothing done"},
                     nullptr};
  }
  if (!recorded.is_map() || recorded.as_map().empty()) {
    return Status::InvalidArgument(what + " " + recorded.ToJson() +
                                   ": expected each node and the nodes it cannot hear, "
                                   "{\"n1\":[\"n4\",\"n5\"],…}");
  }
  Grudge grudge;
  for (const auto& [node, drops] : recorded.as_map()) {
    FAULTLINE_RETURN_IF_ERROR(CheckRecordedNode(what, node, nodes_));
    auto from = RecordedNodeList(what + " (" + node + "'s grudge)", &drops, nodes_);
    if (!from.ok()) return from.status();
    grudge[node].insert(from->begin(), from->end());
  }
  FaultEvent e{"start-partition", GrudgeValue(grudge), ""};
  return FaultStep{e, [this, e, grudge] { return Apply(e, grudge, "replayed"); }};
}

FaultEvent PartitionFault::Apply(FaultEvent e, const Grudge& grudge, const std::string& shape) {
  active_ = true;  // even a partly applied partition must be healed
  if (Status s = net_.SetPartition(grudge); !s.ok()) e.error = shape + ": " + s.message();
  return e;
}

std::optional<FaultStep> PartitionFault::End() {
  if (!active_) return std::nullopt;
  FaultEvent e{"stop-partition", Value(), ""};
  return FaultStep{e, [this, e] { return Heal(e); }};
}

FaultEvent PartitionFault::Heal(FaultEvent e) {
  if (Status s = net_.SetPartition({}); !s.ok()) {
    e.error = s.message();  // stays active: HealAll tries again
  } else {
    active_ = false;
  }
  return e;
}

// ---- loss

LossFault::LossFault(NodeNetwork& net, std::vector<std::string> nodes, double probability)
    : net_(net), nodes_(std::move(nodes)), probability_(probability) {}

FaultStep LossFault::Begin(Random& rng) { return Step(RandomSubset(nodes_, rng)); }

Result<FaultStep> LossFault::BeginAs(const Value& recorded) {
  const std::string what = "recorded start-loss";
  auto targets = RecordedNodeList(what, recorded.Find("nodes"), nodes_);
  if (!targets.ok()) return targets.status();
  auto probability = RecordedNumber(what, recorded, "probability");
  if (!probability.ok()) return probability.status();
  if (std::abs(*probability - probability_) > 1e-9) {
    return Status::InvalidArgument(what + " dropped a share of " + std::to_string(*probability) +
                                   " of the packets; this run's --loss-probability is " +
                                   std::to_string(probability_) + " (expected the same)");
  }
  return Step(*targets);
}

FaultStep LossFault::Step(const std::vector<std::string>& targets) {
  FaultEvent e;
  e.f = "start-loss";
  e.value = Value::MakeMap({{"nodes", NodeList(targets)},
                            {"probability", Value::Double(probability_)}});
  return {e, [this, e, set = std::set<std::string>(targets.begin(), targets.end())] {
            return Apply(e, set);
          }};
}

FaultEvent LossFault::Apply(FaultEvent e, const std::set<std::string>& targets) {
  active_ = true;
  if (Status s = net_.SetLoss(targets, probability_); !s.ok()) e.error = s.message();
  return e;
}

std::optional<FaultStep> LossFault::End() {
  if (!active_) return std::nullopt;
  FaultEvent e{"stop-loss", Value(), ""};
  return FaultStep{e, [this, e] { return Heal(e); }};
}

FaultEvent LossFault::Heal(FaultEvent e) {
  if (Status s = net_.SetLoss({}, 0); !s.ok()) {
    e.error = s.message();
  } else {
    active_ = false;
  }
  return e;
}

// ---- delay

DelayFault::DelayFault(NodeNetwork& net, Cluster& cluster, const NodeTools& tools, int delay_ms,
                       int jitter_ms, uint64_t seed)
    : net_(net), cluster_(cluster), delay_ms_(delay_ms), jitter_ms_(jitter_ms) {
  for (size_t i = 0; i < cluster.nodes().size(); ++i) {
    NodeDaemonSpec spec;
    spec.name = "faultline-delayd on " + cluster.nodes()[i].name;
    spec.argv = {tools.path(i, NodeTool::kDelayd), "--queue", std::to_string(kQueue),
                 "--delay-ms", std::to_string(delay_ms), "--jitter-ms", std::to_string(jitter_ms),
                 "--seed", std::to_string(seed + i)};
    spec.dir = cluster.node_dir(i);
    spec.log_path = cluster.node_dir(i) + "/delayd.log";
    daemons_.push_back(std::make_unique<NodeDaemon>(cluster.remote(i), std::move(spec)));
  }
}

std::vector<std::string> DelayFault::NodeNames() const {
  std::vector<std::string> nodes;
  for (const auto& n : cluster_.nodes()) nodes.push_back(n.name);
  return nodes;
}

FaultStep DelayFault::Begin(Random& rng) { return Step(RandomSubset(NodeNames(), rng)); }

Result<FaultStep> DelayFault::BeginAs(const Value& recorded) {
  const std::string what = "recorded start-delay";
  auto targets = RecordedNodeList(what, recorded.Find("nodes"), NodeNames());
  if (!targets.ok()) return targets.status();
  for (const auto& [key, ours] : {std::pair{"delay_ms", delay_ms_}, {"jitter_ms", jitter_ms_}}) {
    auto theirs = RecordedInt(what, recorded, key);
    if (!theirs.ok()) return theirs.status();
    if (*theirs != ours) {
      return Status::InvalidArgument(what + " has " + key + " " + std::to_string(*theirs) +
                                     "; this run's delay daemons use " + std::to_string(ours) +
                                     " (expected the same)");
    }
  }
  return Step(*targets);
}

FaultStep DelayFault::Step(const std::vector<std::string>& targets) {
  FaultEvent e;
  e.f = "start-delay";
  e.value = Value::MakeMap({{"nodes", NodeList(targets)},
                            {"delay_ms", Value::Int(delay_ms_)},
                            {"jitter_ms", Value::Int(jitter_ms_)}});
  return {e, [this, e, targets] { return Apply(e, targets); }};
}

FaultEvent DelayFault::Apply(FaultEvent e, const std::vector<std::string>& targets) {
  // The daemon first, then the rule: until a daemon binds the queue, queue-bypass lets
  // packets through undelayed rather than dropping them.
  for (const auto& t : targets) {
    if (Status s = StartDaemon(net_.IndexOf(t)); !s.ok()) {
      e.error = s.message();
      break;
    }
    active_.insert(t);
  }
  if (e.error.empty()) {
    if (Status s = net_.SetDelay(active_, kQueue); !s.ok()) e.error = s.message();
  }
  return e;
}

Status DelayFault::StartDaemon(size_t i) {
  Remote& remote = cluster_.remote(i);
  const std::string log = ShellQuote(daemons_[i]->spec().log_path);
  auto cleared = ExecChecked(remote, ": >" + log, std::chrono::seconds(10));
  if (!cleared.ok()) return cleared.status();
  FAULTLINE_RETURN_IF_ERROR(daemons_[i]->Start());
  // It prints "faultline-delayd: ready queue=Q" once bound; until then the rule would let
  // packets bypass it, so a delay recorded as begun would not be in force.
  auto ready = remote.Exec("for _ in $(seq 100); do grep -q 'ready queue=' " + log +
                               " && exit 0; sleep 0.02; done; exit 1",
                           std::chrono::seconds(10));
  if (!ready.ok()) return ready.status();
  if (ready->exit_status != 0) {
    return Status::IoError(daemons_[i]->spec().name + " did not report ready within 2 s; see " +
                           daemons_[i]->spec().log_path + " on " + cluster_.nodes()[i].name);
  }
  return Status::Ok();
}

std::optional<FaultStep> DelayFault::End() {
  if (active_.empty()) return std::nullopt;
  FaultEvent e{"stop-delay", Value(), ""};
  return FaultStep{e, [this, e] { return Heal(e); }};
}

FaultEvent DelayFault::Heal(FaultEvent e) {
  // The rule first, then the daemon (the reverse of Apply).
  if (Status s = net_.SetDelay({}, kQueue); !s.ok()) {
    e.error = s.message();
    return e;
  }
  for (auto it = active_.begin(); it != active_.end();) {
    Status s = daemons_[net_.IndexOf(*it)]->Stop(std::chrono::milliseconds(2000));
    if (!s.ok()) {
      e.error += (e.error.empty() ? "" : "; ") + s.message();
      ++it;
    } else {
      it = active_.erase(it);
    }
  }
  return e;
}

}  // namespace faultline
