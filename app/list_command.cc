// `faultline list`: every registered database, workload, fault and checker with its line;
// a database's line says what it runs and which of its options are safety settings.
#include <iostream>

#include "app/commands.h"
#include "harness/test_flags.h"
#include "harness/registry.h"

namespace faultline {
namespace {

std::string SafetySettings(const std::vector<OptionSpec>& options) {
  std::vector<std::string> flags;
  for (const OptionSpec& o : options) {
    if (o.safety) flags.push_back("--" + o.flag);
  }
  return flags.empty() ? "none" : NameList(flags, "and");
}

void PrintDbs(const Registry& r, std::ostream& out) {
  out << "Databases (--db NAME; faultline test --db NAME --help for its options):\n";
  for (const DbPart& p : r.dbs()) {
    out << "  " << p.name << ": " << p.description << "\n"
        << "      workloads " << NameList(p.supports.workloads) << "; clusters "
        << NameList(p.supports.clusters) << "; safety settings "
        << SafetySettings(p.options) << "\n";
  }
}

void PrintWorkloads(const Registry& r, std::ostream& out) {
  out << "\nWorkloads (--workload NAME):\n";
  for (const WorkloadPart& p : r.workloads()) {
    out << "  " << p.name << ": " << p.description << " (checked by " << NameList(p.checkers, "and")
        << ")\n";
  }
}

void PrintFaults(const Registry& r, std::ostream& out) {
  out << "\nFaults (--nemesis NAME,NAME,…):\n";
  for (const FaultPart& p : r.faults()) {
    out << "  " << p.name << ": " << p.description;
    for (const OptionSpec& o : p.options) out << " (--" << o.flag << ")";
    out << "\n";
  }
}

void PrintCheckers(const Registry& r, std::ostream& out) {
  out << "\nCheckers (faultline check --checker NAME,…):\n";
  for (const CheckerListing& c : r.checkers()) out << "  " << c.name << ": " << c.description << "\n";
}

}  // namespace

int RunList(const std::vector<std::string>& args) {
  if (!args.empty()) {
    const bool help = args[0] == "--help" || args[0] == "-h";
    (help ? std::cout : std::cerr) << "usage: faultline list   (every registered part)\n";
    return help ? kExitValid : kExitBadInput;
  }
  const Registry& r = Registry::Global();
  PrintDbs(r, std::cout);
  PrintWorkloads(r, std::cout);
  PrintFaults(r, std::cout);
  PrintCheckers(r, std::cout);
  return kExitValid;
}

}  // namespace faultline
