#include "checkers/causal/causal_graph.h"

#include <algorithm>
#include <deque>
#include <optional>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace faultline::causal {
namespace {

// One decoded register op, before we know whether an info write was observed.
struct Decoded {
  int64_t index = 0, process = 0;
  uint32_t session = 0, key = 0;
  bool reads = false, writes = false, info = false;
  std::string read_value, write_value;
};

Status Bad(const std::string& source, const Op& op, const std::string& what) {
  return Status::InvalidInput(OpLocation(source, op) + what);
}

// A (key, value text) pair; the text is borrowed from a string that outlives the map.
struct KeyValue {
  uint32_t key;
  std::string_view value;
  bool operator==(const KeyValue&) const = default;
};

struct KeyValueHash {
  size_t operator()(const KeyValue& kv) const {
    return std::hash<std::string_view>()(kv.value) ^ (size_t{kv.key} * 0x9E3779B97F4A7C15ull);
  }
};

template <typename T>
using KeyValueMap = std::unordered_map<KeyValue, T, KeyValueHash>;

// Decodes a client invoke and its completion (nullptr: pending). nullopt: the op is ignored.
Result<std::optional<Decoded>> Decode(const Op& inv, const Op* done, const std::string& source) {
  const bool info = done == nullptr || done->type == OpType::kInfo;
  if (done != nullptr && done->type == OpType::kFail) return std::optional<Decoded>();
  Decoded d;
  d.index = inv.index;
  d.process = inv.process;
  d.info = info;
  if (inv.f == "read") {
    if (info) return std::optional<Decoded>();
    const Value& v = done->value;
    if (v.is_list() || v.is_map())
      return Bad(source, *done, "a read returns one value; got a list or map");
    d.reads = true;
    d.read_value = v.ToJson();
  } else if (inv.f == "write") {
    const Value& v = inv.value.is_null() && done ? done->value : inv.value;
    if (v.is_null() || v.is_list() || v.is_map())
      return Bad(source, inv, "a write needs one non-null value");
    d.writes = true;
    d.write_value = v.ToJson();
  } else if (inv.f == "cas") {
    if (!inv.value.is_list() || inv.value.as_list().size() != 2 ||
        inv.value.as_list()[1].is_null()) {
      return Bad(source, inv, "cas needs [expected, new] with a non-null new value");
    }
    d.reads = d.writes = true;
    d.read_value = inv.value.as_list()[0].ToJson();
    d.write_value = inv.value.as_list()[1].ToJson();
  } else {
    return Bad(source, inv,
               "the causal checker handles register read, write and cas; got f=\"" + inv.f + "\"");
  }
  return std::optional<Decoded>(std::move(d));
}

}  // namespace

namespace {

// Decodes every client op in history order; sessions are numbered as processes (re)appear.
Result<std::vector<Decoded>> DecodeAll(const History& h, const std::string& source, Graph* g,
                                      std::unordered_set<std::string>* failed) {
  static const std::string kNoKey;
  std::unordered_map<std::string, uint32_t> key_ids;
  std::unordered_map<int64_t, uint32_t> session_of;  // process → current session
  uint32_t sessions = 0;
  const std::string* last_key = nullptr;  // points into key_ids, whose nodes never move
  uint32_t last_key_id = 0;
  std::vector<Decoded> decoded;
  decoded.reserve(h.size() / 2);
  constexpr size_t kAhead = 16;  // ops: the completions are read out of order, so fetch early
  for (size_t i = 0; i < h.size(); ++i) {
    if (i + kAhead < h.size() && h.partner(i + kAhead) > 0)
      __builtin_prefetch(&h[size_t(h.partner(i + kAhead))]);
    const Op& op = h[i];
    if (op.is_nemesis() || op.type != OpType::kInvoke) continue;
    const int64_t c = h.partner(i);
    const Op* done = c >= 0 ? &h[c] : nullptr;
    auto [sit, fresh] = session_of.try_emplace(op.process, sessions);
    if (fresh) ++sessions;
    const uint32_t session = sit->second;
    if (done == nullptr || done->type == OpType::kInfo) session_of.erase(op.process);  // retired
    auto d = Decode(op, done, source);
    if (!d.ok()) return d.status();
    // Consecutive ops mostly share a key: look it up only when it changes.
    const std::string& key = op.key ? *op.key : kNoKey;
    if (last_key == nullptr || *last_key != key) {
      auto [kit, kfresh] = key_ids.try_emplace(key, uint32_t(g->keys.size()));
      if (kfresh) g->keys.push_back(kit->first);
      last_key = &kit->first;
      last_key_id = kit->second;
    }
    if (!d->has_value()) {
      if (done && done->type == OpType::kFail && op.f == "write")
        failed->insert(std::to_string(last_key_id) + '\0' + op.value.ToJson());
      continue;
    }
    (*d)->session = session;
    (*d)->key = last_key_id;
    decoded.push_back(std::move(**d));
  }
  return decoded;
}

// The info writes (and cas) some ok op read: only those are in the graph, since an unobserved
// one cannot affect any check. An observed info cas happened too, so the value it expected is
// observed as well: such chains are followed.
KeyValueMap<bool> ObservedInfoWrites(const std::vector<Decoded>& decoded) {
  KeyValueMap<const Decoded*> info;  // (key, written) → the info write or cas
  for (const Decoded& d : decoded) {
    if (!d.info) continue;
    const Decoded*& slot = info[{d.key, d.write_value}];
    if (slot == nullptr || d.reads) slot = &d;  // a cas wins: its chain is followed
  }
  KeyValueMap<bool> observed;
  if (info.empty()) return observed;
  for (const Decoded& d : decoded) {
    if (!d.reads || d.info) continue;
    KeyValue seen{d.key, d.read_value};
    for (auto it = info.find(seen); it != info.end(); it = info.find(seen)) {
      if (!observed.try_emplace(seen, true).second || !it->second->reads) break;
      seen = {it->second->key, it->second->read_value};
    }
  }
  return observed;
}

// Each key's writes grouped by session, sessions ascending.
void IndexWrites(Graph* g) {
  g->writes_by_key.resize(g->keys.size());
  std::unordered_map<uint64_t, uint32_t> slot;  // key << 32 | session → index in its key's list
  for (int32_t n = 0; n < int32_t(g->nodes.size()); ++n) {
    const Node& node = g->nodes[n];
    if (!node.writes) continue;
    auto& list = g->writes_by_key[node.key];
    auto [it, fresh] =
        slot.try_emplace(uint64_t{node.key} << 32 | node.session, uint32_t(list.size()));
    if (fresh) list.push_back({.session = node.session, .pos = {}, .nodes = {}});
    list[it->second].pos.push_back(node.pos);
    list[it->second].nodes.push_back(n);
  }
  for (auto& list : g->writes_by_key) {
    std::sort(list.begin(), list.end(),
              [](const SessionWrites& a, const SessionWrites& b) { return a.session < b.session; });
  }
}

}  // namespace

Result<Graph> BuildGraph(const History& h, const std::string& source) {
  Graph g;
  std::unordered_set<std::string> failed;  // "key id\0value" of failed writes
  auto decoded = DecodeAll(h, source, &g, &failed);
  if (!decoded.ok()) return decoded.status();
  const KeyValueMap<bool> observed = ObservedInfoWrites(*decoded);
  // Keep observed info writes (and the cas reads they imply); number sessions densely.
  constexpr uint32_t kUnnumbered = UINT32_MAX;
  std::vector<uint32_t> dense;  // session → dense number
  g.nodes.reserve(decoded->size());
  g.text.reserve(decoded->size());
  for (Decoded& d : *decoded) {
    if (d.info && !observed.count({d.key, d.write_value})) continue;
    if (d.session >= dense.size()) dense.resize(d.session + 1, kUnnumbered);
    if (dense[d.session] == kUnnumbered) {
      dense[d.session] = uint32_t(g.sessions.size());
      g.sessions.emplace_back();
    }
    const uint32_t session = dense[d.session];
    const int32_t n = int32_t(g.nodes.size());
    g.sessions[session].push_back(n);
    g.nodes.push_back({.index = d.index,
                       .process = d.process,
                       .session = session,
                       .pos = uint32_t(g.sessions[session].size()),
                       .key = d.key,
                       .reads = d.reads,
                       .writes = d.writes,
                       .info = d.info});
    g.text.push_back({d.read_value, d.write_value});
  }
  KeyValueMap<int32_t> writer;  // (key, value) → the node that wrote it; views into g.text
  writer.reserve(g.nodes.size());
  for (int32_t n = 0; n < int32_t(g.nodes.size()); ++n) {
    const Node& node = g.nodes[n];
    const std::string& value = g.text[n].write_value;
    if (node.writes && !writer.try_emplace({node.key, value}, n).second) {
      return Bad(source, h[size_t(node.index)],
                 "value " + value + " is written twice to key \"" + g.keys[node.key] +
                     "\"; the causal checker needs unique written values per key");
    }
  }
  // Reads-from and the readers of every write.
  g.readers.resize(g.nodes.size());
  for (int32_t n = 0; n < int32_t(g.nodes.size()); ++n) {
    Node& node = g.nodes[n];
    if (!node.reads) continue;
    const std::string& value = g.text[n].read_value;
    if (value == "null") {
      node.rf = kInitialWrite;
      continue;
    }
    auto it = writer.find({node.key, value});
    if (it == writer.end()) {
      const bool was_failed = failed.count(std::to_string(node.key) + '\0' + value) > 0;
      g.unwritten.push_back({node.index, node.process, node.key, value, was_failed});
      node.rf = kNoRead;  // no edge; the read is reported on its own
      continue;
    }
    node.rf = it->second;
    g.readers[it->second].push_back(n);
  }
  IndexWrites(&g);
  return g;
}

namespace {

// The predecessors of `n` in happens-before's generating edges.
template <typename F>
void ForEachPred(const Graph& g, int32_t n, F f) {
  const Node& node = g.nodes[n];
  if (node.pos > 1) f(g.sessions[node.session][node.pos - 2]);
  if (node.rf >= 0) f(node.rf);
}

std::vector<int32_t> FindCycle(const Graph& g, const std::vector<uint8_t>& left) {
  // Every node left over has a predecessor left over: walk back until a node repeats.
  int32_t n = int32_t(std::find(left.begin(), left.end(), 1) - left.begin());
  std::vector<int32_t> seen_at(g.nodes.size(), -1), path;
  while (seen_at[n] < 0) {
    seen_at[n] = int32_t(path.size());
    path.push_back(n);
    int32_t next = -1;
    ForEachPred(g, n, [&](int32_t p) {
      if (left[p] && next < 0) next = p;
    });
    n = next;
  }
  std::vector<int32_t> cycle(path.begin() + seen_at[n], path.end());
  std::reverse(cycle.begin(), cycle.end());  // along the edges
  return cycle;
}

}  // namespace

Clocks ComputeClocks(const Graph& g, std::vector<int32_t>* cycle) {
  const size_t n = g.nodes.size();
  std::vector<uint8_t> indegree(n, 0);
  for (size_t i = 0; i < n; ++i) ForEachPred(g, int32_t(i), [&](int32_t) { ++indegree[i]; });
  std::deque<int32_t> ready;
  for (size_t i = 0; i < n; ++i)
    if (indegree[i] == 0) ready.push_back(int32_t(i));
  Clocks c;
  c.width = g.sessions.size();
  c.v.assign(n * c.width, 0);
  size_t done = 0;
  while (!ready.empty()) {
    const int32_t x = ready.front();
    ready.pop_front();
    ++done;
    uint32_t* row = c.v.data() + size_t(x) * c.width;
    ForEachPred(g, x, [&](int32_t p) {
      const uint32_t* prow = c.row(p);
      for (size_t s = 0; s < c.width; ++s) row[s] = std::max(row[s], prow[s]);
    });
    const Node& node = g.nodes[x];
    row[node.session] = node.pos;
    auto release = [&](int32_t succ) {
      if (--indegree[succ] == 0) ready.push_back(succ);
    };
    if (node.pos < g.sessions[node.session].size()) release(g.sessions[node.session][node.pos]);
    for (int32_t r : g.readers[x]) release(r);
  }
  if (done == n) return c;
  std::vector<uint8_t> left(n);
  for (size_t i = 0; i < n; ++i) left[i] = indegree[i] > 0;
  *cycle = FindCycle(g, left);
  return Clocks{};
}

}  // namespace faultline::causal
