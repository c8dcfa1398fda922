#include "bench/register_anomalies.h"

#include <algorithm>
#include <cstdint>

namespace faultline::bench {

const char* AnomalyName(Anomaly a) {
  static const char* kNames[] = {"stale-read", "lost-write", "phantom-read", "impossible-cas"};
  return kNames[static_cast<int>(a)];
}

namespace {

bool MayWrite(const SimOp& op) {
  return op.f != F::kRead && (op.outcome == Outcome::kInfo || op.outcome == Outcome::kOk);
}
bool KnownWrite(const SimOp& op) { return op.f != F::kRead && op.outcome == Outcome::kOk; }
int64_t Written(const SimOp& op) { return op.f == F::kWrite ? op.a : op.b; }
int64_t End(const SimOp& op) { return op.outcome == Outcome::kInfo ? kNever : op.complete; }

// True when in no linearization can the register hold `v` at any point of [start, end], the
// interval of a call whose result we are about to change. Proof: let W2 be an acknowledged
// write/cas of a value != v completed before `start` (latest invoke among those). W2 precedes
// the call, so the value the call sees is written by W2 or by a writer linearized after W2 and
// before the call: one that may take effect after W2's invoke (its end >= W2.invoke; info calls
// never end) and before `end` (its invoke <= end). If no such writer writes v — and v is not
// written by W2 — the call cannot see v. The initial null counts as written by nobody.
bool CertainlyNot(const std::vector<SimOp>& ops, int64_t v, int64_t start, int64_t end) {
  int64_t w2_invoke = -1;
  for (const SimOp& w : ops) {
    if (KnownWrite(w) && w.complete < start && Written(w) != v) {
      w2_invoke = std::max(w2_invoke, w.invoke);
    }
  }
  if (w2_invoke < 0) return false;
  for (const SimOp& x : ops) {
    if (MayWrite(x) && Written(x) == v && End(x) >= w2_invoke && x.invoke <= end) return false;
  }
  return true;
}

std::string Show(int64_t v) { return v == kNil ? "null" : std::to_string(v); }

// Up to `limit` indices of calls matching `pred`, in random order.
template <typename Pred>
std::vector<size_t> Pick(const std::vector<SimOp>& ops, Random& rng, size_t limit, Pred pred) {
  std::vector<size_t> out;
  for (size_t i = 0; i < ops.size(); ++i) {
    if (pred(ops[i])) out.push_back(i);
  }
  for (size_t i = out.size(); i > 1; --i) std::swap(out[i - 1], out[rng.Uniform(i)]);
  if (out.size() > limit) out.resize(limit);
  return out;
}

bool OkRead(const SimOp& op) { return op.f == F::kRead && op.outcome == Outcome::kOk; }
constexpr size_t kTries = 8;

// A read returns a value that an acknowledged write overwrote before the read was invoked
// (the most recently overwritten such value that is certainly gone).
std::optional<Injected> StaleRead(std::vector<SimOp>& ops, Random& rng) {
  for (size_t r : Pick(ops, rng, kTries, OkRead)) {
    SimOp& read = ops[r];
    // W2: the acknowledged writer completed before the read with the latest invoke. Values
    // acknowledged before W2 was invoked were certainly overwritten; try the latest first.
    int64_t w2_invoke = -1;
    for (const SimOp& w : ops) {
      if (KnownWrite(w) && w.complete < read.invoke) w2_invoke = std::max(w2_invoke, w.invoke);
    }
    std::vector<size_t> done;
    for (size_t i = 0; i < ops.size(); ++i) {
      if (KnownWrite(ops[i]) && ops[i].complete < w2_invoke) done.push_back(i);
    }
    std::sort(done.begin(), done.end(),
              [&](size_t x, size_t y) { return ops[x].complete > ops[y].complete; });
    std::vector<int64_t> candidates;
    for (size_t i = 0; i < done.size() && candidates.size() < 4; ++i) {
      candidates.push_back(Written(ops[done[i]]));
    }
    candidates.push_back(kNil);
    for (int64_t v : candidates) {
      if (v == read.a || !CertainlyNot(ops, v, read.invoke, read.complete)) continue;
      std::string what = "read returns " + Show(v) + " (saw " + Show(read.a) +
                         "), overwritten before the read was invoked";
      read.a = v;
      return Injected{Anomaly::kStaleRead, r, what};
    }
  }
  return std::nullopt;
}

// An acknowledged write is never seen: every read of it, and the first read invoked after it
// was acknowledged, return the value it overwrote. No cas was applied to its value.
std::optional<Injected> LostWrite(std::vector<SimOp>& ops, Random& rng) {
  auto ok_write = [](const SimOp& op) { return op.f == F::kWrite && op.outcome == Outcome::kOk; };
  for (size_t w : Pick(ops, rng, kTries, ok_write)) {
    const SimOp& write = ops[w];
    const int64_t u = write.before;
    if (u == write.a) continue;
    size_t first = SIZE_MAX;
    bool cas_saw_it = false;
    for (size_t i = 0; i < ops.size(); ++i) {
      const SimOp& op = ops[i];
      cas_saw_it |= op.f == F::kCas && op.source == static_cast<int32_t>(w);
      if (OkRead(op) && op.invoke > write.complete &&
          (first == SIZE_MAX || op.invoke < ops[first].invoke)) {
        first = i;
      }
    }
    if (cas_saw_it || first == SIZE_MAX) continue;
    if (!CertainlyNot(ops, u, ops[first].invoke, ops[first].complete)) continue;
    size_t changed = 0;
    for (size_t i = 0; i < ops.size(); ++i) {
      if (OkRead(ops[i]) && (i == first || ops[i].source == static_cast<int32_t>(w))) {
        ops[i].a = u;
        ++changed;
      }
    }
    return Injected{Anomaly::kLostWrite, first,
                    "write " + Show(write.a) + " acknowledged but never seen: reads return " +
                        Show(u) + " instead (" + std::to_string(changed) + " changed)"};
  }
  return std::nullopt;
}

// A read returns a value nobody ever wrote to this key.
std::optional<Injected> PhantomRead(std::vector<SimOp>& ops, Random& rng, bool unique) {
  for (size_t r : Pick(ops, rng, 1, OkRead)) {
    int64_t v = unique ? 1'000'000'000 + rng.Uniform(1000) : 5 + rng.Uniform(5);
    std::string what = "read returns " + Show(v) + " (saw " + Show(ops[r].a) + "), never written";
    ops[r].a = v;
    return Injected{Anomaly::kPhantomRead, r, what};
  }
  return std::nullopt;
}

// A cas whose compare failed is reported ok, though its expected value was certainly gone.
std::optional<Injected> ImpossibleCas(std::vector<SimOp>& ops, Random& rng) {
  auto failed = [](const SimOp& op) { return op.f == F::kCas && op.outcome == Outcome::kFail; };
  for (size_t c : Pick(ops, rng, kTries, failed)) {
    SimOp& cas = ops[c];
    if (cas.a == cas.b || !CertainlyNot(ops, cas.a, cas.invoke, cas.complete)) continue;
    cas.outcome = Outcome::kOk;
    return Injected{Anomaly::kImpossibleCas, c,
                    "cas " + Show(cas.a) + "->" + Show(cas.b) + " reported ok, but " + Show(cas.a) +
                        " was overwritten before it was invoked (state " + Show(cas.before) + ")"};
  }
  return std::nullopt;
}

}  // namespace

std::optional<Injected> InjectAnomaly(std::vector<SimOp>& ops, Random& rng, bool unique) {
  const int first = static_cast<int>(rng.Uniform(4));
  for (int k = 0; k < 4; ++k) {
    std::optional<Injected> r;
    switch (static_cast<Anomaly>((first + k) % 4)) {
      case Anomaly::kStaleRead:
        r = StaleRead(ops, rng);
        break;
      case Anomaly::kLostWrite:
        r = LostWrite(ops, rng);
        break;
      case Anomaly::kPhantomRead:
        r = PhantomRead(ops, rng, unique);
        break;
      case Anomaly::kImpossibleCas:
        r = ImpossibleCas(ops, rng);
        break;
    }
    if (r) return r;
  }
  return std::nullopt;
}

}  // namespace faultline::bench
