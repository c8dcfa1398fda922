// gen_register_history: writes a synthetic cas-register history with independent keys
// (ARCHITECTURE §3 JSON Lines), simulated from a real linearizable register per key, with one
// injected anomaly in a chosen fraction of the keys; FILE.anomalies lists those keys.
// --format edn writes the same history as Jepsen does instead: one EDN vector of op maps, one
// map per line, {:type :invoke, :f :cas, :value [17 [1 4]], :process 3, :time 123, :index 0},
// the values as jepsen.independent [key value] tuples with integer keys (named "17", not "r17",
// in FILE.anomalies).
// A single-threaded program; every random choice comes from --seed.
#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <numeric>
#include <optional>
#include <queue>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "bench/register_anomalies.h"
#include "bench/register_sim.h"

namespace faultline::bench {
namespace {

constexpr int64_t kMinLatency = 50'000;   // ns, each half of a call
constexpr double kMeanLatency = 400'000;  // ns, on top of the minimum
constexpr double kMeanThink = 100'000;    // ns between a worker's calls
constexpr int64_t kTimeout = 10'000'000;  // ns until a call ends in info

struct Options {
  int64_t ops = 1000000;  // calls (an invoke and its completion each)
  int64_t keys = 10000;
  int64_t concurrency = 20;    // workers on one key at a time
  int64_t parallel_keys = 10;  // keys worked on at the same time (Jepsen's thread groups)
  double info_rate = 0.02;
  double invalid_fraction = 0.5;
  uint64_t seed = 1;
  bool unique_values = true;
  bool edn = false;  // --format edn: Jepsen's EDN instead of JSON Lines
  std::string out;
};

// A group of `concurrency` workers that moves from key to key, like jepsen.independent's
// concurrent-generator. A worker whose call ends in info continues as process + stride.
struct Group {
  int64_t clock = 0;
  std::vector<int64_t> process;
};

// Simulates `n` calls on one fresh register starting at g->clock; advances the clock.
class KeySimulation {
 public:
  KeySimulation(const Options& o, Random* rng, Group* g, int64_t stride)
      : o_(o), rng_(*rng), g_(*g), stride_(stride) {}

  std::vector<SimOp> Run(int64_t n) {
    budget_ = n;
    for (size_t w = 0; w < g_.process.size(); ++w) {
      Push(g_.clock + Exponential(rng_, kMeanThink), kInvoke, w);
    }
    int64_t end = g_.clock;
    while (!events_.empty()) {
      auto [t, seq, kind, id] = events_.top();
      events_.pop();
      if (kind == kInvoke) Invoke(t, id);
      if (kind == kTakeEffect) TakeEffect(t, ops_[id], static_cast<int32_t>(id));
      if (kind == kComplete) end = std::max(end, Complete(t, id));
    }
    g_.clock = end + 1 + Exponential(rng_, kMeanThink);
    return std::move(ops_);
  }

 private:
  enum Kind { kInvoke, kTakeEffect, kComplete };  // kInvoke names a worker, the others a call
  using Event = std::tuple<int64_t, uint64_t, Kind, size_t>;  // time, sequence, kind, id
  void Push(int64_t t, Kind kind, size_t id) { events_.push({t, seq_++, kind, id}); }
  int64_t Latency() { return kMinLatency + Exponential(rng_, kMeanLatency); }
  int64_t NewValue() { return o_.unique_values ? ++last_value_ : rng_.Uniform(5); }

  void Invoke(int64_t t, size_t worker) {
    if (budget_ == 0) return;
    --budget_;
    SimOp op;
    op.process = g_.process[worker];
    op.invoke = t;
    const int64_t dice = rng_.Uniform(4);
    op.f = dice < 2 ? F::kRead : dice == 2 ? F::kWrite : F::kCas;
    if (op.f == F::kWrite) op.a = NewValue();
    if (op.f == F::kCas) {
      op.a = ExpectedValue();
      op.b = NewValue();
    }
    const size_t id = ops_.size();
    if (rng_.OneIn(o_.info_rate)) {  // timed out: took effect (later, maybe) or never
      op.outcome = Outcome::kInfo;
      op.complete = t + kTimeout;
      if (op.f != F::kRead && rng_.OneIn(0.5)) {
        Push(t + 1 + rng_.Uniform(2 * kTimeout), kTakeEffect, id);
      }
    } else {
      const int64_t lin = t + Latency();
      op.complete = lin + Latency();
      Push(lin, kTakeEffect, id);
    }
    Push(op.complete, kComplete, id);
    worker_of_.push_back(worker);
    ops_.push_back(op);
  }

  // What a cas expects: mostly the value now (as a client that just read it), sometimes
  // one written a little earlier. Jepsen's own cas-register picks at random from 0..4.
  int64_t ExpectedValue() {
    if (!o_.unique_values) return rng_.Uniform(5);
    if (written_.empty() || rng_.OneIn(0.7)) return state_;
    const size_t back = std::min<size_t>(written_.size(), 8);
    return written_[written_.size() - 1 - rng_.Uniform(back)];
  }

  void TakeEffect(int64_t t, SimOp& op, int32_t id) {
    op.lin = t;
    op.before = state_;
    if (op.f == F::kRead) {
      op.a = state_;
      op.source = source_;
    } else if (op.f == F::kWrite || state_ == op.a) {
      if (op.f == F::kCas) op.source = source_;
      state_ = op.f == F::kWrite ? op.a : op.b;
      source_ = id;
      written_.push_back(state_);
    } else if (op.outcome != Outcome::kInfo) {
      op.outcome = Outcome::kFail;  // the compare failed
    }
  }

  int64_t Complete(int64_t t, size_t id) {
    const size_t w = worker_of_[id];
    if (ops_[id].outcome == Outcome::kInfo) g_.process[w] += stride_;
    Push(t + 1 + Exponential(rng_, kMeanThink), kInvoke, w);
    return t;
  }

  const Options& o_;
  Random& rng_;
  Group& g_;
  const int64_t stride_;
  std::priority_queue<Event, std::vector<Event>, std::greater<Event>> events_;
  uint64_t seq_ = 0;
  int64_t budget_ = 0;
  int64_t state_ = kNil;
  int32_t source_ = -1;
  int64_t last_value_ = 0;
  std::vector<int64_t> written_;
  std::vector<SimOp> ops_;
  std::vector<size_t> worker_of_;
};

// ---- Output ----

// One line of the file: a call's invoke or completion.
struct Record {
  int64_t time;
  uint32_t key, op;
  bool completion;
  bool operator<(const Record& o) const {
    return std::tie(time, key, op, completion) < std::tie(o.time, o.key, o.op, o.completion);
  }
};

void AppendValue(int64_t v, std::string* out) { *out += v == kNil ? "null" : std::to_string(v); }

void AppendEdnValue(int64_t v, std::string* out) { *out += v == kNil ? "nil" : std::to_string(v); }

// The same record as AppendLine, as a Jepsen EDN op map with a jepsen.independent tuple.
void AppendEdnLine(int64_t index, const Record& e, const SimOp& op, std::string* out) {
  static const char* kF[] = {"read", "write", "cas"};
  static const char* kType[] = {"ok", "fail", "info"};
  const bool info = e.completion && op.outcome == Outcome::kInfo;
  *out += std::string("{:type :") +
          (e.completion ? kType[static_cast<int>(op.outcome)] : "invoke") +
          ", :f :" + kF[static_cast<int>(op.f)] + ", :value [" + std::to_string(e.key) + ' ';
  if (op.f == F::kCas) {
    *out += '[';
    AppendEdnValue(op.a, out);
    *out += ' ';
    AppendEdnValue(op.b, out);
    *out += ']';
  } else if (op.f == F::kWrite || (e.completion && !info)) {
    AppendEdnValue(op.a, out);
  } else {
    *out += "nil";
  }
  *out += "], :process " + std::to_string(op.process) + ", :time " +
          std::to_string(e.completion ? op.complete : op.invoke) + ", :index " +
          std::to_string(index);
  if (info) *out += ", :error :timed-out";
  *out += "}\n";
}

void AppendLine(int64_t index, const Record& e, const SimOp& op, std::string* out) {
  static const char* kF[] = {"read", "write", "cas"};
  static const char* kType[] = {"ok", "fail", "info"};
  const bool info = e.completion && op.outcome == Outcome::kInfo;
  *out += "{\"index\":" + std::to_string(index) +
          ",\"time\":" + std::to_string(e.completion ? op.complete : op.invoke) +
          ",\"process\":" + std::to_string(op.process) + ",\"type\":\"" +
          (e.completion ? kType[static_cast<int>(op.outcome)] : "invoke") + "\",\"f\":\"" +
          kF[static_cast<int>(op.f)] + "\",\"key\":\"r" + std::to_string(e.key) + "\",\"value\":";
  if (op.f == F::kCas) {
    *out += '[';
    AppendValue(op.a, out);
    *out += ',';
    AppendValue(op.b, out);
    *out += ']';
  } else if (op.f == F::kWrite || (e.completion && !info)) {
    AppendValue(op.a, out);
  } else {
    *out += "null";
  }
  if (info) *out += ",\"error\":\"timed out\"";
  *out += "}\n";
}

int Write(const Options& o, const std::vector<std::vector<SimOp>>& keys,
          std::vector<std::optional<Injected>>* injected) {
  std::vector<Record> events;
  for (uint32_t k = 0; k < keys.size(); ++k) {
    for (uint32_t i = 0; i < keys[k].size(); ++i) {
      events.push_back({keys[k][i].invoke, k, i, false});
      events.push_back({keys[k][i].complete, k, i, true});
    }
  }
  std::sort(events.begin(), events.end());
  FILE* f = std::fopen(o.out.c_str(), "w");
  if (!f) {
    std::fprintf(stderr, "gen_register_history: %s: cannot open: %s\n", o.out.c_str(),
                 std::strerror(errno));
    return 1;
  }
  std::string buf = o.edn ? "[\n" : "";  // EDN: "[" and "]" on lines of their own
  for (size_t i = 0; i < events.size(); ++i) {
    const Record& e = events[i];
    (o.edn ? AppendEdnLine : AppendLine)(static_cast<int64_t>(i), e, keys[e.key][e.op], &buf);
    auto& inj = (*injected)[e.key];
    if (inj && e.completion && inj->op == e.op) inj->line = static_cast<int64_t>(i) + 1 + o.edn;
    if (buf.size() > (1 << 20)) {
      std::fwrite(buf.data(), 1, buf.size(), f);
      buf.clear();
    }
  }
  if (o.edn) buf += "]\n";
  std::fwrite(buf.data(), 1, buf.size(), f);
  const bool failed = std::ferror(f) != 0;
  if (std::fclose(f) != 0 || failed) {
    std::fprintf(stderr, "gen_register_history: %s: write failed\n", o.out.c_str());
    return 1;
  }
  return 0;
}

int WriteSidecar(const Options& o, const std::vector<std::optional<Injected>>& injected) {
  const std::string path = o.out + ".anomalies";
  FILE* f = std::fopen(path.c_str(), "w");
  if (!f) {
    std::fprintf(stderr, "gen_register_history: %s: cannot open\n", path.c_str());
    return 1;
  }
  std::fprintf(f, "# key\tanomaly\tline\twhat (one injected anomaly per listed key)\n");
  size_t counts[4] = {0, 0, 0, 0};
  for (size_t k = 0; k < injected.size(); ++k) {
    if (!injected[k]) continue;
    const Injected& in = *injected[k];
    ++counts[static_cast<int>(in.kind)];
    std::fprintf(f, "%s%zu\t%s\t%" PRId64 "\t%s\n", o.edn ? "" : "r", k, AnomalyName(in.kind),
                 in.line, in.what.c_str());
    std::fprintf(stderr, "anomaly r%zu %s at line %" PRId64 ": %s\n", k, AnomalyName(in.kind),
                 in.line, in.what.c_str());
  }
  std::fprintf(stderr,
               "gen_register_history: %zu invalid keys (%zu stale-read, %zu lost-write, "
               "%zu phantom-read, %zu impossible-cas), listed in %s\n",
               counts[0] + counts[1] + counts[2] + counts[3], counts[0], counts[1], counts[2],
               counts[3], path.c_str());
  return std::fclose(f) == 0 ? 0 : 1;
}

int Generate(const Options& o) {
  Random rng(o.seed);
  const int64_t stride = o.parallel_keys * o.concurrency;
  std::vector<Group> groups(o.parallel_keys);
  for (int64_t g = 0; g < o.parallel_keys; ++g) {
    groups[g].clock = g * 137'000;  // stagger the groups a little
    for (int64_t w = 0; w < o.concurrency; ++w) groups[g].process.push_back(g * o.concurrency + w);
  }
  std::vector<std::vector<SimOp>> keys(o.keys);
  for (int64_t k = 0; k < o.keys; ++k) {
    const int64_t n = o.ops / o.keys + (k < o.ops % o.keys ? 1 : 0);
    keys[k] = KeySimulation(o, &rng, &groups[k % o.parallel_keys], stride).Run(n);
  }
  std::vector<size_t> order(o.keys);
  std::iota(order.begin(), order.end(), 0);
  for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.Uniform(i)]);
  const auto invalid = static_cast<size_t>(std::llround(o.invalid_fraction * o.keys));
  std::vector<std::optional<Injected>> injected(o.keys);
  for (size_t i = 0; i < invalid; ++i) {
    injected[order[i]] = InjectAnomaly(keys[order[i]], rng, o.unique_values);
    if (!injected[order[i]]) {
      std::fprintf(stderr, "gen_register_history: r%zu: no call fits any anomaly; left valid\n",
                   order[i]);
    }
  }
  if (int rc = Write(o, keys, &injected); rc != 0) return rc;
  return WriteSidecar(o, injected);
}

bool ParseArgs(int argc, char** argv, Options* o) {
  const std::pair<const char*, int64_t*> ints[] = {{"--ops", &o->ops},
                                                   {"--keys", &o->keys},
                                                   {"--concurrency", &o->concurrency},
                                                   {"--parallel-keys", &o->parallel_keys}};
  const std::pair<const char*, double*> reals[] = {{"--info-rate", &o->info_rate},
                                                   {"--invalid-fraction", &o->invalid_fraction}};
  for (int i = 1; i < argc; ++i) {
    std::string name = argv[i], value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    } else if (name != "--no-unique-values" && i + 1 < argc) {
      value = argv[++i];
    }
    char* end = nullptr;
    bool known = name == "--out" || name == "--no-unique-values";
    if (name == "--out") o->out = value;
    if (name == "--format" && (value == "jsonl" || value == "edn")) {
      o->edn = value == "edn";
      known = true;
    }
    if (name == "--no-unique-values") o->unique_values = false;
    if (name == "--unique-values" && (value == "on" || value == "off")) {
      o->unique_values = value == "on";
      known = true;
    }
    if (name == "--seed") o->seed = std::strtoull(value.c_str(), &end, 10);
    for (auto [flag, p] : ints) {
      if (name == flag) *p = std::strtoll(value.c_str(), &end, 10);
    }
    for (auto [flag, p] : reals) {
      if (name == flag) *p = std::strtod(value.c_str(), &end);
    }
    if (end != nullptr) known = !value.empty() && *end == '\0';
    if (!known) return false;
  }
  return !o->out.empty() && o->ops >= 0 && o->keys > 0 && o->concurrency > 0 &&
         o->parallel_keys > 0 && o->info_rate >= 0 && o->info_rate <= 1 &&
         o->invalid_fraction >= 0 && o->invalid_fraction <= 1;
}

}  // namespace
}  // namespace faultline::bench

int main(int argc, char** argv) {
  faultline::bench::Options o;
  if (!faultline::bench::ParseArgs(argc, argv, &o)) {
    std::fprintf(stderr,
                 "usage: gen_register_history --out FILE [--ops 1000000] [--keys 10000]\n"
                 "  [--concurrency 20] [--parallel-keys 10] [--info-rate 0.02]\n"
                 "  [--invalid-fraction 0.5] [--seed 1] [--unique-values on|off]\n"
                 "  [--format jsonl|edn]\n"
                 "Writes FILE (JSON Lines, or Jepsen EDN) and FILE.anomalies (the keys given one\n"
                 "anomaly).\n");
    return 2;
  }
  return faultline::bench::Generate(o);
}
