// `faultline test`: run a workload against a database, record, check, and store the run.
#include <boost/program_options.hpp>
#include <filesystem>
#include <iostream>
#include <random>
#include <sstream>

#include "app/assemble.h"
#include "app/commands.h"
#include "harness/interrupt.h"
#include "harness/results_store.h"
#include "harness/runner.h"
#include "report/report.h"

namespace faultline {
namespace {

namespace po = boost::program_options;

std::vector<std::string> SplitCommas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string part; std::getline(in, part, ',');) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

// Parses the flags into spec; *help is set when --help was given.
Status ParseTestFlags(const std::vector<std::string>& args, TestSpec* spec, bool* help) {
  std::string nemesis;
  uint64_t seed = 0;
  po::options_description desc("faultline test [options]");
  desc.add_options()("help,h", "show this help")(
      "name", po::value(&spec->name)->default_value(spec->name), "test name: results/<name>/<time>/")(
      "db", po::value(&spec->db)->default_value(spec->db), "database: builtin")(
      "workload", po::value(&spec->workload)->default_value(spec->workload), "workload: register")(
      "cluster", po::value(&spec->cluster)->default_value(spec->cluster),
      "processes: nodes are local processes on loopback")(
      "nodes", po::value(&spec->nodes)->default_value(spec->nodes), "number of nodes")(
      "concurrency", po::value(&spec->concurrency)->default_value(spec->concurrency),
      "client workers, bound to nodes round-robin")(
      "time-limit", po::value(&spec->time_limit)->default_value(spec->time_limit),
      "seconds of the main phase")(
      "rate", po::value(&spec->rate)->default_value(spec->rate), "ops/s over all workers (0: unlimited)")(
      "seed", po::value(&seed), "random seed (default: chosen and recorded in test.json)")(
      "op-timeout", po::value(&spec->op_timeout)->default_value(spec->op_timeout),
      "seconds before an op is recorded as info")(
      "ops-per-key", po::value(&spec->ops_per_key)->default_value(spec->ops_per_key),
      "independent keys: ops on a key before moving to a fresh one")(
      "nemesis", po::value(&nemesis), "faults, comma-separated: kill, kill-primary")(
      "nemesis-interval", po::value(&spec->nemesis_interval)->default_value(spec->nemesis_interval),
      "seconds between faults")(
      "recovery", po::value(&spec->recovery)->default_value(spec->recovery),
      "seconds after healing before the final reads")(
      "results", po::value(&spec->results_root)->default_value(spec->results_root),
      "results root folder")(
      "replication", po::value(&spec->replication)->default_value(spec->replication),
      "builtin store: primary, async or quorum")(
      "r", po::value(&spec->r)->default_value(spec->r), "builtin quorum: read quorum (0: majority)")(
      "w", po::value(&spec->w)->default_value(spec->w), "builtin quorum: write quorum (0: majority)");
  try {
    po::variables_map vm;
    po::store(po::command_line_parser(args).options(desc).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << desc << "\nExit: 0 valid, 1 invalid, 2 unknown, 3 bad usage, 4 setup failed.\n";
      *help = true;
      return Status::Ok();
    }
    spec->seed = vm.count("seed") ? seed : std::random_device()();
  } catch (const po::error& e) {
    return Status::InvalidArgument(std::string("faultline test: ") + e.what());
  }
  spec->nemesis = SplitCommas(nemesis);
  return ValidateSpec(*spec);
}

}  // namespace

int RunTest(const std::vector<std::string>& args) {
  TestSpec spec;
  bool help = false;
  if (Status s = ParseTestFlags(args, &spec, &help); !s.ok()) {
    std::cerr << s.message() << "\n(see faultline test --help)\n";
    return kExitBadInput;
  }
  if (help) return kExitValid;
  InstallInterruptHandler();
  auto run_dir = CreateRunDir(spec.results_root, spec.name);
  if (!run_dir.ok()) {
    std::cerr << run_dir.status().message() << "\n";
    return kExitSetupFailed;
  }
  RunLog log;
  (void)log.Open(*run_dir + "/faultline.log");
  (void)WriteJsonFile(*run_dir + "/test.json", spec.ToJson());
  (void)PointLatest(spec.results_root, *run_dir);
  std::cout << "faultline test " << spec.name << " (seed " << spec.seed << ") → " << *run_dir << "\n";
  auto workload = MakeWorkload(spec);
  if (!workload.ok()) {
    std::cerr << workload.status().message() << "\n";
    return kExitBadInput;
  }
  auto db = MakeDb(spec, *run_dir, log);
  if (!db.ok()) {
    std::cerr << "setup failed: " << db.status().message() << "\n";
    log.Info("setup failed: " + db.status().message());
    return kExitSetupFailed;
  }
  log.Info("db: " + (*db)->Describe());
  RunReport report = Runner(spec, **db, **workload, log).Run(*run_dir);
  if (Status s = (*db)->CollectLogs(*run_dir + "/nodes"); !s.ok()) log.Info(s.message());
  db->reset();  // stops every node before we report
  if (!report.status.ok()) {
    std::cerr << "faultline: " << report.status.message() << "\n";
    log.Info("error: " + report.status.message());
    return kExitUnknown;
  }
  // The report is a view of the results; failing to draw it never changes the verdict.
  if (auto r = WriteReport(*run_dir); !r.ok()) {
    std::cerr << "warning: no report: " << r.status().message() << "\n";
  }
  if (auto i = WriteResultsIndex(spec.results_root); !i.ok()) {
    std::cerr << "warning: no results index: " << i.status().message() << "\n";
  }
  std::cout << report.summary << "\n"
            << (report.interrupted ? "interrupted; " : "") << "verdict: "
            << VerdictName(report.verdict) << "\nreport: " << *run_dir << "/report.html\n";
  return ExitCodeFor(report.verdict);
}

}  // namespace faultline
