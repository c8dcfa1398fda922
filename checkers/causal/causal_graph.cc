#include "checkers/causal/causal_graph.h"

#include <algorithm>
#include <deque>
#include <optional>

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

uint64_t Pack(uint32_t key, uint32_t value_or_session) {
  return uint64_t{key} << 32 | value_or_session;
}

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

Result<Graph> BuildGraph(const History& h, const std::string& source) {
  Graph g;
  std::unordered_map<std::string, uint32_t> key_ids;
  std::unordered_map<int64_t, uint32_t> session_of;  // process → current session
  uint32_t sessions = 0;
  std::vector<Decoded> decoded;
  std::unordered_map<std::string, uint32_t> failed;  // "key\0value" of failed writes
  for (size_t i = 0; i < h.size(); ++i) {
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
    auto [kit, kfresh] = key_ids.try_emplace(op.key.value_or(""), uint32_t(g.keys.size()));
    if (kfresh) g.keys.push_back(op.key.value_or(""));
    if (!d->has_value()) {
      if (done && done->type == OpType::kFail && op.f == "write")
        failed[kit->first + '\0' + op.value.ToJson()] = 1;
      continue;
    }
    (*d)->session = session;
    (*d)->key = kit->second;
    decoded.push_back(std::move(**d));
  }
  // Which (key, value) pairs some ok op read: an info write is in the graph only if observed.
  // An observed info cas happened too, so the value it expected is observed: follow such chains.
  std::unordered_map<std::string, uint32_t> observed;
  std::unordered_map<std::string, const Decoded*> info_cas;  // "key\0written" → the info cas
  for (const Decoded& d : decoded) {
    if (d.info && d.reads) info_cas[g.keys[d.key] + '\0' + d.write_value] = &d;
  }
  for (const Decoded& d : decoded) {
    if (!d.reads || d.info) continue;
    std::string seen = g.keys[d.key] + '\0' + d.read_value;
    while (observed.try_emplace(seen, 1).second) {
      auto it = info_cas.find(seen);
      if (it == info_cas.end()) break;
      seen = g.keys[it->second->key] + '\0' + it->second->read_value;
    }
  }
  // Keep observed info writes (and the cas reads they imply); number sessions densely.
  std::unordered_map<uint32_t, uint32_t> dense;
  std::unordered_map<std::string, int32_t> writer;  // "key\0value" → node
  for (const Decoded& d : decoded) {
    const std::string wkey = g.keys[d.key] + '\0' + d.write_value;
    if (d.info && !observed.count(wkey)) continue;
    auto [dit, dfresh] = dense.try_emplace(d.session, uint32_t(g.sessions.size()));
    if (dfresh) g.sessions.emplace_back();
    const int32_t n = int32_t(g.nodes.size());
    g.sessions[dit->second].push_back(n);
    g.nodes.push_back({.index = d.index,
                       .process = d.process,
                       .session = dit->second,
                       .pos = uint32_t(g.sessions[dit->second].size()),
                       .key = d.key,
                       .reads = d.reads,
                       .writes = d.writes,
                       .info = d.info,
                       .read_value = d.read_value,
                       .write_value = d.write_value});
    if (d.writes && !writer.try_emplace(wkey, n).second) {
      const Op& op = h[size_t(d.index)];
      return Bad(source, op,
                 "value " + d.write_value + " is written twice to key \"" + g.keys[d.key] +
                     "\"; the causal checker needs unique written values per key");
    }
  }
  // Reads-from, the readers of every write, and each session's writes per key.
  g.readers.resize(g.nodes.size());
  for (int32_t n = 0; n < int32_t(g.nodes.size()); ++n) {
    Node& node = g.nodes[n];
    if (node.writes) g.writes_by_key_session[Pack(node.key, node.session)].push_back(n);
    if (!node.reads) continue;
    if (node.read_value == "null") {
      node.rf = kInitialWrite;
      continue;
    }
    auto it = writer.find(g.keys[node.key] + '\0' + node.read_value);
    if (it == writer.end()) {
      const bool was_failed = failed.count(g.keys[node.key] + '\0' + node.read_value) > 0;
      g.unwritten.push_back({node.index, node.process, node.key, node.read_value, was_failed});
      node.rf = kNoRead;  // no edge; the read is reported on its own
      continue;
    }
    node.rf = it->second;
    g.readers[it->second].push_back(n);
  }
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
