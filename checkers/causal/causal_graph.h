// Internal to the causal checker: the register ops decoded into a happens-before graph
// (session order ∪ reads-from) and a vector clock per op. Built once, then read-only.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/history.h"
#include "core/status.h"

namespace faultline::causal {

// rf of a node that reads the initial (null) value, and of one that reads nothing.
inline constexpr int32_t kInitialWrite = -1;
inline constexpr int32_t kNoRead = -2;

struct Node {
  int64_t index = 0;  // history index of the invoke
  int64_t process = 0;
  uint32_t session = 0;
  uint32_t pos = 0;  // 1-based position in its session
  uint32_t key = 0;
  bool reads = false;    // read or cas
  bool writes = false;   // write or cas
  bool info = false;     // completed info or never: included because its write was observed
  int32_t rf = kNoRead;  // node whose write it read, or kInitialWrite
};

// The values a node read and wrote, as JSON text: only messages need them, so they are kept
// apart from the nodes the checks walk.
struct NodeText {
  std::string read_value, write_value;
};

// One session's writes to one key, in session order: positions for the binary search, nodes
// for the answer (parallel arrays).
struct SessionWrites {
  uint32_t session = 0;
  std::vector<uint32_t> pos;
  std::vector<int32_t> nodes;
};

struct Graph {
  std::vector<Node> nodes;                     // in history order of invoke
  std::vector<NodeText> text;                  // node → its values
  std::vector<std::string> keys;               // key id → key
  std::vector<std::vector<int32_t>> sessions;  // session → its nodes in order
  std::vector<std::vector<int32_t>> readers;   // node → nodes that read its write
  // key → the sessions that wrote it, by ascending session, each with its writes.
  std::vector<std::vector<SessionWrites>> writes_by_key;
  // Reads of a value no ok/info op wrote: (node index is not in `nodes`) history index + text.
  struct Unwritten {
    int64_t index, process;
    uint32_t key;
    std::string value;
    bool failed;
  };
  std::vector<Unwritten> unwritten;
};

Result<Graph> BuildGraph(const History& h, const std::string& source);

// Vector clocks, one row of `width` entries per node: row[s] = how many ops of session s
// happen before or are the node.
struct Clocks {
  size_t width = 0;
  std::vector<uint32_t> v;
  const uint32_t* row(int32_t n) const { return v.data() + size_t(n) * width; }
};

// Clocks in one pass over a topological order. On a cycle, returns no clocks and fills `cycle`
// with the nodes of one cycle, in order along its edges.
Clocks ComputeClocks(const Graph& g, std::vector<int32_t>* cycle);

inline bool HappensBefore(const Graph& g, const Clocks& c, int32_t a, int32_t b) {
  return a != b && c.row(b)[g.nodes[a].session] >= g.nodes[a].pos;
}

}  // namespace faultline::causal
