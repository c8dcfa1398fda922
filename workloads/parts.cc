// The workloads: options, checkers and factory of each (one registration line each).
#include "workloads/parts.h"

#include "workloads/bank_workload.h"
#include "workloads/counter_workload.h"
#include "workloads/register_workload.h"
#include "workloads/workload_checkers.h"

namespace faultline {
namespace {

WorkloadPart RegisterPart() {
  WorkloadPart p;
  p.name = "register";
  p.description = "read, write and cas on independent keys (a fresh key every --ops-per-key ops)";
  p.options = {{.flag = "ops-per-key", .type = OptionType::kInt, .default_value = 100, .min = 1,
                .help = "ops on a key before moving to a fresh one"},
               {.flag = "no-cas", .type = OptionType::kBool,
                .help = "reads and writes only, no cas (for stores whose cas is not atomic)"}};
  p.checkers = WorkloadCheckers(p.name);
  p.make = [](const TestSpec& s) -> std::unique_ptr<Workload> {
    RegisterWorkloadOptions o;
    o.ops_per_key = static_cast<int>(OptInt(s.workload.options, "ops_per_key"));
    o.no_cas = OptBool(s.workload.options, "no_cas");
    return std::make_unique<RegisterWorkload>(o);
  };
  return p;
}

WorkloadPart BankPart() {
  WorkloadPart p;
  p.name = "bank";
  p.description = "transfers between accounts and reads of every balance; the total must hold";
  p.options = {
      {.flag = "accounts", .type = OptionType::kInt, .default_value = 5, .min = 2, .max = 1000,
       .help = "accounts 0..accounts-1"},
      {.flag = "total", .type = OptionType::kInt, .default_value = 100, .min = 0,
       .help = "the sum of all balances, split evenly at set-up"},
      {.flag = "allow-negative", .type = OptionType::kBool,
       .help = "transfers may overdraw an account"},
  };
  p.checkers = WorkloadCheckers(p.name);
  p.make = [](const TestSpec& s) -> std::unique_ptr<Workload> {
    BankWorkloadOptions o;
    o.accounts = static_cast<int>(OptInt(s.workload.options, "accounts"));
    o.total = OptInt(s.workload.options, "total");
    o.allow_negative = OptBool(s.workload.options, "allow_negative");
    return std::make_unique<BankWorkload>(o);
  };
  return p;
}

WorkloadPart CounterPart() {
  WorkloadPart p;
  p.name = "counter";
  p.description = "increments and reads of one counter (a G-counter)";
  p.options = {{.flag = "consistency", .default_value = "linearizable",
                .choices = {"linearizable", "eventual"},
                .help = "what the checker demands: linearizable or eventual"}};
  p.checkers = WorkloadCheckers(p.name);
  p.make = [](const TestSpec& s) -> std::unique_ptr<Workload> {
    CounterWorkloadOptions o;
    o.consistency = *ParseCounterConsistency(OptString(s.workload.options, "consistency"));
    return std::make_unique<CounterWorkload>(o);
  };
  return p;
}

}  // namespace

void RegisterWorkloads(Registry& registry) {
  registry.Add(RegisterPart());
  registry.Add(BankPart());
  registry.Add(CounterPart());
}

}  // namespace faultline
