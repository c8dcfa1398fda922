#include "harness/runner.h"

#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <deque>
#include <map>
#include <mutex>
#include <thread>

#include "checkers/nothing_checked.h"
#include "checkers/stats/stats.h"
#include "harness/interrupt.h"
#include "harness/recorder.h"
#include "harness/results_store.h"

namespace faultline {
namespace {

using std::chrono::duration;
using std::chrono::duration_cast;

Clock::duration Seconds(double s) { return duration_cast<Clock::duration>(duration<double>(s)); }

struct Counters {
  std::atomic<int64_t> ok{0}, fail{0}, info{0};
  // Ops never invoked: no client of the worker's node was ready within the op timeout.
  std::atomic<int64_t> not_sent{0};
};

// An ok answer may arrive this long after its op's deadline and still count: a client that
// returns at the deadline needs a moment to hand its answer over.
constexpr auto kDeadlineSlack = std::chrono::milliseconds(50);

// Shared state of one phase of client work.
struct Phase {
  Clock::time_point end;               // main phase: when to stop
  std::deque<OpRequest>* queue = nullptr;  // final phase: ops to drain (then stop)
  bool final = false;                  // its ops are recorded with final = true
  std::mutex queue_mu;
};

// A set-up op is retried for this many op timeouts before the run gives up (exit 4).
constexpr int kSetupAttemptsWorth = 10;

class Run {
 public:
  Run(const TestSpec& spec, Db& db, Workload& workload, RunLog& log, Recorder& rec)
      : spec_(spec), db_(db), workload_(workload), log_(log), rec_(rec),
        nodes_(db.Nodes()), processes_(spec.concurrency) {
    for (int w = 0; w < spec.concurrency; ++w) processes_[w] = w;
  }

  // The workload's set-up ops, each retried (on any node, in turn) until it is ok.
  Status Setup();
  void ClientPhase(Phase& phase, bool paced);
  const std::vector<std::string>& nodes() const { return nodes_; }
  // Records a nemesis op and logs it.
  void RecordFault(Op op);
  void Progress(const std::atomic<bool>& done);
  const Counters& counters() const { return counters_; }

 private:
  void Worker(int w, Phase& phase, bool paced);
  bool NextRequest(int w, Phase& phase, Random& rng, OpRequest* req);
  // Opens a client on `node` into *client if it has none. NotReady when the client side could
  // not get ready in time (the op is not invoked); another error when opening failed (a
  // connection refused: the op is recorded as a fail).
  Status Open(const std::string& node, std::unique_ptr<Client>& client);
  // Runs `req` on `client` by `deadline`; a client that is null (Open failed with
  // `open_error`) makes it a fail, since nothing was sent.
  Completion Perform(Client* client, const Status& open_error, const OpRequest& req,
                     Clock::time_point deadline);

  const TestSpec& spec_;
  Db& db_;
  Workload& workload_;
  RunLog& log_;
  Recorder& rec_;
  const std::vector<std::string> nodes_;
  std::vector<int64_t> processes_;  // per worker: its current process id
  Counters counters_;
};

bool Run::NextRequest(int w, Phase& phase, Random& rng, OpRequest* req) {
  if (InterruptRequested()) return false;
  if (!phase.queue) {
    if (Clock::now() >= phase.end) return false;
    *req = workload_.Next(w, rng);
    return true;
  }
  std::lock_guard<std::mutex> lock(phase.queue_mu);
  if (phase.queue->empty()) return false;
  *req = std::move(phase.queue->front());
  phase.queue->pop_front();
  return true;
}

Status Run::Open(const std::string& node, std::unique_ptr<Client>& client) {
  if (client) return Status::Ok();
  try {
    auto opened = db_.OpenClient(node);
    if (!opened.ok()) return opened.status();
    client = std::move(opened).value();
    return Status::Ok();
  } catch (const std::exception& e) {
    return Status::IoError(std::string("opening a client threw: ") + e.what());
  }
}

Completion Run::Perform(Client* client, const Status& open_error, const OpRequest& req,
                        Clock::time_point deadline) {
  Completion c;
  if (client == nullptr) {
    c = Completion{OpType::kFail, req.value, open_error.message(), "", true};
  } else {
    try {
      c = client->Invoke(req, deadline);
    } catch (const std::exception& e) {
      c = Completion{OpType::kInfo, Value(), std::string("client threw: ") + e.what()};
    }
  }
  if (c.type != OpType::kOk || req.f != "read") c.value = req.value;
  return c;
}

void Run::Worker(int w, Phase& phase, bool paced) {
  Random rng = Random::Stream(spec_.seed, w);
  // A client per node this worker talks to: its own, and the final phase's targets.
  std::map<std::string, std::unique_ptr<Client>> clients;
  const double interval = paced && spec_.rate > 0 ? spec_.concurrency / spec_.rate : 0;
  Clock::time_point next = Clock::now() + Seconds(interval * rng.UniformDouble());  // stagger
  OpRequest req;
  int unavailable_in_a_row = 0;
  while (NextRequest(w, phase, rng, &req)) {
    if (unavailable_in_a_row > 0) {
      // A node that cannot serve (down, not the primary, partitioned away) answers at once;
      // backing off keeps a worker from filling the history with thousands of fails a second
      // while the cluster recovers: 1, 2, 4 … 64 ms, jittered.
      const int cap_ms = 1 << std::min(unavailable_in_a_row - 1, 6);
      std::this_thread::sleep_for(std::chrono::microseconds(
          static_cast<int64_t>(1000.0 * cap_ms * (0.5 + 0.5 * rng.UniformDouble()))));
    }
    if (interval > 0) {
      std::this_thread::sleep_until(next);
      next += Seconds(interval * (0.5 + rng.UniformDouble()));
    }
    const std::string node = req.node.value_or(nodes_[w % nodes_.size()]);
    std::unique_ptr<Client>& client = clients[node];
    const Status opened = Open(node, client);
    if (opened.code() == Status::Code::kNotReady) {
      // The client side was not ready (an external client process still starting): the
      // database never saw this op, so it is not invoked, only counted.
      if (counters_.not_sent++ == 0) {
        log_.Info("an op not sent (counted from here on): " + opened.message());
      }
      ++unavailable_in_a_row;  // back off as from a node that cannot serve
      continue;
    }
    Op invoke;
    invoke.process = processes_[w];
    invoke.type = OpType::kInvoke;
    invoke.f = req.f;
    invoke.key = req.key;
    invoke.value = req.value;
    invoke.node = node;
    invoke.final = phase.final;
    // The deadline runs from the invoke as recorded; an ok recorded after it (and its slack)
    // is info, so no ok op's recorded latency exceeds the op timeout.
    Op done = rec_.Record(std::move(invoke));
    const Clock::time_point deadline = rec_.TimeOf(done) + Seconds(spec_.op_timeout);
    Completion c = Perform(client.get(), opened, req, deadline);
    done.type = c.type;
    done.value = std::move(c.value);
    if (!c.error.empty()) done.error = std::move(c.error);
    if (!c.node.empty()) done.node = std::move(c.node);
    if (!c.role.empty()) done.role = std::move(c.role);
    done = rec_.RecordCompletion(std::move(done), deadline + kDeadlineSlack, req.value);
    c.type = done.type;
    (c.type == OpType::kOk ? counters_.ok : c.type == OpType::kFail ? counters_.fail : counters_.info)++;
    unavailable_in_a_row = c.type == OpType::kFail && c.unavailable ? unavailable_in_a_row + 1 : 0;
    if (c.type == OpType::kInfo) {
      processes_[w] += spec_.concurrency;  // retired, as in Jepsen: a fresh process and client
      clients.clear();
    }
  }
}

Status Run::Setup() {
  const std::vector<OpRequest> ops = workload_.SetupOps();
  const Clock::time_point start = Clock::now();
  for (const OpRequest& req : ops) {
    const Clock::time_point give_up =
        Clock::now() + Seconds(spec_.op_timeout * kSetupAttemptsWorth);
    for (size_t attempt = 0;; ++attempt) {
      std::unique_ptr<Client> client;
      const std::string& node = nodes_[attempt % nodes_.size()];
      const Status opened = Open(node, client);
      Completion c = opened.code() == Status::Code::kNotReady
                         ? Completion::Fail(opened.message(), true)
                         : Perform(client.get(), opened, req,
                                   Clock::now() + Seconds(spec_.op_timeout));
      log_.Info("setup: " + req.f + " " + req.value.ToJson() + " on " + node + ": " +
                OpTypeName(c.type) + (c.error.empty() ? "" : " (" + c.error + ")"));
      if (c.type == OpType::kOk) break;
      if (Clock::now() >= give_up || InterruptRequested()) {
        return Status::IoError("set-up op " + req.f + " did not succeed within " +
                               std::to_string(kSetupAttemptsWorth) + " op timeouts on any node; "
                               "last: " + c.error + " (see faultline.log and nodes/*/store.log)");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  if (!ops.empty()) {
    log_.Step("workload set-up: " + std::to_string(ops.size()) + " op" + (ops.size() == 1 ? "" : "s") +
              " ok in " + SecondsSince(start));
  }
  return Status::Ok();
}

void Run::ClientPhase(Phase& phase, bool paced) {
  std::vector<std::thread> workers;
  for (int w = 0; w < spec_.concurrency; ++w) {
    workers.emplace_back([this, w, &phase, paced] { Worker(w, phase, paced); });
  }
  for (auto& t : workers) t.join();
}

void Run::RecordFault(Op op) {
  // The invoke is stamped as the fault is issued; the log line waits for what it did.
  if (op.type == OpType::kInvoke) {
    rec_.Record(std::move(op));
    return;
  }
  std::string line = "nemesis: " + op.f + " " + (op.value.is_null() ? "" : op.value.ToJson());
  if (op.error) line += " failed: " + *op.error;
  rec_.Record(std::move(op));
  log_.Info(line);
}

void Run::Progress(const std::atomic<bool>& done) {
  const bool tty = isatty(STDERR_FILENO);
  const Clock::time_point start = Clock::now();
  const auto step = tty ? std::chrono::milliseconds(500) : std::chrono::milliseconds(5000);
  while (!done) {
    for (auto t = Clock::now() + step; !done && Clock::now() < t;) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    const double elapsed = duration<double>(Clock::now() - start).count();
    const int64_t ok = counters_.ok, fail = counters_.fail, info = counters_.info;
    std::fprintf(stderr, "%s  %5.1f/%.1f s  ops %lld  ok %lld  fail %lld  info %lld%s",
                 tty ? "\r" : "", elapsed, spec_.time_limit,
                 static_cast<long long>(ok + fail + info), static_cast<long long>(ok),
                 static_cast<long long>(fail), static_cast<long long>(info), tty ? "" : "\n");
  }
  if (tty) std::fprintf(stderr, "\n");
}

}  // namespace

RunReport Runner::Run(const std::string& run_dir) {
  RunReport report;
  const std::string history_path = run_dir + "/history.jsonl";
  auto rec = Recorder::Open(history_path, Clock::now());
  if (!rec.ok()) {
    report.status = rec.status();
    return report;
  }
  class Run run(spec_, db_, workload_, log_, **rec);
  if (Status s = run.Setup(); !s.ok()) {
    report.status = s;
    report.setup_failed = true;
    (void)(*rec)->Close();
    return report;
  }
  Phase main;
  main.end = Clock::now() + Seconds(spec_.time_limit);
  std::atomic<bool> done{false};
  std::thread progress([&] { run.Progress(done); });
  log_.Step("main phase: " + SecondsText(spec_.time_limit));
  auto record_fault = [&run](Op op) { run.RecordFault(std::move(op)); };
  std::thread nemesis([&] {
    if (nemesis_) nemesis_->Run(main.end, InterruptRequested, record_fault);
  });
  run.ClientPhase(main, /*paced=*/true);
  nemesis.join();
  if (nemesis_) nemesis_->HealAll(record_fault);
  if (!InterruptRequested()) {
    log_.Info("healed; recovery " + std::to_string(spec_.recovery) + " s, then final reads");
    for (auto t = Clock::now() + Seconds(spec_.recovery); Clock::now() < t && !InterruptRequested();) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::deque<OpRequest> finals;
    for (auto& op : workload_.FinalOps(run.nodes())) finals.push_back(std::move(op));
    Phase final_phase;
    final_phase.queue = &finals;
    final_phase.final = true;
    run.ClientPhase(final_phase, /*paced=*/false);
  }
  done = true;
  progress.join();
  report.interrupted = InterruptRequested();
  if (Status s = (*rec)->Close(); !s.ok()) {
    report.status = s;
    return report;
  }
  std::vector<Op> ops = (*rec)->TakeOps();
  report.ops = static_cast<int64_t>(ops.size());
  log_.Info("recorded " + std::to_string(ops.size()) + " history lines");
  auto history = History::Make(std::move(ops), history_path);
  if (!history.ok()) {
    report.status = Status::Internal("recorded history does not pair: " + history.status().message());
    return report;
  }
  auto check = CheckRun(workload_, *history, history_path);
  if (!check.ok()) {
    report.status = check.status();
    return report;
  }
  report.verdict = check->verdict;
  report.summary = Summary(ComputeStats(*history)) + "\n" + check->summary;
  nlohmann::json results = RunResults(*history, *check, report.interrupted);
  if (const int64_t n = run.counters().not_sent; n > 0) {
    results["not_sent"] = n;
    report.summary += "\n" + NotSentText(n);
  }
  report.status = WriteJsonFile(run_dir + "/results.json", results);
  return report;
}

std::string NotSentText(int64_t n) {
  return std::to_string(n) + " op" + (n == 1 ? "" : "s") +
         " not sent: no client of the worker's node was ready within the op timeout (the "
         "database never saw them; they are not in the history)";
}

nlohmann::json RunResults(const History& history, const CheckOutcome& check, bool interrupted) {
  return {{"verdict", VerdictName(check.verdict)},
          {"interrupted", interrupted},
          {"history_lines", history.size()},
          {"stats", ToJson(ComputeStats(history))},
          {"checkers", check.detail},
          {"witnesses", check.witnesses}};
}

Result<CheckOutcome> CheckRun(const Workload& workload, const History& history,
                              const std::string& source) {
  Result<CheckOutcome> check = workload.Check(history, source);
  if (!check.ok()) return check;
  if (std::optional<std::string> why = NeverAnsweredReason(history)) {
    // Invalid still beats unknown (verdict.h), should a checker find a violation regardless.
    check->verdict = Worst(check->verdict, Verdict::kUnknown);
    check->summary = *why + (check->summary.empty() ? "" : "\n" + check->summary);
    check->detail["database"] = {{"verdict", VerdictName(Verdict::kUnknown)}, {"reason", *why}};
  }
  return check;
}

}  // namespace faultline
