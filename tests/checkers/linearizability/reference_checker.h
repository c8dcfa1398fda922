// A brute-force linearizability checker for tiny histories (≤ ~12 ops), written from the model
// documentation alone (model.h, register_model.h, kv_model.h) and sharing no code with
// checkers/: it tries every order of the ops that real time allows, with each op of unknown
// outcome either placed somewhere after its invoke or left out. Only fully explored
// configurations are remembered, so the answer is exact. Not thread-safe; one per check.
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "core/history.h"

namespace faultline::reference {

inline constexpr int64_t kNever = std::numeric_limits<int64_t>::max();

struct RefCall {
  enum class Kind { kRead, kWrite, kCas, kFailedCompare, kGet, kPut, kAppend, kAcquire, kRelease };
  Kind kind = Kind::kRead;
  int key = 0;
  int64_t invoke = 0;
  int64_t ret = kNever;         // kNever: outcome unknown (info or no completion)
  std::optional<int64_t> a, b;  // register values; nullopt is nil
  std::string s;                // kv argument or result
};

struct RefOptions {
  std::string model;               // register, cas-register, etcd, kv, mutex
  std::optional<int64_t> initial;  // register models
  bool nil_read_matches_any = false;
};

inline std::optional<int64_t> IntOrNil(const Value& v) {
  return v.is_int() ? std::optional<int64_t>(v.as_int()) : std::nullopt;
}

// Turns one client op into a call, or nullopt when it constrains nothing:
// a fail that did not happen (a failed etcd cas did: it observed a failed compare), or a
// read/get whose result is unknown.
inline std::optional<RefCall> Decode(const History& h, size_t i, const RefOptions& o) {
  using K = RefCall::Kind;
  const Op& inv = h[i];
  const int64_t done = h.partner(i);
  const OpType type = done >= 0 ? h[done].type : OpType::kInfo;
  RefCall c;
  c.invoke = inv.index;
  c.ret = type == OpType::kOk ? done : kNever;
  const bool reads = inv.f == "read" || inv.f == "get";
  if (type == OpType::kFail && !(o.model == "etcd" && inv.f == "cas")) return std::nullopt;
  if (reads && type != OpType::kOk) return std::nullopt;
  if (inv.f == "read") {
    c.kind = K::kRead;
    c.a = IntOrNil(h[done].value);
    if (!c.a && o.nil_read_matches_any) return std::nullopt;
  } else if (inv.f == "write") {
    c.kind = K::kWrite;
    c.a = IntOrNil(inv.value);
  } else if (inv.f == "cas") {
    c.kind = type == OpType::kFail ? K::kFailedCompare : K::kCas;
    if (type == OpType::kFail) c.ret = done;
    c.a = IntOrNil(inv.value.as_list()[0]);
    c.b = IntOrNil(inv.value.as_list()[1]);
  } else if (inv.f == "get" || inv.f == "put" || inv.f == "append") {
    c.kind = inv.f == "get" ? K::kGet : inv.f == "put" ? K::kPut : K::kAppend;
    const Value& v = inv.f == "get" ? h[done].value : inv.value;
    if (v.is_string()) c.s = v.as_string();
  } else {
    c.kind = inv.f == "acquire" ? K::kAcquire : K::kRelease;
  }
  return c;
}

class ReferenceChecker {
 public:
  ReferenceChecker(const History& h, const RefOptions& o) {
    std::map<std::string, int> keys;
    for (size_t i = 0; i < h.size(); ++i) {
      if (h[i].is_nemesis() || h[i].type != OpType::kInvoke) continue;
      std::optional<RefCall> c = Decode(h, i, o);
      if (!c) continue;
      c->key = keys.emplace(h[i].key.value_or(""), static_cast<int>(keys.size())).first->second;
      by_invoke_[c->invoke] = calls_.size();
      calls_.push_back(*c);
    }
    ints_.assign(keys.size(), o.model == "mutex" ? std::optional<int64_t>(0) : o.initial);
    strs_.assign(keys.size(), "");
  }

  bool Linearizable() {
    failed_.clear();
    return Search(0);
  }

  // Whether the ops with these invoke indices, in this order, are a legal sequence of the
  // model that respects real time (an op of unknown outcome may just not take effect).
  // Returns "" if so, else what is wrong. Leaves the state at the end of the sequence.
  std::string Replay(const std::vector<int64_t>& invokes) {
    for (size_t i = 0; i < invokes.size(); ++i) {
      auto it = by_invoke_.find(invokes[i]);
      if (it == by_invoke_.end()) return "op " + std::to_string(invokes[i]) + " is no call";
      const RefCall& c = calls_[it->second];
      if (!Apply(c) && c.ret != kNever) {
        return "op " + std::to_string(invokes[i]) + " is not allowed after the ops before it";
      }
      for (size_t j = 0; j < i; ++j) {
        if (c.ret < invokes[j]) {
          return "op " + std::to_string(invokes[i]) + " completed before op " +
                 std::to_string(invokes[j]) + " began, yet comes after it";
        }
      }
    }
    return "";
  }

 private:
  using K = RefCall::Kind;

  // Applies c to the current state; false (state untouched) when the model forbids it.
  bool Apply(const RefCall& c) {
    std::optional<int64_t>& r = ints_[c.key];
    std::string& s = strs_[c.key];
    switch (c.kind) {
      case K::kRead:
        return r == c.a;
      case K::kWrite:
        r = c.a;
        return true;
      case K::kCas:
        if (r != c.a) return false;
        r = c.b;
        return true;
      case K::kFailedCompare:
        return r != c.a;
      case K::kGet:
        return s == c.s;
      case K::kPut:
        s = c.s;
        return true;
      case K::kAppend:
        s += c.s;
        return true;
      case K::kAcquire:
        if (*r != 0) return false;
        r = 1;
        return true;
      case K::kRelease:
        if (*r != 1) return false;
        r = 0;
        return true;
    }
    return false;
  }

  std::string Config(uint32_t placed) const {
    std::string out = std::to_string(placed);
    for (const auto& r : ints_) out += r ? "," + std::to_string(*r) : ",nil";
    for (const auto& s : strs_) out += "|" + s;
    return out;
  }

  // x may go next when no unplaced op that must be placed completed before x began.
  bool MayGoNext(uint32_t placed, size_t x) const {
    for (size_t y = 0; y < calls_.size(); ++y) {
      if (y != x && !(placed >> y & 1) && calls_[y].ret < calls_[x].invoke) return false;
    }
    return true;
  }

  bool Search(uint32_t placed) {
    bool done = true;
    for (size_t y = 0; y < calls_.size(); ++y) done &= (placed >> y & 1) || calls_[y].ret == kNever;
    if (done) return true;  // every op left has an unknown outcome: leave it out
    const std::string config = Config(placed);
    if (failed_.count(config)) return false;
    for (size_t x = 0; x < calls_.size(); ++x) {
      if ((placed >> x & 1) || !MayGoNext(placed, x)) continue;
      const auto saved_ints = ints_;
      const auto saved_strs = strs_;
      const bool ok = Apply(calls_[x]) && Search(placed | uint32_t{1} << x);
      ints_ = saved_ints;
      strs_ = saved_strs;
      if (ok) return true;
    }
    failed_.insert(config);
    return false;
  }

  std::vector<RefCall> calls_;
  std::map<int64_t, size_t> by_invoke_;
  std::vector<std::optional<int64_t>> ints_;  // registers (nullopt: nil); mutex: 0 free, 1 held
  std::vector<std::string> strs_;             // kv
  std::unordered_set<std::string> failed_;
};

}  // namespace faultline::reference
