#include "nemesis/process_faults.h"

#include "nemesis/recorded_value.h"

namespace faultline {
namespace {

Value NodesValue(const std::vector<std::string>& nodes) {
  if (nodes.size() == 1) return Value::String(nodes[0]);
  Value::List l;
  for (const auto& n : nodes) l.push_back(Value::String(n));
  return Value::MakeList(std::move(l));
}

}  // namespace

ProcessFault::ProcessFault(Db& db, Action action, bool primary_only)
    : db_(db), action_(action), primary_only_(primary_only) {}

std::string ProcessFault::name() const {
  return std::string(action_ == Action::kKill ? "kill" : "pause") +
         (primary_only_ ? "-primary" : "");
}

FaultStep ProcessFault::Begin(Random& rng) {
  FaultEvent e;
  e.f = ops().begin;
  std::string target;
  if (primary_only_) {
    std::optional<std::string> primary = db_.Primary();
    if (!primary) return {{e.f, Value::String("primary"), "no primary is known"}, nullptr};
    target = *primary;
  } else {
    std::vector<std::string> nodes = db_.Nodes();
    target = nodes[rng.Uniform(nodes.size())];
  }
  e.value = Value::String(target);
  return {e, [this, e, target] { return Hit(e, target); }};
}

Result<FaultStep> ProcessFault::BeginAs(const Value& recorded) {
  const std::string f = ops().begin;
  if (!recorded.is_string()) {
    return Status::InvalidArgument("recorded " + f + " " + recorded.ToJson() +
                                   ": expected the name of the node it hit");
  }
  const std::string target(recorded.as_string());
  if (primary_only_ && target == "primary") {
    return FaultStep{{f, recorded,
                      "no primary was known when this " + f +
                          " was recorded; replayed as recorded: nothing done"},
                     nullptr};
  }
  FAULTLINE_RETURN_IF_ERROR(CheckRecordedNode("recorded " + f, target, db_.Nodes()));
  FaultEvent e{f, recorded, ""};
  return FaultStep{e, [this, e, target] { return Hit(e, target); }};
}

FaultOps ProcessFault::ops() const {
  return action_ == Action::kKill ? FaultOps{"kill", "start"} : FaultOps{"pause", "resume"};
}

FaultEvent ProcessFault::Hit(FaultEvent e, const std::string& target) {
  Status s = action_ == Action::kKill ? db_.Kill(target) : db_.Pause(target);
  if (s.ok()) {
    hit_.push_back(target);
  } else {
    e.error = s.message();
  }
  return e;
}

std::optional<FaultStep> ProcessFault::End() {
  if (hit_.empty()) return std::nullopt;
  FaultEvent e;
  e.f = ops().end;
  e.value = NodesValue(hit_);
  return FaultStep{e, [this, e] { return Heal(e); }};
}

FaultEvent ProcessFault::Heal(FaultEvent e) {
  std::vector<std::string> failed;
  for (const auto& node : hit_) {
    Status s = action_ == Action::kKill ? db_.Restart(node) : db_.Resume(node);
    if (!s.ok()) {
      failed.push_back(node);
      e.error += (e.error.empty() ? "" : "; ") + s.message();
    }
  }
  // A node that did not come back is tried again by the next End (HealAll at the latest).
  hit_ = std::move(failed);
  return e;
}

}  // namespace faultline
