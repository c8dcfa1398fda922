// Random tiny histories for the differential test: a simulated object run by 1–4 concurrent
// processes (each op takes effect at a random moment between its invoke and completion, some
// end in info and may still take effect later, some never complete), then usually one or
// two corrupted results, so both valid and invalid histories come out. Deterministic for a
// given std::mt19937_64 state. Not thread-safe.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/history.h"

namespace faultline::generator {

struct GenOptions {
  std::string model;    // register, cas-register, etcd, kv, mutex
  bool unique = false;  // every write/cas/put/append argument distinct
  int keys = 1;         // 1 or 2 (ops without a "key" field when 1)
  int max_ops = 9;
  std::optional<int64_t> initial;  // register models
};

class Generator {
 public:
  Generator(std::mt19937_64* rng, GenOptions o) : rng_(*rng), o_(std::move(o)) {}

  std::vector<Op> Run();

 private:
  struct Open {
    size_t invoke = 0;  // index in ops_
    bool applied = false;
    bool failed = false;  // applied as "did not happen" (cas compare failed, mutex refused)
    Value result;         // read/get result
  };

  bool Chance(double p) { return std::uniform_real_distribution<double>(0, 1)(rng_) < p; }
  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  Value RegisterValue(bool allow_nil);
  Value FreshValue();
  Op NewOp(int64_t process);
  void Apply(Open* o);
  void Complete(size_t slot);
  void ApplyGhost();
  void Corrupt();
  Value& StateOf(const Op& op) { return state_[op.key ? op.key->back() - 'a' : 0]; }

  std::mt19937_64& rng_;
  GenOptions o_;
  std::vector<Op> ops_;
  std::vector<std::optional<Open>> slots_;  // one per worker; nullopt: idle
  std::vector<int64_t> process_;            // per worker: its current process id
  std::vector<Open> ghosts_;                // ended in info, not yet applied
  std::vector<Value> state_;                // per key; mutex: Bool
  std::vector<Value> written_;              // every argument written so far
  int64_t next_process_ = 0;
  int fresh_ = 0;
};

inline Value Generator::RegisterValue(bool allow_nil) {
  if (allow_nil && Chance(0.15)) return Value();
  return Value::Int(Pick(3));
}

inline Value Generator::FreshValue() {
  ++fresh_;
  if (o_.model != "kv") return Value::Int(fresh_);
  // Mostly one letter each; now and then a longer token so a get can split two ways.
  static const char* kTokens[] = {"a",  "b",  "c",  "d", "e", "f",  "g", "h", "i",
                                  "ab", "bc", "xy", "y", "x", "ca", "j", "k", "l"};
  for (int attempt = 0; attempt < 20; ++attempt) {
    Value v = Value::String(kTokens[Pick(Chance(0.8) ? 9 : 18)]);
    if (std::find(written_.begin(), written_.end(), v) == written_.end()) return v;
  }
  return Value::String("z" + std::to_string(fresh_) + ";");  // the pool ran out
}

inline Op Generator::NewOp(int64_t process) {
  Op op;
  op.process = process;
  op.type = OpType::kInvoke;
  if (o_.keys > 1) op.key = std::string(1, static_cast<char>('a' + Pick(o_.keys)));
  const std::string& m = o_.model;
  if (m == "mutex") {
    op.f = Chance(0.5) ? "acquire" : "release";
  } else if (m == "kv") {
    const int f = Pick(10);
    op.f = f < 4 ? "get" : f < 6 ? "put" : "append";
    static const char* kSmall[] = {"x", "y", "xy"};
    if (op.f != "get") op.value = o_.unique ? FreshValue() : Value::String(kSmall[Pick(3)]);
  } else {
    const int f = Pick(m == "register" ? 2 : 3);
    op.f = f == 0 ? "read" : f == 1 ? "write" : "cas";
    if (op.f == "write") op.value = o_.unique ? FreshValue() : RegisterValue(true);
    if (op.f == "cas") {
      Value expected = RegisterValue(true);
      if (o_.unique) {
        expected = Chance(0.5) || written_.empty() ? StateOf(op) : written_[Pick(written_.size())];
      }
      op.value = Value::MakeList({expected, o_.unique ? FreshValue() : RegisterValue(true)});
    }
  }
  if (op.f == "write" || op.f == "put" || op.f == "append") written_.push_back(op.value);
  if (op.f == "cas") written_.push_back(op.value.as_list()[1]);
  return op;
}

// The op takes effect now (or is refused, and then did not happen).
inline void Generator::Apply(Open* o) {
  o->applied = true;
  const Op& op = ops_[o->invoke];
  Value& s = StateOf(op);
  if (op.f == "read" || op.f == "get") {
    o->result = s;
  } else if (op.f == "write" || op.f == "put") {
    s = op.value;
  } else if (op.f == "append") {
    s = Value::String(std::string(s.as_string()) + std::string(op.value.as_string()));
  } else if (op.f == "cas") {
    o->failed = !(s == op.value.as_list()[0]);
    if (!o->failed) s = op.value.as_list()[1];
  } else {
    o->failed = s.as_bool() == (op.f == "acquire");
    if (!o->failed) s = Value::Bool(op.f == "acquire");
  }
}

inline bool IsRead(const std::string& f) { return f == "read" || f == "get"; }

// The op in `slot` completes: ok, fail (it did not happen) or info (unknown; if it has not
// taken effect yet it may still do so later, as a ghost). After info the worker gets a new
// process id, as in Jepsen.
inline void Generator::Complete(size_t slot) {
  Open o = *slots_[slot];
  slots_[slot].reset();
  Op done = ops_[o.invoke];
  if (!o.applied && Chance(0.1)) {
    done.type = OpType::kFail;
  } else if (!o.applied && Chance(0.4)) {
    done.type = OpType::kInfo;
    if (!IsRead(done.f)) ghosts_.push_back(o);
  } else {
    if (!o.applied) Apply(&o);
    if (o.failed) {
      done.type = done.f == "cas" || Chance(0.5) ? OpType::kFail : OpType::kInfo;
    } else {
      done.type = Chance(0.12) ? OpType::kInfo : OpType::kOk;
    }
    if (done.type == OpType::kOk && IsRead(done.f)) done.value = o.result;
  }
  if (done.type == OpType::kInfo) process_[slot] = next_process_++;
  ops_.push_back(done);
}

inline void Generator::ApplyGhost() {
  const size_t g = Pick(ghosts_.size());
  Apply(&ghosts_[g]);
  ghosts_.erase(ghosts_.begin() + g);
}

// Changes one result (or argument) so that the history may no longer be linearizable.
inline void Generator::Corrupt() {
  std::vector<size_t> done;
  for (size_t i = 0; i < ops_.size(); ++i) {
    if (ops_[i].type != OpType::kInvoke && !ops_[i].is_nemesis()) done.push_back(i);
  }
  if (done.empty()) return;
  Op& op = ops_[done[Pick(done.size())]];
  if (op.f == "read" && op.type == OpType::kOk) {
    const Value was = op.value;
    while (op.value == was) {
      op.value = o_.unique && !written_.empty() && Chance(0.7) ? written_[Pick(written_.size())]
                                                               : RegisterValue(true);
    }
  } else if (op.f == "get" && op.type == OpType::kOk) {
    std::string s(op.value.as_string());
    if (!s.empty() && Chance(0.5)) {
      s.erase(Pick(s.size()), 1);
    } else {
      s += written_.empty() ? "x" : written_[Pick(written_.size())].as_string();
    }
    op.value = Value::String(s);
  } else if (op.type == OpType::kOk || op.type == OpType::kFail) {
    op.type = op.type == OpType::kOk ? OpType::kFail : OpType::kOk;
    if (op.f == "read" || op.f == "get") op.type = OpType::kInfo;
  }
}

inline std::vector<Op> Generator::Run() {
  const int workers = 1 + Pick(4);
  const int total = 1 + std::max(Pick(o_.max_ops), Pick(o_.max_ops));  // 1..max_ops, mostly large
  slots_.assign(workers, std::nullopt);
  for (int w = 0; w < workers; ++w) process_.push_back(next_process_++);
  const Value init = o_.model == "mutex" ? Value::Bool(false)
                     : o_.model == "kv"  ? Value::String("")
                     : o_.initial        ? Value::Int(*o_.initial)
                                         : Value();
  state_.assign(o_.keys, init);
  int invoked = 0;
  for (;;) {
    std::vector<size_t> idle, open;
    for (size_t s = 0; s < slots_.size(); ++s) (slots_[s] ? open : idle).push_back(s);
    if (invoked == total && (open.empty() || Chance(0.06))) break;  // the rest stay pending
    const int action = Pick(8);
    if (action < 3 && invoked < total && !idle.empty()) {
      const size_t s = idle[Pick(idle.size())];
      ops_.push_back(NewOp(process_[s]));
      slots_[s] = Open{.invoke = ops_.size() - 1, .result = Value()};
      ++invoked;
    } else if (action < 5 && !open.empty()) {
      Open& o = *slots_[open[Pick(open.size())]];
      if (!o.applied) Apply(&o);
    } else if (action < 7 && !open.empty()) {
      Complete(open[Pick(open.size())]);
    } else if (!ghosts_.empty() && Chance(0.5)) {
      ApplyGhost();
    } else if (Chance(0.05)) {
      Op nemesis;
      nemesis.process = kNemesisProcess;
      nemesis.type = OpType::kInfo;
      nemesis.f = "start-partition";
      ops_.push_back(nemesis);
    }
  }
  if (Chance(0.6)) Corrupt();
  if (Chance(0.2)) Corrupt();
  return std::move(ops_);
}

}  // namespace faultline::generator
