// faultline: a Jepsen-style correctness tester. This file only dispatches subcommands: the
// history commands (check, report) run here; the others run in faultline-run (run_exec.h), so
// that this executable loads no database client library.
#include <sys/stat.h>

#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "app/commands.h"
#include "app/run_exec.h"
#include "app/usage.h"

int main(int argc, char** argv) {
  // Nothing faultline creates — results, logs, a local cluster's state — may be writable by
  // other users, whatever umask it was started with (docs/hardening.md): a history or
  // authorized_keys others could rewrite would be worthless. Stricter umasks are kept.
  // (faultline-run inherits it, and sets it again when started directly.)
  ::umask(::umask(0) | 022);
  if (argc < 2 || std::strcmp(argv[1], "--help") == 0 || std::strcmp(argv[1], "-h") == 0) {
    (argc < 2 ? std::cerr : std::cout) << faultline::kUsage;
    return argc < 2 ? faultline::kExitBadInput : faultline::kExitValid;
  }
  const std::string command = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (command == "check") return faultline::RunCheck(args);
  if (command == "shrink") return faultline::RunShrink(args);
  if (command == "report") return faultline::RunReportCommand(args);
  if (command == "test" || command == "sweep" || command == "list" || command == "analyze" ||
      command == "replay" || command == "cluster") {
    return faultline::ExecRunCommand(argc, argv);
  }
  std::cerr << "faultline: unknown command \"" << command << "\"\n\n" << faultline::kUsage;
  return faultline::kExitBadInput;
}
