#include "checkers/txn/list_append.h"

#include <algorithm>
#include <deque>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace faultline {
namespace {

struct Mop {
  bool append = false;
  std::string key;                // its text (a string as is, anything else as JSON)
  std::string value;              // append: the value's text
  bool read_known = false;        // r in an ok txn: what it read
  std::vector<std::string> read;  // r: the elements read (nil: none)
};

struct Txn {
  int64_t invoke = 0;  // history index of the invoke
  int64_t process = 0;
  OpType type = OpType::kInfo;  // kOk, kFail or kInfo (never completed: kInfo)
  int64_t complete = -1;        // history index of its completion, -1 if none
  std::vector<Mop> mops;
};

struct BadMop {
  std::string what;
};

std::string Text(const Value& v) { return v.is_string() ? std::string(v.as_string()) : v.ToJson(); }

// "[1 2 3]"; a long list as its first two and last four values ("[1 2 … 97 98 99 100] (100
// values)"): what a read saw last is what its edges are about.
std::string ListText(const std::vector<std::string>& l) {
  std::string s = "[";
  for (size_t i = 0; i < l.size(); ++i) {
    if (l.size() > 8 && i == 2) {
      s += " …";
      i = l.size() - 5;
      continue;
    }
    s += (i ? " " : "") + l[i];
  }
  return s + "]" + (l.size() > 8 ? " (" + std::to_string(l.size()) + " values)" : "");
}

Mop ParseMop(const Value& m, bool ok) {
  if (!m.is_list() || m.as_list().size() != 3 || !m.as_list()[0].is_string()) {
    throw BadMop{"micro-op " + m.ToJson() + " is not [f, key, value]"};
  }
  const Value::List& l = m.as_list();
  const std::string_view f = l[0].as_string();
  Mop out;
  out.key = Text(l[1]);
  if (f == "append") {
    if (l[2].is_null() || l[2].is_list() || l[2].is_map()) {
      throw BadMop{"append of " + l[2].ToJson() + " to key " + out.key + " is not of one value"};
    }
    out.append = true;
    out.value = Text(l[2]);
  } else if (f == "r") {
    if (!ok) return out;  // what a read not known to have happened saw is not known
    if (!l[2].is_null() && !l[2].is_list()) {
      throw BadMop{"read of key " + out.key + " returned " + l[2].ToJson() + ", not a list"};
    }
    out.read_known = true;
    if (l[2].is_list()) {
      for (const Value& e : l[2].as_list()) out.read.push_back(Text(e));
    }
  } else {
    throw BadMop{"unknown micro-op \"" + std::string(f) + "\""};
  }
  return out;
}

Result<std::vector<Txn>> ReadTxns(const History& h, const std::string& source) {
  std::vector<Txn> txns;
  for (size_t i = 0; i < h.size(); ++i) {
    const Op& op = h[i];
    if (op.is_nemesis() || op.type != OpType::kInvoke) continue;
    if (op.f != "txn") {
      return Status::InvalidInput(OpLocation(source, op) + "a \"" + op.f.str() +
                                  "\" op; expected only \"txn\" ops (list-append transactions)");
    }
    const int64_t c = h.partner(i);
    Txn t{int64_t(i), op.process, c >= 0 ? h[size_t(c)].type : OpType::kInfo, c, {}};
    const Op& carrier = t.type == OpType::kOk ? h[size_t(c)] : op;  // an ok says what it read
    if (!carrier.value.is_list()) {
      return Status::InvalidInput(OpLocation(source, carrier) + "the txn's value " +
                                  carrier.value.ToJson() +
                                  " is not a list; expected [[\"append\", key, value] or "
                                  "[\"r\", key, list], …]");
    }
    try {
      for (const Value& m : carrier.value.as_list()) {
        t.mops.push_back(ParseMop(m, t.type == OpType::kOk));
      }
    } catch (const BadMop& bad) {
      return Status::InvalidInput(OpLocation(source, carrier) + bad.what +
                                  "; expected [\"append\", key, value] or [\"r\", key, list]");
    }
    txns.push_back(std::move(t));
  }
  return txns;
}

enum EdgeType : uint8_t { kWW = 1, kWR = 2, kRW = 4, kRT = 8 };

// An edge and what it rests on, pointing into the txns' micro-ops (the text is made only for
// the edges of a cycle reported): the key; ww: the two values; wr: the read and its last value;
// rw: the read and the value it lacks.
struct Edge {
  size_t to;
  EdgeType type;
  const std::string* key = nullptr;
  const std::vector<std::string>* read = nullptr;
  const std::string* a = nullptr;
  const std::string* b = nullptr;
};

// Who appended each value of each key, and whether it was that txn's last append to the key.
struct Writer {
  size_t txn;
  bool last;
  size_t seq;  // which of the txn's appends to the key it was (0: its first)
};

class ListAppendChecker {
 public:
  ListAppendChecker(const History& h, std::vector<Txn> txns) : h_(h), txns_(std::move(txns)) {}

  Result<TxnResult> Run(const std::string& source) {
    for (const Txn& t : txns_) {
      ++(t.type == OpType::kOk ? r_.ok : t.type == OpType::kFail ? r_.fail : r_.info);
    }
    r_.txns = int64_t(txns_.size());
    if (Status s = IndexWriters(source); !s.ok()) return s;
    Internal();
    std::map<std::string, std::vector<std::pair<size_t, size_t>>> reads;  // key → (txn, mop)
    for (size_t t = 0; t < txns_.size(); ++t) {
      if (txns_[t].type != OpType::kOk) continue;
      for (size_t m = 0; m < txns_[t].mops.size(); ++m) {
        if (txns_[t].mops[m].read_known) reads[txns_[t].mops[m].key].emplace_back(t, m);
      }
    }
    std::set<std::string> keys;
    for (const auto& [k, w] : writers_) keys.insert(k);
    for (const auto& [k, rs] : reads) keys.insert(k);
    r_.keys = int64_t(keys.size());
    adj_.assign(txns_.size(), {});
    for (const auto& [key, rs] : reads) Key(key, rs);
    RealTime();
    Cycles();
    Models();
    return std::move(r_);
  }

 private:
  std::string Label(size_t t) const {
    return "op " + std::to_string(txns_[t].invoke) + " (process " +
           std::to_string(txns_[t].process) + ")";
  }

  void Add(const std::string& name, std::vector<size_t> ts, std::string explanation) {
    ++r_.anomalies_total;
    if (++r_.counts[name] > int64_t(kMaxTxnAnomaliesPerName)) return;
    TxnAnomaly a{name, {}, std::move(explanation)};
    for (size_t t : ts) a.op_indices.push_back(txns_[t].invoke);
    r_.anomalies.push_back(std::move(a));
  }

  Status IndexWriters(const std::string& source) {
    for (size_t t = 0; t < txns_.size(); ++t) {
      const std::vector<Mop>& mops = txns_[t].mops;  // a handful: scanning beats a map
      for (size_t i = 0; i < mops.size(); ++i) {
        const Mop& m = mops[i];
        if (!m.append) continue;
        auto same = [&](const Mop& o) { return o.append && o.key == m.key; };
        const bool last = std::none_of(mops.begin() + ptrdiff_t(i) + 1, mops.end(), same);
        const size_t seq = size_t(std::count_if(mops.begin(), mops.begin() + ptrdiff_t(i), same));
        auto [it, added] = writers_[m.key].try_emplace(m.value, Writer{t, last, seq});
        if (!added) {
          return Status::InvalidInput(
              OpLocation(source, h_[size_t(txns_[t].invoke)]) + "appends " + m.value + " to key " +
              m.key + ", as " + Label(it->second.txn) +
              " did; expected every value appended to a key once (the order of a key's "
              "versions is inferred from unique values)");
        }
      }
    }
    return Status::Ok();
  }

  const Writer* WriterOf(const std::string& key, const std::string& value) const {
    auto k = writers_.find(key);
    if (k == writers_.end()) return nullptr;
    auto v = k->second.find(value);
    return v == k->second.end() ? nullptr : &v->second;
  }

  // Each ok txn's reads agree with its own earlier reads and appends, and hold none of its
  // later appends.
  void Internal() {
    for (size_t t = 0; t < txns_.size(); ++t) {
      if (txns_[t].type != OpType::kOk) continue;
      const std::vector<Mop>& mops = txns_[t].mops;
      // Only a key with two micro-ops in the txn can contradict itself.
      bool repeats = false;
      for (size_t i = 0; i < mops.size() && !repeats; ++i) {
        for (size_t j = i + 1; j < mops.size() && !repeats; ++j) repeats = mops[i].key == mops[j].key;
      }
      if (!repeats) continue;
      std::map<std::string, std::pair<bool, std::vector<std::string>>> state;  // known?, list
      for (size_t i = 0; i < mops.size(); ++i) {
        const Mop& m = mops[i];
        auto& [known, list] = state[m.key];
        if (m.append) {
          list.push_back(m.value);
          continue;
        }
        const auto later = std::find_if(mops.begin() + ptrdiff_t(i) + 1, mops.end(), [&](const Mop& a) {
          return a.append && a.key == m.key &&
                 std::find(m.read.begin(), m.read.end(), a.value) != m.read.end();
        });
        if (later != mops.end()) {
          Add("internal", {t},
              Label(t) + " read key " + m.key + " = " + ListText(m.read) + ", holding " +
                  later->value + ", which it appended only later");
          known = true;
          list = m.read;
          continue;
        }
        const bool fits = known ? m.read == list
                                : m.read.size() >= list.size() &&
                                      std::equal(list.begin(), list.end(),
                                                 m.read.end() - ptrdiff_t(list.size()));
        if (!fits) {
          Add("internal", {t},
              Label(t) + " read key " + m.key + " = " + ListText(m.read) + ", but its own " +
                  (known ? "earlier read and appends make it " + ListText(list)
                         : "earlier appends " + ListText(list) + " must end it"));
        }
        known = true;
        list = m.read;
      }
    }
  }

  // A garbage or aborted value `e` of `key` read by txn t: reports it and returns true.
  bool BadElement(size_t t, const std::string& key, const std::string& e) {
    const Writer* w = WriterOf(key, e);
    if (!w) {
      Add("garbage-read", {t}, Label(t) + " read " + e + " in key " + key + ", which no txn appended");
      return true;
    }
    if (txns_[w->txn].type != OpType::kFail) return false;
    Add("G1a", {w->txn, t},
        Label(t) + " read " + e + " in key " + key + ", appended by " + Label(w->txn) +
            ", which failed (aborted read)");
    return true;
  }

  void Duplicate(size_t t, const std::string& key, const std::vector<std::string>& r) {
    Add("duplicate-elements", {t},
        Label(t) + " read key " + key + " = " + ListText(r) + ": a value appears twice");
  }

  // One key: its version order (the longest read), the anomalies its reads show, its edges.
  // What the longest read holds is judged once; a read that is a prefix of it shares its
  // faults up to its length (the first garbage or aborted value, the first repeated one).
  void Key(const std::string& key, const std::vector<std::pair<size_t, size_t>>& reads) {
    const std::vector<std::string>* longest = nullptr;
    size_t longest_txn = 0;
    for (auto [t, m] : reads) {
      const auto& r = txns_[t].mops[m].read;
      if (!longest || r.size() > longest->size()) {
        longest = &r;
        longest_txn = t;
      }
    }
    size_t first_bad = SIZE_MAX, first_repeat = SIZE_MAX;
    std::unordered_set<std::string_view> seen;
    for (size_t i = 0; i < longest->size(); ++i) {
      const std::string& e = (*longest)[i];
      if (first_repeat == SIZE_MAX && !seen.insert(e).second) first_repeat = i;
      if (first_bad != SIZE_MAX) continue;
      const Writer* w = WriterOf(key, e);
      if (!w || txns_[w->txn].type == OpType::kFail) first_bad = i;
    }
    bool ordered = true;
    for (auto [t, m] : reads) {
      const auto& r = txns_[t].mops[m].read;
      if (std::equal(r.begin(), r.end(), longest->begin())) {
        if (first_repeat < r.size()) Duplicate(t, key, r);
        if (first_bad < r.size()) BadElement(t, key, r[first_bad]);
      } else {
        if (ordered) {
          Add("incompatible-order", {t, longest_txn},
              Label(t) + " read key " + key + " = " + ListText(r) + " and " + Label(longest_txn) +
                  " read " + ListText(*longest) + ": neither is a prefix of the other");
        }
        ordered = false;
        if (std::unordered_set<std::string_view>(r.begin(), r.end()).size() != r.size()) {
          Duplicate(t, key, r);
        }
        for (const std::string& e : r) {
          if (BadElement(t, key, e)) break;
        }
      }
      if (!r.empty()) {
        const Writer* w = WriterOf(key, r.back());
        if (w && w->txn != t && !w->last && txns_[w->txn].type != OpType::kFail) {
          Add("G1b", {w->txn, t},
              Label(t) + " read key " + key + " = " + ListText(r) + ", ending in " + r.back() +
                  ", which " + Label(w->txn) +
                  " appended before appending more to the key (intermediate read)");
        }
      }
    }
    if (!ordered) return;  // no version order to draw edges from
    const std::vector<std::string>& order = *longest;
    std::unordered_map<size_t, size_t> next_seq;  // txn → the seq its next append must exceed
    for (const std::string& e : order) {
      const Writer* w = WriterOf(key, e);
      if (!w) continue;
      auto [it, first] = next_seq.try_emplace(w->txn, w->seq);
      if (!first && w->seq < it->second) {
        Add("internal", {w->txn},
            Label(w->txn) + " appended " + e + " to key " + key + " before a value the key's "
                "order " + ListText(order) + " puts ahead of it");
      }
      it->second = std::max(it->second, w->seq);
    }
    auto writer = [&](size_t i) -> const Writer* {
      const Writer* w = WriterOf(key, order[i]);
      return w && txns_[w->txn].type != OpType::kFail ? w : nullptr;
    };
    for (size_t i = 0; i + 1 < order.size(); ++i) {
      const Writer* a = writer(i);
      const Writer* b = writer(i + 1);
      if (a && b && a->txn != b->txn) {
        AddEdge(a->txn, Edge{b->txn, kWW, &key, nullptr, &order[i], &order[i + 1]});
      }
    }
    for (auto [t, m] : reads) {
      const auto& r = txns_[t].mops[m].read;
      if (!r.empty()) {
        if (const Writer* a = writer(r.size() - 1); a && a->txn != t) {
          AddEdge(a->txn, Edge{t, kWR, &key, &r, &r.back()});
        }
      }
      if (r.size() < order.size()) {
        if (const Writer* b = writer(r.size()); b && b->txn != t) {
          AddEdge(t, Edge{b->txn, kRW, &key, &r, &order[r.size()]});
        }
      }
    }
  }

  // Real-time edges between ok txns: T1 → T2 when T1 completed before T2 began, transitively
  // reduced as Elle does: T2 gets an edge from each txn of the frontier when it begins (those
  // completed with no other completed between them and T2), and a txn completing removes from
  // the frontier the txns that were in it when it began (reached through it).
  void RealTime() {
    std::vector<std::pair<int64_t, size_t>> events;  // history index, txn (begin or end)
    for (size_t t = 0; t < txns_.size(); ++t) {
      if (txns_[t].type != OpType::kOk) continue;
      events.emplace_back(txns_[t].invoke, t);
      events.emplace_back(txns_[t].complete, t);
    }
    std::sort(events.begin(), events.end());
    std::vector<size_t> frontier;
    std::unordered_map<size_t, std::vector<size_t>> at_begin;
    for (auto [index, t] : events) {
      if (index == txns_[t].invoke) {
        for (size_t f : frontier) {
          AddEdge(f, Edge{t, kRT});
        }
        at_begin[t] = frontier;
        continue;
      }
      const std::vector<size_t>& passed = at_begin[t];
      std::erase_if(frontier, [&](size_t f) {
        return std::find(passed.begin(), passed.end(), f) != passed.end();
      });
      frontier.push_back(t);
      at_begin.erase(t);
    }
  }

  void AddEdge(size_t from, Edge edge) {
    for (const Edge& e : adj_[from]) {
      if (e.to == edge.to && e.type == edge.type) return;  // one of a type per pair is enough
    }
    adj_[from].push_back(edge);
  }

  // Why the edge from `from` exists, in words.
  std::string Why(size_t from, const Edge& e) const {
    switch (e.type) {
      case kWW:
        return Label(from) + " appended " + *e.a + " to key " + *e.key + " just before " +
               Label(e.to) + " appended " + *e.b + " (ww)";
      case kWR:
        return Label(e.to) + " read key " + *e.key + " = " + ListText(*e.read) + ", which ends in " +
               Label(from) + "'s append of " + *e.a + " (wr)";
      case kRW:
        return Label(from) + " read key " + *e.key + " = " + ListText(*e.read) + ", without " +
               *e.a + ", which " + Label(e.to) + " appended next (rw)";
      case kRT:
        return Label(from) + " completed before " + Label(e.to) + " began (real time)";
    }
    return "";
  }

  // A cycle as `kind`: `first` from u, then `back` to u. False when its txns were named already.
  bool Report(const std::string& kind, size_t u, const Edge& first,
              const std::vector<const Edge*>& back, std::set<std::vector<size_t>>* seen) {
    std::vector<size_t> nodes{u, first.to};
    for (const Edge* b : back) nodes.push_back(b->to);
    nodes.pop_back();  // the path ends back at u
    std::vector<size_t> key = nodes;
    std::sort(key.begin(), key.end());
    if (!seen->insert(key).second) return false;
    std::string why = Why(u, first);
    for (size_t i = 0; i < back.size(); ++i) why += "; " + Why(nodes[i + 1], *back[i]);
    Add(kind, nodes, "a cycle of " + std::to_string(nodes.size()) + " transactions: " + why);
    return true;
  }

  // Tarjan's strongly connected components (iterative): comp_[v] for every node.
  void Components() {
    const size_t n = adj_.size();
    comp_.assign(n, SIZE_MAX);
    std::vector<size_t> index(n, SIZE_MAX), low(n, 0), stack;
    std::vector<bool> on(n, false);
    size_t next = 0, comps = 0;
    for (size_t root = 0; root < n; ++root) {
      if (index[root] != SIZE_MAX || adj_[root].empty()) continue;
      std::vector<std::pair<size_t, size_t>> work{{root, 0}};  // node, next edge
      index[root] = low[root] = next++;
      stack.push_back(root);
      on[root] = true;
      while (!work.empty()) {
        auto& [v, i] = work.back();
        if (i < adj_[v].size()) {
          const size_t w = adj_[v][i++].to;
          if (index[w] == SIZE_MAX) {
            index[w] = low[w] = next++;
            stack.push_back(w);
            on[w] = true;
            work.emplace_back(w, 0);
          } else if (on[w]) {
            low[v] = std::min(low[v], index[w]);
          }
          continue;
        }
        if (low[v] == index[v]) {
          size_t w;
          do {
            w = stack.back();
            stack.pop_back();
            on[w] = false;
            comp_[w] = comps;
          } while (w != v);
          ++comps;
        }
        const size_t done = v;
        work.pop_back();
        if (!work.empty()) low[work.back().first] = std::min(low[work.back().first], low[done]);
      }
    }
  }

  // The shortest path from `from` to `to` inside one component over edges of `types`, as the
  // edges taken; empty when there is none.
  std::vector<const Edge*> Path(size_t from, size_t to, uint8_t types) const {
    // Node → the node and the edge it was reached from (`from` by none).
    std::unordered_map<size_t, std::pair<size_t, const Edge*>> reached{{from, {from, nullptr}}};
    std::deque<size_t> queue{from};
    while (!queue.empty()) {
      const size_t v = queue.front();
      queue.pop_front();
      if (v == to) break;
      for (const Edge& e : adj_[v]) {
        if (!(e.type & types) || comp_[e.to] != comp_[from] || reached.count(e.to)) continue;
        reached.emplace(e.to, std::pair{v, &e});
        queue.push_back(e.to);
      }
    }
    std::vector<const Edge*> path;
    if (!reached.count(to)) return path;
    for (size_t v = to; v != from; v = reached[v].first) path.push_back(reached[v].second);
    std::reverse(path.begin(), path.end());
    return path;
  }

  // Cycles, each kind through the edges that define it: G0 (ww only), G1c (ww and wr, at least
  // one wr), G-single (exactly one rw), G2-item (more than one rw). Each edge of the defining
  // type is closed by the shortest path back; a cycle already named (same txns) is skipped.
  // Then the cycles that need a real-time edge: each named as above by its rw edges, with
  // "-realtime" (G-single-realtime: a stale read of a write completed before it began).
  void Cycles() {
    Components();
    std::set<std::vector<size_t>> seen;
    struct Kind {
      const char* name;
      EdgeType first;
      uint8_t rest;
    };
    const Kind kinds[] = {{"G0", kWW, kWW},
                          {"G1c", kWR, kWW | kWR},
                          {"G-single", kRW, kWW | kWR},
                          {"G2-item", kRW, kWW | kWR | kRW}};
    for (const Kind& k : kinds) {
      size_t tries = 0;
      for (size_t u = 0; u < adj_.size(); ++u) {
        for (const Edge& e : adj_[u]) {
          if (e.type != k.first || comp_[u] != comp_[e.to] || comp_[u] == SIZE_MAX) continue;
          if (++tries > kMaxSearches) break;
          std::vector<const Edge*> back = Path(e.to, u, k.rest);
          if (!back.empty()) Report(k.name, u, e, back, &seen);
        }
      }
    }
    size_t tries = 0;
    for (size_t u = 0; u < adj_.size() && tries <= kMaxSearches; ++u) {
      for (const Edge& e : adj_[u]) {
        if (e.type != kRT || comp_[u] != comp_[e.to] || ++tries > kMaxSearches) continue;
        std::vector<const Edge*> back = Path(e.to, u, kWW | kWR | kRW | kRT);
        if (back.empty()) continue;
        size_t rw = 0, wr = 0;
        for (const Edge* b : back) {
          rw += b->type == kRW;
          wr += b->type == kWR;
        }
        const std::string base = rw > 1 ? "G2-item" : rw == 1 ? "G-single" : wr ? "G1c" : "G0";
        Report(base + "-realtime", u, e, back, &seen);
      }
    }
  }

  // Which models the anomalies rule out (Adya; Elle's lattice without the session variants):
  // read-uncommitted < read-committed < snapshot-isolation and repeatable-read (neither
  // stronger than the other) < serializable < strict-serializable.
  void Models() {
    const std::map<std::string, int64_t>& found = r_.counts;
    r_.verdict = found.empty() ? Verdict::kValid : Verdict::kInvalid;
    auto has = [&](std::initializer_list<const char*> names) {
      return std::any_of(names.begin(), names.end(), [&](const char* n) { return found.count(n) > 0; });
    };
    const bool ru = has({"internal", "incompatible-order", "duplicate-elements", "garbage-read", "G0"});
    const bool rc = ru || has({"G1a", "G1b", "G1c"});
    const bool si = rc || has({"G-single"});
    const bool rr = si || has({"G2-item"});
    const bool strict =
        rr || has({"G0-realtime", "G1c-realtime", "G-single-realtime", "G2-item-realtime"});
    const std::pair<const char*, bool> models[] = {
        {"read-uncommitted", ru}, {"read-committed", rc},  {"snapshot-isolation", si},
        {"repeatable-read", rr},  {"serializable", rr},    {"strict-serializable", strict}};
    for (const auto& [name, violated] : models) {
      if (violated) r_.violates.push_back(name);
    }
    // The weakest models violated, what that rules out above them, the strongest still possible.
    std::string weakest, above;
    if (ru) {
      weakest = "read-uncommitted";
      above = "any stronger model";
    } else if (rc) {
      weakest = "read-committed";
      above = "snapshot-isolation, repeatable-read, serializable or anything stronger";
      r_.consistent_with = "read-uncommitted";
    } else if (si) {
      weakest = "snapshot-isolation and repeatable-read";
      above = "serializable or anything stronger";
      r_.consistent_with = "read-committed";
    } else if (rr) {
      weakest = "repeatable-read";
      above = "serializable or anything stronger";
      r_.consistent_with = "snapshot-isolation";
    } else if (strict) {
      weakest = "strict-serializable";
      r_.consistent_with = "serializable";
    } else {
      r_.consistent_with = "strict-serializable";
    }
    if (weakest.empty()) {
      r_.explanation = "no anomaly found: consistent with strict-serializable (the session "
                       "models, which need the process order, are not checked yet)";
    } else {
      r_.explanation = "violates " + weakest + (above.empty() ? "" : ", so not " + above) + "; " +
                       (r_.consistent_with.empty() ? "consistent with none of them"
                                                   : "consistent with " + r_.consistent_with);
    }
  }

  static constexpr size_t kMaxSearches = 2000;  // per kind: an edge closed by a path search

  const History& h_;
  std::vector<Txn> txns_;
  TxnResult r_;
  std::unordered_map<std::string, std::unordered_map<std::string, Writer>> writers_;
  std::vector<std::vector<Edge>> adj_;
  std::vector<size_t> comp_;
};

}  // namespace

Result<TxnResult> CheckListAppend(const History& history, const std::string& source) {
  auto txns = ReadTxns(history, source);
  if (!txns.ok()) return txns.status();
  return ListAppendChecker(history, std::move(txns).value()).Run(source);
}

nlohmann::json ToJson(const TxnResult& r) {
  nlohmann::json anomalies = nlohmann::json::array();
  for (const TxnAnomaly& a : r.anomalies) {
    anomalies.push_back(
        {{"name", a.name}, {"op_indices", a.op_indices}, {"explanation", a.explanation}});
  }
  return {{"checker", "txn"},
          {"workload", "list-append"},
          {"verdict", VerdictName(r.verdict)},
          {"txns", r.txns},
          {"ok", r.ok},
          {"fail", r.fail},
          {"info", r.info},
          {"keys", r.keys},
          {"anomalies", std::move(anomalies)},
          {"anomalies_total", r.anomalies_total},
          {"counts", r.counts},
          {"violates", r.violates},
          {"consistent_with", r.consistent_with},
          {"not_checked", {"session models (process order)"}},
          {"explanation", r.explanation},
          // The report's verdict table: the models, then the first anomaly.
          {"reason", r.explanation + (r.anomalies.empty() ? ""
                                                          : "; " + r.anomalies[0].name + ": " +
                                                                r.anomalies[0].explanation)}};
}

}  // namespace faultline
