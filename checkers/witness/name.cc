// Naming a witness: the kinds engineers use (docs/witnesses.md), recognised from the few ops
// of a shrunk witness, with one sentence that quotes values, times, processes and nodes.
#include <algorithm>
#include <cstdio>
#include <optional>

#include "checkers/witness/plan.h"

namespace faultline {
namespace {

// One op of the witness, as the sentences speak of it.
struct Seen {
  int64_t index = 0;
  const Op* invoke = nullptr;
  const Op* done = nullptr;  // nullptr: never completed
  bool ok() const { return done && done->type == OpType::kOk; }
  bool acknowledged_before(const Seen& b) const {
    return ok() && done->index < b.invoke->index;
  }
  bool is(const char* f) const { return invoke->f == f; }
  // What a read returned, a write wrote; a cas's [expected, new].
  const Value& read_value() const { return done->value; }
  std::string Node() const {
    const Op* answered = done && done->node ? done : invoke;
    return answered->node ? answered->node.value() : "";
  }
  // The answering node's role, as the database said on the completion; "" when it did not.
  std::string Role() const { return done && done->role ? done->role.value() : ""; }
  std::string Who() const {
    const std::string node = Node(), role = Role();
    return "process " + std::to_string(invoke->process) + (node.empty() ? "" : " on " + node) +
           (node.empty() || role.empty() ? "" : " (" + role + ")");
  }
  std::string Invoked() const { return Time(invoke->time); }
  std::string Acked() const { return done ? Time(done->time) : "?"; }
  static std::string Time(int64_t ns) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.3f s", double(ns) / 1e9);
    return buf;
  }
};

std::string Text(const Value& v) { return v.is_null() ? "nil" : v.ToJson(); }

std::optional<Value> Written(const Seen& s) {
  if (s.done && s.done->type == OpType::kFail) return std::nullopt;
  if (s.is("write") || s.is("put")) return s.invoke->value;
  if (s.is("cas") && s.invoke->value.is_list() && s.invoke->value.as_list().size() == 2) {
    return s.invoke->value.as_list()[1];
  }
  return std::nullopt;
}

// What a read returned or a succeeded cas expected.
std::optional<Value> Observed(const Seen& s) {
  if (!s.ok()) return std::nullopt;
  if (s.is("read") || s.is("get")) return s.read_value();
  if (s.is("cas") && s.invoke->value.is_list() && s.invoke->value.as_list().size() == 2) {
    return s.invoke->value.as_list()[0];
  }
  return std::nullopt;
}

class RegisterNamer {
 public:
  RegisterNamer(const History& h, const std::vector<int64_t>& witness,
                const std::vector<int64_t>& key_ops)
      : h_(h) {
    for (int64_t i : witness) ops_.push_back(SeenOf(i));
    for (int64_t i : key_ops) key_.push_back(SeenOf(i));
  }

  void Name(Witness* w) {
    const bool lock = std::any_of(ops_.begin(), ops_.end(),
                                  [](const Seen& s) { return s.is("acquire") || s.is("release"); });
    if (lock ? TwoHolders(w)
             : NeverWritten(w) || ImpossibleCas(w) || NonMonotonic(w) || Replaced(w) ||
                   ReadAfterRead(w)) {
      return;
    }
    w->kind = "not-linearizable";
    w->sentence = "no order of these " + std::to_string(ops_.size()) +
                  " ops fits both their real-time order and a " + (lock ? "lock" : "register") +
                  ": ";
    std::string sep;
    for (const Seen& s : ops_) {
      w->sentence += sep + Describe(s);
      sep = "; ";
    }
  }

 private:
  Seen SeenOf(int64_t i) const {
    const int64_t c = h_.partner(size_t(i));
    return Seen{i, &h_[size_t(i)], c >= 0 ? &h_[size_t(c)] : nullptr};
  }

  std::string Describe(const Seen& s) const {
    std::string what = std::string(s.invoke->f);
    if (auto o = Observed(s); o && s.is("read")) what += " → " + Text(*o);
    if (s.is("write")) what += " " + Text(s.invoke->value);
    if (s.is("cas")) what += " " + Text(s.invoke->value.as_list()[0]) + "→" + Text(s.invoke->value.as_list()[1]);
    return what + " by " + s.Who() + " at " + s.Invoked() +
           (s.done ? (s.ok() ? "–" + s.Acked() : " (" + std::string(OpTypeName(s.done->type)) + ")")
                   : " (never answered)");
  }

  // The op among `ops` (the witness's, or the whole key's) that wrote v (values are written
  // once), or nullptr.
  static const Seen* Writer(const std::vector<Seen>& ops, const Value& v) {
    for (const Seen& s : ops) {
      if (auto w = Written(s); w && *w == v) return &s;
    }
    return nullptr;
  }

  // The mutex model: an acquire acknowledged while another process certainly held the lock
  // — its acquire acknowledged before this one began, and no release of its (one that did
  // not fail) begun before this one was acknowledged, judged on the whole key.
  bool TwoHolders(Witness* w) const {
    for (const Seen& first : ops_) {
      if (!first.is("acquire") || !first.ok()) continue;
      for (const Seen& second : ops_) {
        if (!second.is("acquire") || !second.ok() || !first.acknowledged_before(second) ||
            second.invoke->process == first.invoke->process) {
          continue;
        }
        const Seen* release = ReleaseAfter(first);
        if (release && release->invoke->index < second.done->index) continue;
        const std::string lock = w->key ? "lock " + *w->key : "the lock";
        w->kind = "two-holders";
        w->sentence = second.Who() + " acquired " + lock + " at " + second.Invoked() + " (granted " +
                      second.Acked() + ") while " + first.Who() + " held it since " +
                      first.Acked() +
                      (release ? ", until its release at " + release->Invoked()
                               : ", never releasing it");
        return true;
      }
    }
    return false;
  }

  // The first release by `acquire`'s process after it was acknowledged that did not fail, or
  // nullptr.
  const Seen* ReleaseAfter(const Seen& acquire) const {
    for (const Seen& s : key_) {
      if (s.is("release") && s.invoke->process == acquire.invoke->process &&
          s.invoke->index > acquire.done->index && !(s.done && s.done->type == OpType::kFail)) {
        return &s;
      }
    }
    return nullptr;
  }

  bool NeverWritten(Witness* w) const {
    for (const Seen& s : ops_) {
      auto o = Observed(s);
      if (!o || o->is_null() || Writer(key_, *o)) continue;
      w->kind = s.is("cas") ? "impossible-cas" : "never-written";
      w->sentence = (s.is("cas") ? "a cas expecting " + Text(*o) + " by " + s.Who() + " at " +
                                       s.Invoked() + " succeeded, but "
                                 : "a read by " + s.Who() + " at " + s.Invoked() + " returned " +
                                       Text(*o) + ", but ") +
                    "no op ever wrote " + Text(*o) + " to this key";
      return true;
    }
    return false;
  }

  // `newer` replaced v before `reader` began: v was nil (the initial value) or its writer was
  // acknowledged before `newer` began, or `newer` is a cas from v.
  bool ReplacedBefore(const Value& v, const Seen& newer, const Seen& reader) const {
    auto nw = Written(newer);
    if (!nw || *nw == v || !newer.acknowledged_before(reader)) return false;
    return OlderThanWrite(v, newer, reader, 4);
  }

  // v was current before `newer` wrote: v is nil, or an op that wrote or observed v was
  // acknowledged before `newer` began or before an op observed what `newer` wrote, or `newer`
  // is a cas from v, or v was written by a cas from a value older than `newer` (that cas ran
  // while the older value was current).
  // The evidence is what was known when `as_of` (the op whose anomaly is being named) began:
  // ops acknowledged before it. A witness is contradictory as a whole, so its later ops would
  // prove either order; an engineer judges an op by its past. `depth` bounds the chain.
  bool OlderThanWrite(const Value& v, const Seen& newer, const Seen& as_of, int depth) const {
    auto evidence = [&](const Seen& s) { return s.acknowledged_before(as_of); };
    if (v.is_null()) return true;
    if (newer.is("cas") && newer.invoke->value.as_list()[0] == v && evidence(newer)) return true;
    // An op that wrote or saw v was acknowledged before `newer` began or before another op
    // saw what `newer` wrote: with values written once, v was current first.
    const std::optional<Value> u = Written(newer);
    for (const Seen& s : ops_) {
      auto o = Observed(s);
      auto w = Written(s);
      if (!((o && *o == v) || (w && *w == v && s.ok())) || !evidence(s) || &s == &newer) continue;
      for (const Seen& t : ops_) {
        auto ot = Observed(t);
        const bool shows_u = &t == &newer || (ot && u && *ot == *u && evidence(t));
        if (shows_u && s.acknowledged_before(t)) return true;
      }
    }
    const Seen* writer = Writer(ops_, v);
    if (!writer || writer == &newer) return false;
    if (depth == 0 || !writer->is("cas") || !evidence(*writer)) return false;
    const Value& from = writer->invoke->value.as_list()[0];
    return from != v && OlderThanWrite(from, newer, as_of, depth - 1);
  }

  bool ImpossibleCas(Witness* w) const {
    for (const Seen& cas : ops_) {
      if (!cas.is("cas") || !cas.ok()) continue;
      const Value& from = cas.invoke->value.as_list()[0];
      const std::string head = "cas " + Text(from) + "→" + Text(cas.invoke->value.as_list()[1]) +
                               " by " + cas.Who() + " at " + cas.Invoked() + " succeeded, although ";
      for (const Seen& newer : ops_) {
        if (&newer == &cas || !ReplacedBefore(from, newer, cas)) continue;
        w->kind = "impossible-cas";
        w->sentence = head + Describe(newer) + " had already replaced " + Text(from);
        return true;
      }
      // Or a read, acknowledged before the cas began, had returned a value written after it.
      for (const Seen& read : ops_) {
        auto u = Observed(read);
        if (!u || !read.is("read") || *u == from || !read.acknowledged_before(cas) ||
            !Older(from, *u, cas)) {
          continue;
        }
        w->kind = "impossible-cas";
        w->sentence = head + "a read by " + read.Who() + " had returned " + Text(*u) +
                      ", a value written after " + Text(from) + ", at " + read.Acked() +
                      ", before the cas began";
        return true;
      }
    }
    return false;
  }

  // Two reads of one process, the later returning a value the earlier one's had replaced.
  bool NonMonotonic(Witness* w) const {
    for (const Seen& first : ops_) {
      auto u = Observed(first);
      if (!u || !first.is("read")) continue;
      for (const Seen& second : ops_) {
        auto v = Observed(second);
        if (!v || !second.is("read") || second.invoke->process != first.invoke->process ||
            !first.acknowledged_before(second) || *v == *u || !Older(*v, *u, second)) {
          continue;
        }
        w->kind = "non-monotonic-reads";
        w->sentence = "process " + std::to_string(first.invoke->process) + " read " + Text(*u) +
                      " at " + first.Invoked() + on(first) + ", then " + Text(*v) + " at " +
                      second.Invoked() + on(second) + ", a value " + Text(*u) + " had replaced";
        return true;
      }
    }
    return false;
  }
  static std::string on(const Seen& s) {
    if (s.Node().empty()) return "";
    return " (" + s.Node() + (s.Role().empty() ? "" : ", " + s.Role()) + ")";
  }

  // v was replaced by u: v is nil (and u is not), or v's writer was acknowledged before u's
  // writer began, or u was written by a cas from v.
  bool Older(const Value& v, const Value& u, const Seen& as_of) const {
    if (v == u) return false;
    const Seen* wu = Writer(ops_, u);
    return wu && OlderThanWrite(v, *wu, as_of, 4);
  }

  // A read returning a value an acknowledged write had replaced before it began: a lost write
  // when the replacing value was never read after it was acknowledged, else a stale read.
  bool Replaced(Witness* w) const {
    for (const Seen& read : ops_) {
      auto v = Observed(read);
      if (!v || !read.is("read")) continue;
      for (const Seen& newer : ops_) {
        if (!ReplacedBefore(*v, newer, read)) continue;
        const Value u = *Written(newer);
        // A stale read when the write was seen after it was acknowledged, or the register had
        // been seen to move past v before this read looked: the reader was behind. A lost
        // write when this read was the first look after the acknowledgement and u was never
        // seen: from outside, the write vanished.
        const int64_t acked = newer.done->index;
        const bool seen_again = std::any_of(key_.begin(), key_.end(), [&](const Seen& s) {
          auto o = Observed(s);
          if (!o || s.invoke->index < acked) return false;
          if (*o == u) return true;
          if (s.invoke->index >= read.invoke->index || *o == *v) return false;
          const Seen* wo = Writer(key_, *o);
          return wo && wo->invoke->index > newer.invoke->index;  // written after u, so after v
        });
        const std::string replaced =
            v->is_null() ? "nil, the register's initial value" : Text(*v) + ", the value it had replaced";
        if (seen_again) {
          w->kind = "stale-read";
          w->sentence = "a read by " + read.Who() + " at " + read.Invoked() + " returned " +
                        Text(*v) + ", although " +
                        std::string(newer.invoke->f) + " " + Text(u) + " (" + newer.Who() +
                        ") had replaced it, acknowledged at " + newer.Acked() +
                        " before the read began";
        } else {
          w->kind = "lost-write";
          w->sentence = std::string(newer.invoke->f) + " " + Text(u) + " by " + newer.Who() +
                        " was acknowledged at " + newer.Acked() + ", then a read by " +
                        read.Who() + " at " + read.Invoked() + " returned " + replaced + ", and " +
                        Text(u) + " was never read after it was acknowledged" +
                        (v->is_null() ? ": the whole register was lost" : "");
        }
        return true;
      }
    }
    return false;
  }

  // A read returning a value older than one another read had already returned.
  bool ReadAfterRead(Witness* w) const {
    for (const Seen& first : ops_) {
      auto u = Observed(first);
      if (!u || !first.is("read")) continue;
      for (const Seen& second : ops_) {
        auto v = Observed(second);
        if (!v || !second.is("read") || !first.acknowledged_before(second) ||
            !Older(*v, *u, second)) {
          continue;
        }
        w->kind = "stale-read";
        w->sentence = "a read by " + second.Who() + " at " + second.Invoked() + " returned " +
                      Text(*v) + ", after a read by " + first.Who() + " had returned " + Text(*u) +
                      " (acknowledged at " + first.Acked() + "), a value written after " + Text(*v);
        return true;
      }
    }
    return false;
  }

  const History& h_;
  std::vector<Seen> ops_;
  std::vector<Seen> key_;
};

// The counter, bank and causal checkers name their problems already; the engineer's name
// for each, with the checker's own sentence.
std::string CounterKind(const CheckerProblem& p, const History& h) {
  if (p.kind == "below-acknowledged") {
    return p.target >= 0 && h[size_t(p.target)].final ? "lost-add" : "read-below-acknowledged";
  }
  if (p.kind == "final-below-acknowledged") return "lost-add";
  if (p.kind == "above-attempted") return "read-above-attempted";
  if (p.kind == "non-monotonic") return "non-monotonic-reads";
  if (p.kind == "final-divergent") return "final-reads-disagree";
  return "impossible-final-read";
}

std::string BankKind(const CheckerProblem& p) {
  return p.kind == "negative" ? "negative-balance" : p.kind;
}

}  // namespace

void NameWitness(const CheckerProblem& problem, const History& history, const HistoryIndex& index,
                 Witness* w) {
  if (problem.verdict != Verdict::kInvalid) return;  // nothing shown wrong: no name
  if (w->checker == "linearizability") {
    RegisterNamer(history, w->op_indices, index.KeyOps(problem.key)).Name(w);
    return;
  }
  w->sentence = problem.explanation;
  if (w->checker == "counter") {
    w->kind = CounterKind(problem, history);
  } else if (w->checker == "bank") {
    w->kind = BankKind(problem);
  } else {
    w->kind = problem.kind.empty() ? "unknown" : problem.kind;
  }
}

}  // namespace faultline
