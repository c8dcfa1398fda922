// The faults: what each --nemesis word does, what it needs and its options. MakeNemesis
// (make_nemesis.h) builds the schedule from the words.
#include "nemesis/parts.h"

namespace faultline {
namespace {

FaultPart Fault(const char* name, const char* description, bool needs_cluster,
                bool needs_primary = false) {
  FaultPart f;
  f.name = name;
  f.description = description;
  f.needs_cluster = needs_cluster;
  f.needs_primary = needs_primary;
  return f;
}

}  // namespace

void RegisterFaults(Registry& registry) {
  registry.Add(Fault("kill", "SIGKILL the database on a random node, restart it later", false));
  registry.Add(Fault("kill-primary", "the same on the primary/leader", false, true));
  registry.Add(Fault("pause", "SIGSTOP the database on a random node, SIGCONT later", false));
  registry.Add(Fault("pause-primary", "the same on the primary/leader", false, true));
  registry.Add(Fault("partition", "a network partition of a random shape (one of the four below)", true));
  registry.Add(Fault("partition-halves", "a random minority against the majority", true));
  registry.Add(Fault("partition-one", "one random node isolated", true));
  registry.Add(Fault("partition-ring", "majorities ring: every node sees a different majority", true));
  registry.Add(Fault("partition-bridge", "two halves joined by one node that sees both", true));
  registry.Add(Fault("partition-primary", "the primary/leader isolated", true, true));
  FaultPart clock = Fault("clock", "bump or strobe the clocks of random nodes (clock library)", true);
  clock.clock = true;
  clock.options = {{.flag = "clock-skew-ms", .type = OptionType::kInt, .default_value = 1000,
                    .min = 1, .help = "largest clock offset in ms"}};
  registry.Add(clock);
  FaultPart loss = Fault("loss", "drop a share of the packets arriving at random nodes", true);
  loss.options = {{.flag = "loss-probability", .type = OptionType::kDouble, .default_value = 0.2,
                   .min = 0.001, .max = 0.999, .help = "share of packets dropped"}};
  registry.Add(loss);
  FaultPart delay = Fault("delay", "delay every packet leaving random nodes", true);
  delay.options = {{.flag = "delay-ms", .type = OptionType::kInt, .default_value = 100, .min = 1,
                    .max = 10000, .help = "ms each packet is held"}};
  registry.Add(delay);
}

}  // namespace faultline
