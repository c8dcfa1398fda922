#include "nemesis/network_faults.h"

#include <csignal>

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

FaultStep LossFault::Begin(Random& rng) {
  std::vector<std::string> targets = RandomSubset(nodes_, rng);
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

FaultStep DelayFault::Begin(Random& rng) {
  std::vector<std::string> nodes;
  for (const auto& n : cluster_.nodes()) nodes.push_back(n.name);
  std::vector<std::string> targets = RandomSubset(nodes, rng);
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
