#include "sweep/execute.h"

#include <signal.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <mutex>
#include <thread>

#include "control/child_process.h"
#include "harness/interrupt.h"
#include "harness/results_store.h"
#include "sweep/collect.h"

namespace faultline {
namespace {

using Clock = std::chrono::steady_clock;

struct Pending {
  size_t cell;
  int k;
};

struct Running {
  Pending run;
  std::unique_ptr<ChildProcess> child;
  int group;  // index of its node group, -1 without groups
  Clock::time_point started;
};

// The PIDs a second Ctrl-C asks to stop (the runs are in process groups of their own, so the
// terminal's signal reaches only the sweep).
std::mutex running_mu;
std::vector<pid_t> running_pids;

void Track(pid_t pid, bool add) {
  std::lock_guard<std::mutex> lock(running_mu);
  if (add) {
    running_pids.push_back(pid);
  } else {
    std::erase(running_pids, pid);
  }
}

// A second Ctrl-C: every run stops as `faultline test` does at Ctrl-C (heals, keeps its
// history, checks it); the sweep waits for them a while so that no cluster is left behind.
void StopRuns() {
  std::vector<pid_t> pids;
  {
    std::lock_guard<std::mutex> lock(running_mu);
    pids = running_pids;
  }
  for (pid_t pid : pids) ::kill(-pid, SIGINT);
  const auto deadline = Clock::now() + std::chrono::seconds(12);
  while (Clock::now() < deadline) {
    {
      std::lock_guard<std::mutex> lock(running_mu);
      if (running_pids.empty()) return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

std::string Duration(double seconds) {
  char text[32];
  const int s = static_cast<int>(seconds + 0.5);
  if (s >= 3600) {
    std::snprintf(text, sizeof text, "%dh%02dm", s / 3600, s / 60 % 60);
  } else if (s >= 60) {
    std::snprintf(text, sizeof text, "%dm%02ds", s / 60, s % 60);
  } else {
    std::snprintf(text, sizeof text, "%ds", s);
  }
  return text;
}

const char* ExitWord(int code) {
  switch (code) {
    case 0: return "valid";
    case 1: return "invalid";
    case 2: return "unknown";
    case 3: return "bad input";
    case 4: return "setup failed";
    default: return "ended abnormally";
  }
}

Result<std::unique_ptr<ChildProcess>> Start(const SweepPlan& plan, const std::string& dir,
                                            const ExecuteOptions& o, const Pending& p,
                                            int group) {
  const Cell& cell = plan.cells[p.cell];
  ChildOptions c;
  c.argv = {o.program, "test"};
  for (const std::string& a : RunArgs(plan, cell, p.k, RunsRoot(dir))) c.argv.push_back(a);
  if (group >= 0) c.argv.insert(c.argv.end(), {"--nodes", o.node_groups[group]});
  std::error_code ec;
  std::filesystem::create_directories(RunsRoot(dir) + "/" + RunName(cell, p.k), ec);
  c.output_path = RunsRoot(dir) + "/" + RunName(cell, p.k) + "/sweep-run.log";
  c.group = ChildGroup::kOwnGroup;
  c.killed_by_kill_all = true;
  return ChildProcess::Spawn(c);
}

}  // namespace

ExecuteResult Execute(const SweepPlan& plan, const std::string& dir, const ExecuteOptions& o,
                      std::ostream& progress) {
  ExecuteResult result;
  std::vector<Pending> pending;
  for (size_t i = 0; i < plan.cells.size(); ++i) {
    for (int k = 0; k < plan.seeds; ++k) {
      if (!RunFinished(dir, plan.cells[i], k)) pending.push_back({i, k});
    }
  }
  const size_t total = plan.cells.size() * plan.seeds;
  const size_t skipped = total - pending.size();
  if (skipped > 0) progress << skipped << " of " << total << " runs already finished\n";
  SetForcedExitCleanup(StopRuns);
  const int slots = o.node_groups.empty() ? std::max(1, o.parallel)
                                          : static_cast<int>(o.node_groups.size());
  std::vector<bool> group_busy(o.node_groups.size(), false);
  const auto start = Clock::now();
  const auto deadline = start + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(o.budget_minutes * 60));
  std::vector<Running> running;
  size_t next = 0, finished = 0;
  while (next < pending.size() || !running.empty()) {
    const bool stop = InterruptRequested();
    if (stop && !result.interrupted) {
      result.interrupted = true;
      progress << "interrupted: finishing the " << running.size()
               << " run(s) under way; faultline sweep --resume " << dir << " runs the rest\n";
    }
    while (!stop && next < pending.size() && static_cast<int>(running.size()) < slots) {
      const Pending p = pending[next];
      if (o.budget_minutes > 0 && Clock::now() >= deadline) break;
      ++next;
      int group = -1;
      for (size_t g = 0; g < group_busy.size() && group < 0; ++g) {
        if (!group_busy[g]) group = static_cast<int>(g);
      }
      auto child = Start(plan, dir, o, p, group);
      if (!child.ok()) {
        progress << RunName(plan.cells[p.cell], p.k) << ": " << child.status().message() << "\n";
        (void)WriteJsonFile(RunOutcomePath(dir, plan.cells[p.cell], p.k),
                            {{"exit", 4}, {"error", child.status().message()}});
        continue;
      }
      if (group >= 0) group_busy[group] = true;
      Track((*child)->pid(), true);
      running.push_back({p, std::move(child).value(), group, Clock::now()});
    }
    // Nothing under way and nothing more to start: interrupted, or the budget is spent.
    const bool over_budget = o.budget_minutes > 0 && Clock::now() >= deadline;
    if (running.empty() && (stop || over_budget)) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    for (size_t i = 0; i < running.size();) {
      Running& r = running[i];
      if (!r.child->HasExited()) {
        ++i;
        continue;
      }
      Track(r.child->pid(), false);
      r.child->Wait();
      const int code = r.child->ExitStatus().value_or(-1);
      const Cell& cell = plan.cells[r.run.cell];
      const double seconds = std::chrono::duration<double>(Clock::now() - r.started).count();
      (void)WriteJsonFile(RunOutcomePath(dir, cell, r.run.k),
                          {{"exit", code}, {"seconds", seconds}, {"how", r.child->Describe()}});
      if (r.group >= 0) group_busy[r.group] = false;
      ++finished;
      const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
      const size_t left = pending.size() - finished;
      progress << "[cell " << r.run.cell + 1 << "/" << plan.cells.size() << " run " << r.run.k + 1
               << "/" << plan.seeds << "] " << cell.id << " " << cell.row
               << (cell.row.empty() ? "" : " · ") << cell.column << ": " << ExitWord(code) << " ("
               << Duration(seconds) << ") · " << Duration(elapsed) << " elapsed"
               << (left > 0 ? ", ~" + Duration(elapsed / finished * left) + " left" : "")
               << std::endl;
      running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
  SetForcedExitCleanup(nullptr);
  for (size_t i = next; i < pending.size(); ++i) {
    if (!result.interrupted) result.not_run.push_back(RunName(plan.cells[pending[i].cell], pending[i].k));
  }
  return result;
}

}  // namespace faultline
