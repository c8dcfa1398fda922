// faultline-run: the commands of faultline that drive databases or rebuild a test's parts
// (test, sweep, list, cluster, analyze, replay). `faultline` hands these over to it (run_exec.h);
// run directly, it takes the same arguments (`faultline-run test …`).
#include <sys/stat.h>

#include <iostream>
#include <string>
#include <vector>

#include "app/assemble.h"
#include "app/commands.h"
#include "app/usage.h"

int main(int argc, char** argv) {
  // As in main.cc: nothing faultline creates may be writable by other users.
  ::umask(::umask(0) | 022);
  const std::string command = argc < 2 ? "" : argv[1];
  std::vector<std::string> args(argv + (argc < 2 ? argc : 2), argv + argc);
  faultline::RegisterAllParts(faultline::Registry::Global());
  if (command == "list") return faultline::RunList(args);
  if (command == "test") return faultline::RunTest(args);
  if (command == "sweep") return faultline::RunSweep(args);
  if (command == "analyze") return faultline::RunAnalyze(args);
  if (command == "replay") return faultline::RunReplay(args);
  if (command == "cluster") return faultline::RunClusterCommand(args);
  std::cerr << "faultline-run runs faultline's test, sweep, list, analyze, replay and cluster "
               "commands; use faultline for the others.\n\n"
            << faultline::kUsage;
  return faultline::kExitBadInput;
}
