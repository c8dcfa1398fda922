// `faultline sweep`: the grid of settings × faults × seeds (sweep/plan.h) run one `faultline
// test` at a time or several at once (sweep/execute.h), then each cell's runs set beside the
// database's prediction (sweep/collect.h) in sweep.json, sweep.html and a table on stdout.
// --plan writes the runs as command lines for a job runner; --collect assembles what they
// left; --resume finishes an interrupted sweep. docs/sweep.md.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>

#include "app/commands.h"
#include "control/remote.h"
#include "harness/interrupt.h"
#include "harness/results_store.h"
#include "report/report.h"
#include "report/sweep_report.h"
#include "sweep/collect.h"
#include "sweep/execute.h"
#include "sweep/plan.h"

namespace faultline {
namespace {

constexpr const char* kHelp = R"(usage: faultline sweep [test options] [sweep options]
       faultline sweep --resume DIR [--parallel N | --node-groups G] [--budget MINUTES]
       faultline sweep --collect DIR

Runs `faultline test` once per cell of a grid and seed, and sets what each cell's runs found
beside what the database promises for its settings (docs/sweep.md). Every option of
`faultline test` is taken (faultline test --db NAME --help lists a database's own; those
marked "safety setting" can be axes), plus:

  --axis NAME=V1,V2,…   an axis of the grid (repeatable): a safety setting of the database or
                        workload, or db, workload, nemesis, nodes, concurrency, time-limit. A
                        nemesis value is a fault set: partition+kill, or none
  --seeds N             runs per cell, each with its own seed (default 3)
  --seed S              the seeds of the runs derive from it (default: chosen, recorded)
  --sweep-file FILE     a JSON file: axes with "when" (dependent axes), "exclude",
                        "databases" (several in one sweep), "predictions" (declared)
  --name NAME           results/NAME-sweep/<time>/ (default: the workload's name)
  --only ID,…           only these cells (the ids --plan and every sweep print)
  --max-cells N         a seeded random sample of N cells of a larger grid
  --budget MINUTES      start no run after this many minutes; say what was left
  --parallel N          N runs at once (local clusters: each its own namespaces and subnet)
  --node-groups "a1,a2,a3;b1,b2,b3"   runs at once on disjoint groups of hosts
  --plan                write every run as a command line (plan.txt) and stop
  --collect DIR         assemble sweep.json and sweep.html from DIR's finished runs
  --resume DIR          run what an interrupted sweep left, skipping finished runs

Exit: 0 every cell as predicted (valid where nothing is declared), 1 a cell invalid where
safety was predicted or assumed, 2 unknown decides it or runs are missing (budget, Ctrl-C),
3 bad usage, 4 a run could not be set up.
)";

Status Bad(const std::string& what) { return Status::InvalidArgument(what); }

struct SweepArgs {
  SweepRequest request;
  std::string results = "results";
  std::string resume, collect;
  bool plan_only = false, help = false;
  ExecuteOptions execute;
};

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= s.size()) {
    const size_t end = std::min(s.find(sep, start), s.size());
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

Result<int> Number(const std::string& flag, const std::string& word, int min, int max) {
  try {
    size_t used = 0;
    const int n = std::stoi(word, &used);
    if (used == word.size() && n >= min && n <= max) return n;
  } catch (const std::exception&) {
  }
  return Bad(flag + " " + word + ": expected a whole number " + std::to_string(min) + ".." +
             std::to_string(max));
}

// The sweep's own options out of `args`; every other word is the tests'.
Status ParseSweepArgs(const std::vector<std::string>& args, SweepArgs* a) {
  SweepRequest& q = a->request;
  q.seeds = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string flag = args[i], value;
    bool inline_value = false;
    if (const size_t eq = flag.find('='); flag.rfind("--", 0) == 0 && eq != std::string::npos) {
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
      inline_value = true;
    }
    auto take = [&]() -> Result<std::string> {
      if (inline_value) return value;
      if (i + 1 >= args.size()) return Bad(flag + ": expected a value");
      return args[++i];
    };
    static const std::vector<std::string> kValued = {
        "--axis", "--seeds",  "--sweep-file", "--only",        "--resume", "--budget",
        "--max-cells", "--parallel", "--node-groups", "--collect", "--seed", "--name",
        "--results"};
    if (flag == "--help" || flag == "-h") {
      a->help = true;
      continue;
    }
    if (flag == "--plan") {
      a->plan_only = true;
      continue;
    }
    if (std::find(kValued.begin(), kValued.end(), flag) == kValued.end()) {
      q.test_args.push_back(args[i]);
      continue;
    }
    auto v = take();
    if (!v.ok()) return v.status();
    if (flag == "--axis") {
      const size_t eq = v->find('=');
      if (eq == std::string::npos || eq == 0) {
        return Bad("--axis " + *v + ": expected NAME=V1,V2,…");
      }
      q.axes.push_back({v->substr(0, eq), Split(v->substr(eq + 1), ','), nlohmann::json::object()});
    } else if (flag == "--seeds") {
      auto n = Number(flag, *v, 1, 1000);
      if (!n.ok()) return n.status();
      q.seeds = *n;
    } else if (flag == "--seed") {
      try {
        size_t used = 0;
        q.seed = std::stoull(*v, &used);
        if (used != v->size()) throw std::invalid_argument(*v);
      } catch (const std::exception&) {
        return Bad("--seed " + *v + ": expected a whole number");
      }
      q.seed_given = true;
    } else if (flag == "--max-cells") {
      auto n = Number(flag, *v, 1, 1000000);
      if (!n.ok()) return n.status();
      q.max_cells = *n;
    } else if (flag == "--parallel") {
      auto n = Number(flag, *v, 1, 64);
      if (!n.ok()) return n.status();
      a->execute.parallel = *n;
    } else if (flag == "--budget") {
      try {
        a->execute.budget_minutes = std::stod(*v);
      } catch (const std::exception&) {
        a->execute.budget_minutes = -1;
      }
      if (a->execute.budget_minutes <= 0) return Bad("--budget " + *v + ": expected minutes > 0");
    } else if (flag == "--only") {
      for (const std::string& id : Split(*v, ',')) q.only.push_back(id);
    } else if (flag == "--node-groups") {
      a->execute.node_groups = Split(*v, ';');
      if (a->execute.node_groups.empty()) return Bad("--node-groups: expected \"a1,a2;b1,b2\"");
    } else if (flag == "--sweep-file") {
      q.file = *v;
    } else if (flag == "--name") {
      q.name = *v;
    } else if (flag == "--results") {
      a->results = *v;
    } else if (flag == "--resume") {
      a->resume = *v;
    } else if (flag == "--collect") {
      a->collect = *v;
    }
  }
  if (!a->resume.empty() || !a->collect.empty()) {
    if (!q.test_args.empty() || !q.axes.empty() || !q.file.empty() || !q.only.empty() ||
        q.max_cells > 0 || q.seeds > 0 || a->plan_only) {
      return Bad(std::string(a->resume.empty() ? "--collect" : "--resume") +
                 " DIR takes the grid from DIR/plan.json; give no test options, axes or sweep "
                 "file with it");
    }
  }
  if (!a->execute.node_groups.empty()) {
    for (const std::string& w : q.test_args) {
      if (w == "--nodes" || w.rfind("--nodes=", 0) == 0) {
        return Bad("--node-groups gives each run its --nodes; drop --nodes");
      }
    }
    if (a->execute.parallel > 1) return Bad("--node-groups runs one run per group at once; drop --parallel");
  }
  return Status::Ok();
}

// A word as a shell reads it: quoted only when it has to be.
std::string Word(const std::string& w) {
  const bool plain = !w.empty() && w.find_first_not_of("abcdefghijklmnopqrstuvwxyz"
                                                       "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                       "0123456789_./=,:+-@%") == std::string::npos;
  return plain ? w : ShellQuote(w);
}

std::string CommandLine(const std::vector<std::string>& args) {
  std::string line = "faultline sweep";
  for (const std::string& a : args) line += " " + Word(a);
  return line;
}

std::string Program() {
  std::error_code ec;
  const std::string self = std::filesystem::read_symlink("/proc/self/exe", ec).string();
  return self.empty() ? "faultline-run" : self;
}

// plan.txt: every run as an independent command line, for a job runner.
Status WritePlanText(const SweepPlan& plan, const std::string& dir) {
  const std::string faultline =
      (std::filesystem::path(Program()).parent_path() / "faultline").string();
  const std::string abs_dir = std::filesystem::absolute(dir).string();
  std::ofstream out(dir + "/plan.txt");
  out << "# " << plan.command << "\n# " << plan.cells.size() * plan.seeds
      << " runs; each is independent. Then: faultline sweep --collect " << Word(abs_dir)
      << "\n";
  for (const Cell& c : plan.cells) {
    for (int k = 0; k < plan.seeds; ++k) {
      out << Word(faultline) << " test";
      for (const std::string& a : RunArgs(plan, c, k, RunsRoot(abs_dir))) out << " " << Word(a);
      out << "\n";
    }
  }
  out.close();
  return out ? Status::Ok() : Status::IoError(dir + "/plan.txt: cannot be written");
}

void PrintCells(const SweepPlan& plan) {
  std::cout << plan.cells.size() << " cells × " << plan.seeds << " seeds = "
            << plan.cells.size() * plan.seeds << " runs";
  if (!plan.sample.is_null()) {
    std::cout << " (a sample of " << plan.sample["kept"] << " of " << plan.sample["of"]
              << " cells, seed " << plan.sample["seed"] << ")";
  }
  std::cout << "\n";
  for (const Cell& c : plan.cells) {
    std::cout << "  " << c.id << "  " << c.row << (c.row.empty() ? "" : " · ") << c.column
              << "  predicted " << c.expect << "\n";
  }
}

// sweep.json, sweep.html, the table and the index from the folder; the exit code.
int Finish(const SweepPlan& plan, const std::string& dir, const std::string& results_root,
           const ExecuteResult& executed) {
  const nlohmann::json sweep = CollectSweep(plan, dir, executed.not_run);
  if (Status s = WriteJsonFile(dir + "/sweep.json", sweep); !s.ok()) {
    std::cerr << s.message() << "\n";
    return kExitSetupFailed;
  }
  if (auto r = WriteSweepReport(dir); !r.ok()) {
    std::cerr << "warning: no sweep.html: " << r.status().message() << "\n";
  }
  if (auto i = WriteResultsIndex(results_root); !i.ok()) {
    std::cerr << "warning: no results index: " << i.status().message() << "\n";
  }
  std::cout << "\n" << SweepTable(sweep);
  for (const nlohmann::json& c : sweep["cells"]) {
    const std::string outcome = c["outcome"];
    if (outcome == "as-predicted") continue;
    std::cout << c["id"].get<std::string>() << " " << c["row"].get<std::string>() << " · "
              << c["column"].get<std::string>() << ": " << c["note"].get<std::string>() << "\n";
  }
  if (!executed.not_run.empty()) {
    std::cout << "budget spent: " << executed.not_run.size()
              << " runs not started (faultline sweep --resume " << dir << " runs them)\n";
  }
  std::cout << "sweep: " << dir << "/sweep.html\n";
  return SweepExitCode(sweep);
}

Result<SweepPlan> ReadPlan(const std::string& dir) {
  auto j = ReadJsonFile(dir + "/plan.json");
  if (!j.ok()) return Bad(dir + ": not a sweep folder (" + j.status().message() + ")");
  return SweepPlan::FromJson(*j);
}

// The results root a sweep folder <root>/<name>-sweep/<time> belongs to.
std::string RootOf(const std::string& dir) {
  return std::filesystem::path(dir).lexically_normal().parent_path().parent_path().string();
}

}  // namespace

int RunSweep(const std::vector<std::string>& args) {
  SweepArgs a;
  if (Status s = ParseSweepArgs(args, &a); !s.ok()) {
    std::cerr << "faultline sweep: " << s.message() << "\n(see faultline sweep --help)\n";
    return kExitBadInput;
  }
  if (a.help) {
    std::cout << kHelp;
    return kExitValid;
  }
  a.execute.program = Program();
  if (!a.collect.empty() || !a.resume.empty()) {
    const std::string dir = a.collect.empty() ? a.resume : a.collect;
    auto plan = ReadPlan(dir);
    if (!plan.ok()) {
      std::cerr << "faultline sweep: " << plan.status().message() << "\n";
      return kExitBadInput;
    }
    ExecuteResult executed;
    if (!a.resume.empty()) {
      InstallInterruptHandler();
      std::cout << "faultline sweep --resume " << dir << "\n";
      executed = Execute(*plan, dir, a.execute, std::cout);
    }
    return Finish(*plan, dir, RootOf(dir), executed);
  }
  SweepRequest& q = a.request;
  q.command = CommandLine(args);
  if (!q.seed_given) q.seed = std::random_device()();
  auto plan = MakePlan(q, Registry::Global());
  if (!plan.ok()) {
    std::cerr << "faultline sweep: " << plan.status().message() << "\n";
    return kExitBadInput;
  }
  auto dir = CreateRunDir(a.results, plan->name + "-sweep");
  if (!dir.ok()) {
    std::cerr << dir.status().message() << "\n";
    return kExitSetupFailed;
  }
  if (Status s = WriteJsonFile(*dir + "/plan.json", plan->ToJson()); !s.ok()) {
    std::cerr << s.message() << "\n";
    return kExitSetupFailed;
  }
  if (Status s = WritePlanText(*plan, *dir); !s.ok()) {
    std::cerr << s.message() << "\n";
    return kExitSetupFailed;
  }
  std::cout << "faultline sweep " << plan->name << " (seed " << plan->seed << ") → " << *dir
            << "\n";
  PrintCells(*plan);
  if (a.plan_only) {
    std::cout << "plan: " << *dir << "/plan.txt (" << plan->cells.size() * plan->seeds
              << " command lines); then faultline sweep --collect " << *dir << "\n";
    return kExitValid;
  }
  InstallInterruptHandler();
  const ExecuteResult executed = Execute(*plan, *dir, a.execute, std::cout);
  return Finish(*plan, *dir, a.results, executed);
}

}  // namespace faultline
