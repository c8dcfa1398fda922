// faultline: a Jepsen-style correctness tester. This file only dispatches subcommands.
#include <sys/stat.h>

#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "app/commands.h"

namespace {

constexpr const char* kUsage = R"(usage: faultline <command> [options]

commands:
  test            run a workload against a database, check it, store the run under results/
  check FILE...   check recorded histories (faultline JSON Lines, Jepsen EDN, Porcupine logs)
  analyze DIR     re-check a stored run (results/<test>/<time>/)
  report DIR      re-render a stored run's report.html; report --index [ROOT] rewrites the
                  results index
  cluster ACTION  up, status or down: a local cluster of network namespaces with sshd (root)

Run 'faultline <command> --help' for a command's options.
Exit codes: 0 valid, 1 invalid, 2 unknown, 3 bad usage or input, 4 setup failed.
)";

}  // namespace

int main(int argc, char** argv) {
  // Nothing faultline creates — results, logs, a local cluster's state — may be writable by
  // other users, whatever umask it was started with (docs/hardening.md): a history or
  // authorized_keys others could rewrite would be worthless. Stricter umasks are kept.
  ::umask(::umask(0) | 022);
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    (argc < 2 ? std::cerr : std::cout) << kUsage;
    return argc < 2 ? faultline::kExitBadInput : faultline::kExitValid;
  }
  const std::string command = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "check") return faultline::RunCheck(args);
  if (command == "test") return faultline::RunTest(args);
  if (command == "analyze") return faultline::RunAnalyze(args);
  if (command == "report") return faultline::RunReportCommand(args);
  if (command == "cluster") return faultline::RunClusterCommand(args);
  std::cerr << "faultline: unknown command \"" << command << "\"\n\n" << kUsage;
  return faultline::kExitBadInput;
}
