// make_report_fixture KIND DIR: writes a small deterministic run folder (test.json and
// history.jsonl) for the browser test, as `faultline test` would: 5 clients on a register
// per key, faults by process "nemesis". KIND "valid" simulates an atomic register; "invalid"
// makes one read during a kill return the value a completed write had already replaced (a
// stale read). test.json carries a password option the report must not show.
// A single-threaded program; every choice comes from a fixed seed.
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <queue>
#include <string>
#include <vector>

#include "core/random.h"

namespace faultline {
namespace {

constexpr int kClients = 5;
constexpr int kKeys = 4;
constexpr int kOpsPerKey = 60;
constexpr const char* kSecret = "fixture-secret-hunter2";

struct Write {
  int64_t value, invoke, done;
};

struct Register {
  int64_t value = -1;         // -1: empty (null)
  std::vector<Write> writes;  // every write and successful cas, in effect order

  // A value that a read invoked at `t` must not return: written by W1, then overwritten by
  // W2 invoked after W1 completed and completed before t. -1 when there is none yet.
  int64_t Stale(int64_t t) const {
    for (size_t b = writes.size(); b-- > 0;) {
      if (writes[b].done >= t) continue;
      for (size_t a = b; a-- > 0;) {
        if (writes[a].done < writes[b].invoke) return writes[a].value;
      }
    }
    return -1;
  }
};

class Simulation {
 public:
  Simulation(bool stale, std::ofstream* out) : stale_(stale), out_(*out), rng_(7) {}

  void Run() {
    for (int c = 0; c < kClients; ++c) process_[c] = c;
    for (int key = 0; key < kKeys; ++key) RunKey(key);
  }

 private:
  struct Pending {
    int64_t time;
    int client;
    bool operator>(const Pending& o) const { return time > o.time; }
  };

  void RunKey(int key) {
    std::priority_queue<Pending, std::vector<Pending>, std::greater<>> next;
    clock_ = std::max(clock_, last_end_);  // every client has finished the previous key
    for (int c = 0; c < kClients; ++c) next.push({clock_ + int64_t(rng_.Uniform(300'000)), c});
    for (int done = 0; done < kOpsPerKey; ++done) {
      Pending p = next.top();
      next.pop();
      clock_ = std::max(clock_, p.time);
      const int64_t end = Op(key, p.client, p.time);
      last_end_ = std::max(last_end_, end);
      next.push({end + 50'000 + int64_t(rng_.Uniform(400'000)), p.client});
    }
    while (!next.empty()) next.pop();
  }

  // One op from invoke to completion; returns its completion time. The effect happens at
  // the invoke (ops of one client never overlap, and lines are written in time order
  // through Line, which sorts).
  int64_t Op(int key, int client, int64_t t) {
    Register& r = reg_[key];
    const int64_t latency = 200'000 + int64_t(rng_.Uniform(2'500'000));
    const uint64_t pick = rng_.Uniform(10);
    const std::string k = std::to_string(key);
    const std::string node = "n" + std::to_string(client + 1);
    const int64_t p = process_[client];
    const bool info = rng_.OneIn(0.02);
    MaybeFault(t);
    if (pick < 4) {  // read
      int64_t seen = r.value;
      if (stale_ && !stale_done_ && killed_ && r.Stale(t) >= 0) {
        seen = r.Stale(t);  // served by a node that missed the later writes
        stale_done_ = true;
      }
      Emit(t, p, "invoke", "read", k, nullptr, node);
      Emit(t + latency, p, info ? "info" : "ok", "read", k, info ? nlohmann::json() : Val(seen),
           node);
    } else if (pick < 8) {  // write
      const int64_t v = ++counter_;
      Emit(t, p, "invoke", "write", k, v, node);
      Emit(t + latency, p, info ? "info" : "ok", "write", k, v, node);
      r.value = v;
      r.writes.push_back({v, t, t + latency});
    } else {  // cas from the current value (ok) or a stale guess (fail)
      const bool hit = rng_.OneIn(0.6) && r.value >= 0;
      const int64_t expected = hit ? r.value : r.value + 1000, v = ++counter_;
      const nlohmann::json arg = {expected, v};
      Emit(t, p, "invoke", "cas", k, arg, node);
      Emit(t + latency, p, hit ? (info ? "info" : "ok") : "fail", "cas", k, arg, node);
      if (hit) {
        r.value = v;
        r.writes.push_back({v, t, t + latency});
      }
    }
    if (info) process_[client] += kClients;  // a retired process; the worker goes on as another
    return t + latency;
  }

  void MaybeFault(int64_t t) {
    static constexpr int64_t kKillAt = 40'000'000, kStartAt = 75'000'000;
    if (!killed_ && !restarted_ && t >= kKillAt) {
      killed_ = true;
      EmitNemesis(t, "kill", stale_ ? "n1" : "n3");
    } else if (killed_ && t >= kStartAt) {
      killed_ = false;
      restarted_ = true;
      EmitNemesis(t, "start", stale_ ? "n1" : "n3");
    }
  }

  static nlohmann::json Val(int64_t v) { return v < 0 ? nlohmann::json() : nlohmann::json(v); }

  void Emit(int64_t t, int64_t p, const char* type, const char* f, const std::string& key,
            const nlohmann::json& value, const std::string& node) {
    nlohmann::json line = {{"time", t}, {"process", p}, {"type", type},
                           {"f", f},    {"key", key},   {"value", value}};
    if (std::strcmp(type, "invoke") != 0) line["node"] = node;
    if (std::strcmp(type, "fail") == 0) line["error"] = "cas-mismatch";
    lines_.emplace(t, line);
  }
  void EmitNemesis(int64_t t, const char* f, const char* node) {
    lines_.emplace(
        t, nlohmann::json{
               {"time", t}, {"process", "nemesis"}, {"type", "info"}, {"f", f}, {"value", node}});
  }

 public:
  // Writes the lines in time order, numbered.
  void Flush() {
    int64_t index = 0;
    for (auto& [t, line] : lines_) {
      line["index"] = index++;
      out_ << line.dump() << "\n";
    }
  }

 private:
  const bool stale_;
  std::ofstream& out_;
  Random rng_;
  std::map<int, Register> reg_;
  std::multimap<int64_t, nlohmann::json> lines_;
  int64_t process_[kClients];
  int64_t clock_ = 1'000'000, last_end_ = 0, counter_ = 0;
  bool killed_ = false, restarted_ = false, stale_done_ = false;
};

}  // namespace
}  // namespace faultline

int main(int argc, char** argv) {
  if (argc != 3 || (std::strcmp(argv[1], "valid") != 0 && std::strcmp(argv[1], "invalid") != 0)) {
    std::fprintf(stderr, "usage: make_report_fixture valid|invalid DIR\n");
    return 3;
  }
  const bool invalid = std::strcmp(argv[1], "invalid") == 0;
  const std::filesystem::path dir(argv[2]);
  std::filesystem::create_directories(dir);
  const nlohmann::json test = {{"name", invalid ? "fixture-invalid" : "fixture-valid"},
                               {"db", "builtin"},
                               {"workload", "register"},
                               {"cluster", "processes"},
                               {"nodes", 5},
                               {"concurrency", faultline::kClients},
                               {"time_limit", 1.0},
                               {"rate", 0.0},
                               {"seed", 7},
                               {"op_timeout", 1.0},
                               {"ops_per_key", faultline::kOpsPerKey},
                               {"nemesis", {"kill"}},
                               {"nemesis_interval", 1.0},
                               {"recovery", 0.0},
                               {"replication", "primary"},
                               {"r", 0},
                               {"w", 0},
                               {"db_password", faultline::kSecret}};
  std::ofstream(dir / "test.json") << test.dump(2) << "\n";
  std::ofstream history(dir / "history.jsonl");
  faultline::Simulation sim(invalid, &history);
  sim.Run();
  sim.Flush();
  return history ? 0 : 1;
}
