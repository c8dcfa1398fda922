// gen_invariant_history: writes a synthetic bank or grow-only counter history (ARCHITECTURE §3
// JSON Lines), simulated from a real serializable bank / linearizable counter, with a few
// planted bad reads listed in FILE.anomalies. A single-threaded program; every random choice
// comes from --seed.
#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <queue>
#include <string>
#include <tuple>
#include <vector>

#include "bench/register_sim.h"  // Exponential, kNever, Outcome

namespace faultline::bench {
namespace {

constexpr int64_t kMinLatency = 50'000;   // ns, each half of a call
constexpr double kMeanLatency = 400'000;  // ns, on top of the minimum
constexpr double kMeanThink = 100'000;    // ns between a worker's calls
constexpr int64_t kTimeout = 10'000'000;  // ns until a call ends in info

struct Options {
  std::string workload;   // bank or counter
  int64_t ops = 1000000;  // calls (an invoke and its completion each), final reads not counted
  int64_t concurrency = 20;
  int64_t accounts = 10, total = 1000;  // bank
  int64_t final_reads = 5;              // counter: one per node n1…nN after the main phase
  int64_t anomalies = 3;
  double info_rate = 0.02;
  uint64_t seed = 1;
  std::string out;
};

// One call. Bank: a, b, amount = from, to, amount; a read's balances are `accounts` entries
// of the snapshot vector from `slot`. Counter: amount = the add's value or the read's result;
// a final read's slot is its node's number - 1.
struct Call {
  int64_t process = 0, invoke = 0, effect = kNever, complete = 0;
  int64_t a = 0, b = 0, amount = 0, slot = -1;
  bool read = false, final = false;
  Outcome outcome = Outcome::kOk;
};

class Simulation {
 public:
  Simulation(const Options& o, Random* rng) : o_(o), rng_(*rng), balance_(o.accounts, 0) {
    for (int64_t i = 0; i < o.accounts; ++i) balance_[i] = o.total / o.accounts;
    balance_[0] += o.total % o.accounts;
  }

  void Run() {
    process_.resize(o_.concurrency);
    for (int64_t w = 0; w < o_.concurrency; ++w) {
      process_[w] = w;
      Push(Exponential(rng_, kMeanThink), kInvoke, w);
    }
    int64_t end = 0;
    while (!events_.empty()) {
      auto [t, seq, kind, id] = events_.top();
      events_.pop();
      if (kind == kInvoke) Invoke(t, id);
      if (kind == kTakeEffect) TakeEffect(t, id);
      if (kind == kComplete) end = std::max(end, Complete(t, id));
    }
    for (int64_t n = 0; o_.workload == "counter" && n < o_.final_reads; ++n) {
      Call c;
      c.process = next_process_ + n;
      c.read = c.final = true;
      c.slot = n;  // served by node n+1
      c.invoke = end + 1'000'000 + 2 * n * kMinLatency;
      c.complete = c.invoke + kMinLatency;
      c.amount = counter_;
      calls_.push_back(c);
    }
  }

  std::vector<Call> calls_;
  std::vector<int64_t> snapshots_;  // bank reads' balances

 private:
  enum Kind { kInvoke, kTakeEffect, kComplete };  // kInvoke names a worker, the others a call
  using Event = std::tuple<int64_t, uint64_t, Kind, size_t>;
  void Push(int64_t t, Kind kind, size_t id) { events_.push({t, seq_++, kind, id}); }
  int64_t Latency() { return kMinLatency + Exponential(rng_, kMeanLatency); }

  void Invoke(int64_t t, size_t worker) {
    if (issued_ == o_.ops) return;
    ++issued_;
    Call c;
    c.process = process_[worker];
    c.invoke = t;
    c.read = rng_.OneIn(0.5);
    if (o_.workload == "bank") {
      c.a = rng_.Uniform(o_.accounts);
      c.b = (c.a + 1 + rng_.Uniform(o_.accounts - 1)) % o_.accounts;
    }
    c.amount = c.read ? 0 : 1 + rng_.Uniform(5);
    const size_t id = calls_.size();
    if (rng_.OneIn(o_.info_rate)) {  // timed out: took effect (later, maybe) or never
      c.outcome = Outcome::kInfo;
      c.complete = t + kTimeout;
      if (!c.read && rng_.OneIn(0.5)) Push(t + 1 + rng_.Uniform(2 * kTimeout), kTakeEffect, id);
    } else {
      const int64_t effect = t + Latency();
      c.complete = effect + Latency();
      Push(effect, kTakeEffect, id);
    }
    Push(c.complete, kComplete, id);
    worker_of_.push_back(worker);
    calls_.push_back(c);
  }

  void TakeEffect(int64_t t, size_t id) {
    Call& c = calls_[id];
    c.effect = t;
    if (o_.workload == "counter") {
      if (c.read) c.amount = counter_;
      if (!c.read) counter_ += c.amount;
    } else if (c.read) {
      c.slot = static_cast<int64_t>(snapshots_.size());
      snapshots_.insert(snapshots_.end(), balance_.begin(), balance_.end());
    } else if (balance_[c.a] < c.amount) {
      if (c.outcome == Outcome::kOk) c.outcome = Outcome::kFail;  // would overdraw
    } else {
      balance_[c.a] -= c.amount;
      balance_[c.b] += c.amount;
    }
  }

  int64_t Complete(int64_t t, size_t id) {
    const size_t w = worker_of_[id];
    if (calls_[id].outcome == Outcome::kInfo) process_[w] = next_process_++;
    Push(t + 1 + Exponential(rng_, kMeanThink), kInvoke, w);
    return t;
  }

  const Options& o_;
  Random& rng_;
  std::priority_queue<Event, std::vector<Event>, std::greater<Event>> events_;
  uint64_t seq_ = 0;
  int64_t issued_ = 0, counter_ = 0;
  int64_t next_process_ = 1'000'000;  // retired workers continue as 1000000, 1000001, …
  std::vector<int64_t> process_, balance_;
  std::vector<size_t> worker_of_;
};

// One line of the file: a call's invoke or completion.
struct Record {
  int64_t time;
  uint32_t call;
  bool completion;
  bool operator<(const Record& o) const {
    return std::tie(time, call, completion) < std::tie(o.time, o.call, o.completion);
  }
};

struct Planted {
  int64_t op_index = 0, line = 0;
  std::string kind, what;
};

// Changes a few ok (non-final) reads so that each is certainly wrong, after the order of the
// records is known (a counter read's bounds depend on it).
class Planter {
 public:
  Planter(const Options& o, Random* rng, Simulation* sim, const std::vector<Record>& records)
      : o_(o), rng_(*rng), sim_(*sim), records_(records) {}

  std::vector<Planted> Plant() {
    std::vector<size_t> reads;  // record positions of ok read completions
    for (size_t i = 0; i < records_.size(); ++i) {
      const Call& c = sim_.calls_[records_[i].call];
      if (records_[i].completion && c.read && !c.final && c.outcome == Outcome::kOk) {
        reads.push_back(i);
      }
    }
    std::vector<size_t> chosen;
    while (static_cast<int64_t>(chosen.size()) < o_.anomalies && chosen.size() < reads.size()) {
      const size_t r = reads[rng_.Uniform(reads.size())];
      if (std::find(chosen.begin(), chosen.end(), r) == chosen.end()) chosen.push_back(r);
    }
    std::sort(chosen.begin(), chosen.end());
    std::vector<Planted> out;
    int64_t acknowledged = 0, invoked = 0;  // counter bounds, walking the records in order
    std::vector<int64_t> lower(sim_.calls_.size(), 0);
    for (size_t i = 0, next = 0; i < records_.size() && next < chosen.size(); ++i) {
      const Record& rec = records_[i];
      Call& c = sim_.calls_[rec.call];
      if (!c.read && !rec.completion && c.outcome != Outcome::kFail) invoked += c.amount;
      if (!c.read && rec.completion && c.outcome == Outcome::kOk) acknowledged += c.amount;
      if (c.read && !rec.completion) lower[rec.call] = acknowledged;
      if (i != chosen[next]) continue;
      Planted p;
      p.line = static_cast<int64_t>(i) + 1;
      p.op_index = InvokeIndex(rec.call, i);
      if (o_.workload == "bank") {
        PlantBank(next, c, &p);
      } else {
        PlantCounter(next, c, lower[rec.call], invoked, &p);
      }
      out.push_back(p);
      ++next;
    }
    return out;
  }

 private:
  int64_t InvokeIndex(uint32_t call, size_t completion) const {
    for (size_t j = completion; j-- > 0;) {
      if (records_[j].call == call) return static_cast<int64_t>(j);
    }
    return -1;
  }

  void PlantBank(size_t n, const Call& c, Planted* p) {
    int64_t* b = &sim_.snapshots_[c.slot];
    const int64_t a = rng_.Uniform(o_.accounts), to = (a + 1) % o_.accounts;
    if (n % 2 == 0) {  // money created out of nothing
      const int64_t extra = 1 + rng_.Uniform(5);
      b[a] += extra;
      p->kind = "wrong-total";
      p->what = "account " + std::to_string(a) + " shows " + std::to_string(extra) + " extra";
    } else {  // overdrawn, with the total intact
      const int64_t moved = b[a] + 1 + rng_.Uniform(3);
      b[a] -= moved;
      b[to] += moved;
      p->kind = "negative";
      p->what = "account " + std::to_string(a) + " shows " + std::to_string(b[a]);
    }
  }

  void PlantCounter(size_t n, Call& c, int64_t lower, int64_t upper, Planted* p) {
    if (n % 2 == 0 || lower == 0) {  // counts adds nobody had invoked yet
      c.amount = upper + 1 + rng_.Uniform(3);
      p->kind = "out-of-bounds";
      p->what =
          "read " + std::to_string(c.amount) + " above its upper bound " + std::to_string(upper);
    } else {  // misses acknowledged adds (a stale read: an error if linearizable)
      c.amount = std::max<int64_t>(0, lower - 1 - rng_.Uniform(3));
      p->kind = "out-of-bounds";
      p->what =
          "read " + std::to_string(c.amount) + " below its lower bound " + std::to_string(lower);
    }
  }

  const Options& o_;
  Random& rng_;
  Simulation& sim_;
  const std::vector<Record>& records_;
};

void AppendLine(const Options& o, int64_t index, const Record& r, const Call& c,
                const std::vector<int64_t>& snapshots, std::string* out) {
  static const char* kType[] = {"ok", "fail", "info"};
  const bool bank = o.workload == "bank";
  *out += "{\"index\":" + std::to_string(index) +
          ",\"time\":" + std::to_string(r.completion ? c.complete : c.invoke) +
          ",\"process\":" + std::to_string(c.process) + ",\"type\":\"" +
          (r.completion ? kType[static_cast<int>(c.outcome)] : "invoke") + "\",\"f\":\"" +
          (c.read ? "read"
           : bank ? "transfer"
                  : "add") +
          "\",\"value\":";
  if (!c.read) {
    *out += bank ? "{\"from\":" + std::to_string(c.a) + ",\"to\":" + std::to_string(c.b) +
                       ",\"amount\":" + std::to_string(c.amount) + "}"
                 : std::to_string(c.amount);
  } else if (!r.completion || c.outcome != Outcome::kOk) {
    *out += "null";
  } else if (bank) {
    for (int64_t a = 0; a < o.accounts; ++a) {
      *out +=
          (a ? ",\"" : "{\"") + std::to_string(a) + "\":" + std::to_string(snapshots[c.slot + a]);
    }
    *out += "}";
  } else {
    *out += std::to_string(c.amount);
  }
  if (c.final) *out += ",\"final\":true";
  if (c.final && r.completion) *out += ",\"node\":\"n" + std::to_string(c.slot + 1) + "\"";
  if (r.completion && c.outcome == Outcome::kInfo) *out += ",\"error\":\"timed out\"";
  *out += "}\n";
}

int Write(const Options& o, const Simulation& sim, const std::vector<Record>& records) {
  FILE* f = std::fopen(o.out.c_str(), "w");
  if (!f) {
    std::fprintf(stderr, "gen_invariant_history: %s: cannot open: %s\n", o.out.c_str(),
                 std::strerror(errno));
    return 1;
  }
  std::string buf;
  for (size_t i = 0; i < records.size(); ++i) {
    AppendLine(o, static_cast<int64_t>(i), records[i], sim.calls_[records[i].call], sim.snapshots_,
               &buf);
    if (buf.size() > (1 << 20)) {
      std::fwrite(buf.data(), 1, buf.size(), f);
      buf.clear();
    }
  }
  std::fwrite(buf.data(), 1, buf.size(), f);
  const bool failed = std::ferror(f) != 0;
  if (std::fclose(f) != 0 || failed) {
    std::fprintf(stderr, "gen_invariant_history: %s: write failed\n", o.out.c_str());
    return 1;
  }
  return 0;
}

int WriteSidecar(const Options& o, const std::vector<Planted>& planted) {
  const std::string path = o.out + ".anomalies";
  FILE* f = std::fopen(path.c_str(), "w");
  if (!f) {
    std::fprintf(stderr, "gen_invariant_history: %s: cannot open\n", path.c_str());
    return 1;
  }
  std::fprintf(f, "# op_index (the read's invoke)\tkind\tline (its completion)\twhat\n");
  for (const Planted& p : planted) {
    std::fprintf(f, "%" PRId64 "\t%s\t%" PRId64 "\t%s\n", p.op_index, p.kind.c_str(), p.line,
                 p.what.c_str());
    std::fprintf(stderr, "planted %s at op %" PRId64 " (line %" PRId64 "): %s\n", p.kind.c_str(),
                 p.op_index, p.line, p.what.c_str());
  }
  return std::fclose(f) == 0 ? 0 : 1;
}

int Generate(const Options& o) {
  Random rng(o.seed);
  Simulation sim(o, &rng);
  sim.Run();
  std::vector<Record> records;
  records.reserve(2 * sim.calls_.size());
  for (uint32_t i = 0; i < sim.calls_.size(); ++i) {
    records.push_back({sim.calls_[i].invoke, i, false});
    records.push_back({sim.calls_[i].complete, i, true});
  }
  std::sort(records.begin(), records.end());
  const std::vector<Planted> planted = Planter(o, &rng, &sim, records).Plant();
  if (int rc = Write(o, sim, records); rc != 0) return rc;
  return WriteSidecar(o, planted);
}

bool ParseArgs(int argc, char** argv, Options* o) {
  const std::pair<const char*, int64_t*> ints[] = {
      {"--ops", &o->ops},     {"--concurrency", &o->concurrency}, {"--accounts", &o->accounts},
      {"--total", &o->total}, {"--final-reads", &o->final_reads}, {"--anomalies", &o->anomalies}};
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string name = argv[i], value = argv[i + 1];
    char* end = nullptr;
    bool known = name == "--out" || name == "--workload";
    if (name == "--out") o->out = value;
    if (name == "--workload") o->workload = value;
    if (name == "--seed") o->seed = std::strtoull(value.c_str(), &end, 10);
    if (name == "--info-rate") o->info_rate = std::strtod(value.c_str(), &end);
    for (auto [flag, p] : ints) {
      if (name == flag) *p = std::strtoll(value.c_str(), &end, 10);
    }
    if (end != nullptr) known = !value.empty() && *end == '\0';
    if (!known) return false;
  }
  return argc % 2 == 1 && !o->out.empty() && (o->workload == "bank" || o->workload == "counter") &&
         o->ops >= 0 && o->concurrency > 0 && o->accounts >= 2 && o->total >= 0 &&
         o->final_reads >= 0 && o->final_reads <= 1000 && o->anomalies >= 0 && o->info_rate >= 0 &&
         o->info_rate <= 1;
}

}  // namespace
}  // namespace faultline::bench

int main(int argc, char** argv) {
  faultline::bench::Options o;
  if (!faultline::bench::ParseArgs(argc, argv, &o)) {
    std::fprintf(stderr,
                 "usage: gen_invariant_history --workload bank|counter --out FILE\n"
                 "  [--ops 1000000] [--concurrency 20] [--info-rate 0.02] [--anomalies 3]\n"
                 "  [--seed 1] [--accounts 10] [--total 1000] (bank) [--final-reads 5] (counter)\n"
                 "Writes FILE (JSON Lines) and FILE.anomalies (the planted bad reads).\n");
    return 2;
  }
  return faultline::bench::Generate(o);
}
