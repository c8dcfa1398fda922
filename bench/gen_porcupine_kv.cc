// gen_porcupine_kv: writes a synthetic key-value history in Porcupine's kv format (one EDN map
// per line, as in shared/histories/porcupine/kv/*.txt), for timing the EDN reader and the kv
// checker on a large file. A single-threaded program; every random choice comes from --seed.
//
// Usage:
//   gen_porcupine_kv --out FILE [--ops 1000000] [--keys 10000] [--clients-per-key 5]
//                    [--parallel-keys 10] [--mix 50:20:30] [--invalid-fraction 0] [--seed 1]
//
//   --ops               calls; each is two lines (its :invoke and its :ok)
//   --keys              keys "0".."KEYS-1", each with ops/keys calls
//   --clients-per-key   clients working on one key at a time (Porcupine's "c05")
//   --parallel-keys     keys worked on at the same time: groups of clients move from key to
//                       key like jepsen.independent's, so process ids stay small
//   --mix G:P:A         percentages of :get, :put and :append calls
//   --invalid-fraction  fraction of the keys in which one :get returns a string no state ever
//                       held (so that key is certainly not linearizable); 0: the whole history
//                       is linearizable
//
// Values are Porcupine's: a put or append carries "x <process> <n> y" (n counts the client's
// calls); a get returns the key's whole string. Each call takes effect at one instant inside
// its [invoke, ok] interval on a real map, so every key not corrupted is linearizable.
// With the defaults, 1M calls make a 145 MB file (2M lines of 72.5 bytes on average, the
// longest ~300): 50% gets, 20% puts and 30% appends (Porcupine's c50 files: 46%, 4%, 50%, with
// 170 calls on each of 10 keys; more puts keep the strings short over 100 calls per key).
// The keys corrupted are listed on stderr.
#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <numeric>
#include <string>
#include <tuple>
#include <vector>

#include "core/random.h"

namespace faultline::bench {
namespace {

constexpr int64_t kMinLatency = 50'000;   // ns, each half of a call
constexpr double kMeanLatency = 400'000;  // ns, on top of the minimum
constexpr double kMeanThink = 100'000;    // ns between a client's calls

struct Options {
  int64_t ops = 1000000;
  int64_t keys = 10000;
  int64_t clients_per_key = 5;
  int64_t parallel_keys = 10;
  int64_t get_pct = 50, put_pct = 20, append_pct = 30;
  double invalid_fraction = 0;
  uint64_t seed = 1;
  std::string out;
};

enum class Kind : uint8_t { kGet, kPut, kAppend };

// One call on one key. invoke < lin < complete (ns).
struct Call {
  int64_t invoke = 0, lin = 0, complete = 0;
  int64_t process = 0;
  Kind kind = Kind::kGet;
  std::string value;  // put/append: the argument; get: the string returned
};

int64_t Exponential(Random& rng, double mean) {
  return static_cast<int64_t>(-std::log(1 - rng.UniformDouble()) * mean);
}

int64_t Latency(Random& rng) { return kMinLatency + Exponential(rng, kMeanLatency); }

// Simulates `n` calls on one fresh key by the clients `first_process`.. starting at *clock;
// advances *clock past the last completion.
std::vector<Call> SimulateKey(const Options& o, int64_t n, int64_t first_process,
                              std::vector<int64_t>* seq, Random& rng, int64_t* clock) {
  std::vector<Call> calls;
  std::vector<int64_t> free_at(o.clients_per_key, *clock);
  for (int64_t i = 0; i < n; ++i) {
    // The client free first takes the next call, as a closed-loop worker would.
    const auto c =
        static_cast<size_t>(std::min_element(free_at.begin(), free_at.end()) - free_at.begin());
    Call call;
    call.process = first_process + static_cast<int64_t>(c);
    call.invoke = free_at[c] + 1 + Exponential(rng, kMeanThink);
    call.lin = call.invoke + Latency(rng);
    call.complete = call.lin + Latency(rng);
    free_at[c] = call.complete;
    const int64_t dice = static_cast<int64_t>(rng.Uniform(100));
    call.kind = dice < o.get_pct               ? Kind::kGet
                : dice < o.get_pct + o.put_pct ? Kind::kPut
                                               : Kind::kAppend;
    if (call.kind != Kind::kGet) {
      call.value =
          "x " + std::to_string(call.process) + " " + std::to_string((*seq)[call.process]++) + " y";
    }
    calls.push_back(std::move(call));
  }
  // Apply the calls to the key's string in the order they take effect.
  std::vector<size_t> order(calls.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return std::tie(calls[a].lin, a) < std::tie(calls[b].lin, b);
  });
  std::string state;
  for (size_t i : order) {
    Call& c = calls[i];
    if (c.kind == Kind::kGet) c.value = state;
    if (c.kind == Kind::kPut) state = c.value;
    if (c.kind == Kind::kAppend) state += c.value;
  }
  for (const Call& c : calls) *clock = std::max(*clock, c.complete);
  *clock += 1 + Exponential(rng, kMeanThink);
  return calls;
}

// Makes one get in `calls` return a string no state held; false if the key has no get.
bool Corrupt(std::vector<Call>* calls, Random& rng) {
  std::vector<size_t> gets;
  for (size_t i = 0; i < calls->size(); ++i) {
    if ((*calls)[i].kind == Kind::kGet) gets.push_back(i);
  }
  if (gets.empty()) return false;
  // No client is process -1, so no put or append ever wrote this piece.
  (*calls)[gets[rng.Uniform(gets.size())]].value += "x -1 0 y";
  return true;
}

// One line of the file: a call's invoke or its completion.
struct Record {
  int64_t time;
  uint32_t key, call;
  bool completion;
  bool operator<(const Record& o) const {
    return std::tie(time, key, call, completion) < std::tie(o.time, o.key, o.call, o.completion);
  }
};

void AppendLine(const Record& r, const Call& c, std::string* out) {
  static const char* kF[] = {"get", "put", "append"};
  *out += "{:process " + std::to_string(c.process) + ", :type " +
          (r.completion ? ":ok" : ":invoke") + ", :f :" + kF[static_cast<int>(c.kind)] +
          ", :key \"" + std::to_string(r.key) + "\", :value ";
  if (c.kind == Kind::kGet && !r.completion) {
    *out += "nil";
  } else {
    *out += '"' + c.value + '"';  // "x <p> <n> y" pieces: nothing to escape
  }
  *out += "}\n";
}

int Write(const Options& o, const std::vector<std::vector<Call>>& keys) {
  std::vector<Record> records;
  for (uint32_t k = 0; k < keys.size(); ++k) {
    for (uint32_t i = 0; i < keys[k].size(); ++i) {
      records.push_back({keys[k][i].invoke, k, i, false});
      records.push_back({keys[k][i].complete, k, i, true});
    }
  }
  std::sort(records.begin(), records.end());
  FILE* f = std::fopen(o.out.c_str(), "w");
  if (!f) {
    std::fprintf(stderr, "gen_porcupine_kv: %s: cannot open: %s\n", o.out.c_str(),
                 std::strerror(errno));
    return 1;
  }
  std::string buf;
  for (const Record& r : records) {
    AppendLine(r, keys[r.key][r.call], &buf);
    if (buf.size() > (1 << 20)) {
      std::fwrite(buf.data(), 1, buf.size(), f);
      buf.clear();
    }
  }
  std::fwrite(buf.data(), 1, buf.size(), f);
  const bool failed = std::ferror(f) != 0;
  if (std::fclose(f) != 0 || failed) {
    std::fprintf(stderr, "gen_porcupine_kv: %s: write failed\n", o.out.c_str());
    return 1;
  }
  return 0;
}

int Generate(const Options& o) {
  Random rng(o.seed);
  std::vector<int64_t> clocks(o.parallel_keys);
  for (int64_t g = 0; g < o.parallel_keys; ++g) clocks[g] = g * 137'000;  // stagger the groups
  std::vector<int64_t> seq(o.parallel_keys * o.clients_per_key, 0);
  std::vector<std::vector<Call>> keys(o.keys);
  for (int64_t k = 0; k < o.keys; ++k) {
    const int64_t n = o.ops / o.keys + (k < o.ops % o.keys ? 1 : 0);
    const int64_t g = k % o.parallel_keys;
    keys[k] = SimulateKey(o, n, g * o.clients_per_key, &seq, rng, &clocks[g]);
  }
  const auto invalid = static_cast<int64_t>(std::llround(o.invalid_fraction * o.keys));
  std::vector<size_t> order(o.keys);
  std::iota(order.begin(), order.end(), 0);
  for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.Uniform(i)]);
  int64_t corrupted = 0;
  for (int64_t i = 0; i < invalid; ++i) {
    if (Corrupt(&keys[order[i]], rng)) {
      ++corrupted;
      std::fprintf(stderr, "gen_porcupine_kv: key \"%zu\" has a get no state explains\n", order[i]);
    }
  }
  if (invalid > 0) {
    std::fprintf(stderr, "gen_porcupine_kv: %" PRId64 " keys not linearizable\n", corrupted);
  }
  return Write(o, keys);
}

bool ParseMix(const std::string& s, Options* o) {
  return std::sscanf(s.c_str(), "%" SCNd64 ":%" SCNd64 ":%" SCNd64, &o->get_pct, &o->put_pct,
                     &o->append_pct) == 3 &&
         o->get_pct >= 0 && o->put_pct >= 0 && o->append_pct >= 0 &&
         o->get_pct + o->put_pct + o->append_pct == 100;
}

bool ParseArgs(int argc, char** argv, Options* o) {
  const std::pair<const char*, int64_t*> ints[] = {{"--ops", &o->ops},
                                                   {"--keys", &o->keys},
                                                   {"--clients-per-key", &o->clients_per_key},
                                                   {"--parallel-keys", &o->parallel_keys}};
  for (int i = 1; i < argc; ++i) {
    std::string name = argv[i], value;
    if (auto eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    } else if (i + 1 < argc) {
      value = argv[++i];
    }
    char* end = nullptr;
    bool known = name == "--out" || name == "--mix";
    if (name == "--out") o->out = value;
    if (name == "--mix" && !ParseMix(value, o)) return false;
    if (name == "--seed") o->seed = std::strtoull(value.c_str(), &end, 10);
    if (name == "--invalid-fraction") o->invalid_fraction = std::strtod(value.c_str(), &end);
    for (auto [flag, p] : ints) {
      if (name == flag) *p = std::strtoll(value.c_str(), &end, 10);
    }
    if (end != nullptr) known = !value.empty() && *end == '\0';
    if (!known) return false;
  }
  return !o->out.empty() && o->ops >= 0 && o->keys > 0 && o->clients_per_key > 0 &&
         o->parallel_keys > 0 && o->invalid_fraction >= 0 && o->invalid_fraction <= 1;
}

}  // namespace
}  // namespace faultline::bench

int main(int argc, char** argv) {
  faultline::bench::Options o;
  if (!faultline::bench::ParseArgs(argc, argv, &o)) {
    std::fprintf(stderr,
                 "usage: gen_porcupine_kv --out FILE [--ops 1000000] [--keys 10000]\n"
                 "  [--clients-per-key 5] [--parallel-keys 10] [--mix GET:PUT:APPEND]\n"
                 "  [--invalid-fraction 0] [--seed 1]\n");
    return 2;
  }
  return faultline::bench::Generate(o);
}
