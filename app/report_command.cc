// `faultline report RUN_DIR` (RunReportCommand; not RunReport, which names the runner's
// result in harness/runner.h) re-renders a stored run's report.html (from its test.json,
// results.json and history); `faultline report --index [RESULTS_ROOT]` rewrites the results
// index. Never touches the network; the report fetches nothing when viewed.
#include <boost/program_options.hpp>
#include <iostream>

#include "app/commands.h"
#include "report/report.h"

namespace faultline {
namespace {

namespace po = boost::program_options;

struct ReportFlags {
  std::vector<std::string> paths;
  bool index = false;
  std::string history;
};

constexpr const char* kUsage =
    "usage: faultline report RUN_DIR [--history FILE]   re-render RUN_DIR/report.html\n"
    "       faultline report --index [RESULTS_ROOT]     rewrite RESULTS_ROOT/index.html "
    "(default: results)\n";

// Parses args; returns false (after printing why) on bad usage. *help is set for --help.
bool ParseReportFlags(const std::vector<std::string>& args, ReportFlags* f, bool* help) {
  po::options_description desc("options");
  desc.add_options()("help,h", "show this help")("index", po::bool_switch(&f->index),
                                                 "rewrite the results index instead")(
      "history", po::value(&f->history),
      "the history file to draw (default: RUN_DIR/history.jsonl, or the file results.json names)");
  po::options_description all;
  all.add(desc).add_options()("path", po::value(&f->paths)->multitoken(),
                              "RUN_DIR or RESULTS_ROOT");
  po::positional_options_description pos;
  pos.add("path", -1);
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
    po::notify(vm);
    *help = vm.count("help") > 0;
  } catch (const po::error& e) {
    std::cerr << "faultline report: " << e.what() << "\n" << kUsage;
    return false;
  }
  if (*help) {
    std::cout << kUsage << "\n" << desc << "\nExit: 0 written, 3 bad usage or unreadable run.\n";
    return true;
  }
  const size_t max_paths = 1, min_paths = f->index ? 0 : 1;
  if (f->paths.size() < min_paths || f->paths.size() > max_paths ||
      (f->index && !f->history.empty())) {
    std::cerr << kUsage;
    return false;
  }
  return true;
}

}  // namespace

int RunReportCommand(const std::vector<std::string>& args) {
  ReportFlags flags;
  bool help = false;
  if (!ParseReportFlags(args, &flags, &help)) return kExitBadInput;
  if (help) return kExitValid;
  Result<std::string> written =
      flags.index ? WriteResultsIndex(flags.paths.empty() ? "results" : flags.paths[0])
                  : WriteReport(flags.paths[0], ReportOptions{flags.history});
  if (!written.ok()) {
    std::cerr << "faultline report: " << written.status().message() << "\n";
    return kExitBadInput;
  }
  std::cout << *written << "\n";
  return kExitValid;
}

}  // namespace faultline
