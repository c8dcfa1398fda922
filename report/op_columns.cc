#include "report/op_columns.h"

#include <algorithm>
#include <array>
#include <limits>
#include <map>
#include <optional>
#include <queue>
#include <set>
#include <unordered_map>
#include <vector>

#include "report/html.h"

namespace faultline {
namespace {

// One column of LEB128 varints.
class Column {
 public:
  void Unsigned(uint64_t v) {
    while (v >= 0x80) {
      bytes_ += static_cast<char>((v & 0x7F) | 0x80);
      v >>= 7;
    }
    bytes_ += static_cast<char>(v);
  }
  void Signed(int64_t v) {
    Unsigned((static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
  }
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

// Strings numbered in order of first appearance.
class Table {
 public:
  uint32_t Id(const std::string& s) {
    auto [it, added] = ids_.try_emplace(s, static_cast<uint32_t>(names_.size()));
    if (added) names_.push_back(s);
    return it->second;
  }
  // Like Id, but refuses (nullopt) a new string once `budget` bytes are used.
  std::optional<uint32_t> IdWithin(const std::string& s, size_t budget) {
    if (auto it = ids_.find(s); it != ids_.end()) return it->second;
    if (bytes_ + s.size() > budget) return std::nullopt;
    bytes_ += s.size();
    return Id(s);
  }
  const std::vector<std::string>& names() const { return names_; }

 private:
  std::unordered_map<std::string, uint32_t> ids_;
  std::vector<std::string> names_;
  size_t bytes_ = 0;
};

constexpr int64_t kMaxExactInt = int64_t{1} << 53;  // JavaScript numbers hold these exactly

bool SmallInt(const Value& v) {
  return v.is_int() && v.as_int() > -kMaxExactInt && v.as_int() < kMaxExactInt;
}

class Encoder {
 public:
  Encoder(const History& h, const TimeAxis& axis, size_t budget)
      : h_(h), axis_(axis), budget_(budget) {}

  void Row(size_t invoke, int64_t end_of_history, uint32_t lane, bool next_process);
  EncodedOps Finish(int64_t end_of_history, const std::vector<std::vector<int64_t>>& lanes);

 private:
  void EncodeValue(const Value& v);

  const History& h_;
  const TimeAxis& axis_;
  const size_t budget_;
  enum { kIdx, kLane, kKind, kStart, kDur, kKey, kNode, kVal, kErr, kColumns };
  std::array<Column, kColumns> col_;
  Table f_, keys_, nodes_, strings_;
  int64_t prev_index_ = -1, prev_start_ = 0, prev_key_ = 0, prev_int_ = 0;
  size_t count_ = 0, elided_ = 0;
};

void Encoder::EncodeValue(const Value& v) {
  Column& c = col_[kVal];
  if (v.is_null()) {
    c.Unsigned(0);
  } else if (SmallInt(v)) {
    c.Unsigned(1);
    c.Signed(v.as_int() - prev_int_);
    prev_int_ = v.as_int();
  } else if (v.is_list() && v.as_list().size() == 2 && SmallInt(v.as_list()[0]) &&
             SmallInt(v.as_list()[1])) {
    const int64_t a = v.as_list()[0].as_int(), b = v.as_list()[1].as_int();
    c.Unsigned(2);
    c.Signed(a - prev_int_);
    c.Signed(b - a);
    prev_int_ = b;
  } else if (auto id = strings_.IdWithin(v.ToJson(), budget_)) {
    c.Unsigned(3);
    c.Unsigned(*id);
  } else {
    c.Unsigned(4);
    ++elided_;
  }
}

void Encoder::Row(size_t invoke, int64_t end_of_history, uint32_t lane, bool next_process) {
  const Op& op = h_[invoke];
  const int64_t done = h_.partner(invoke);
  const Op* completion = done >= 0 ? &h_[done] : nullptr;
  const RowOutcome outcome = !completion                         ? RowOutcome::kPending
                             : completion->type == OpType::kOk   ? RowOutcome::kOk
                             : completion->type == OpType::kFail ? RowOutcome::kFail
                                                                 : RowOutcome::kInfo;
  const int64_t start = axis_.At(op);
  const int64_t end = completion ? axis_.At(*completion) : end_of_history;
  col_[kIdx].Unsigned(static_cast<uint64_t>(op.index - prev_index_));
  col_[kLane].Unsigned(uint64_t{lane} * 2 + (next_process ? 1 : 0));
  col_[kKind].Unsigned(uint64_t{f_.Id(op.f)} * 4 + static_cast<uint8_t>(outcome));
  col_[kStart].Signed(start - prev_start_);
  col_[kDur].Unsigned(static_cast<uint64_t>(std::max<int64_t>(0, end - start)));
  const int64_t key = op.key ? int64_t{keys_.Id(*op.key)} + 1 : 0;
  col_[kKey].Signed(key - prev_key_);
  // The node, with its role when the database said it ("n1 (primary)").
  const MaybeSymbol node = completion && completion->node ? completion->node : op.node;
  const MaybeSymbol role = completion ? completion->role : MaybeSymbol();
  col_[kNode].Unsigned(!node ? 0 : nodes_.Id(NodeLabel(*node, role.value_or(""))) + 1);
  // A read's result is on its completion; writes and cas carry their argument on both.
  EncodeValue(completion && !completion->value.is_null() ? completion->value : op.value);
  uint64_t err = 0;
  if (completion && completion->error) {
    auto id = strings_.IdWithin(*completion->error, budget_);
    err = id ? *id + 2 : 1;
    if (!id) ++elided_;
  }
  col_[kErr].Unsigned(err);
  prev_index_ = op.index;
  prev_start_ = start;
  prev_key_ = key;
  ++count_;
}

EncodedOps Encoder::Finish(int64_t end_of_history, const std::vector<std::vector<int64_t>>& lanes) {
  static constexpr const char* kNames[kColumns] = {"idx", "lane", "kind", "start", "dur",
                                                   "key", "node", "val",  "err"};
  EncodedOps out;
  nlohmann::json columns = nlohmann::json::array();
  for (int c = 0; c < kColumns; ++c) {
    columns.push_back({kNames[c], col_[c].bytes().size()});
    out.bytes += col_[c].bytes();
  }
  out.tables = {{"count", count_},   {"unit", axis_.unit()},        {"end", end_of_history},
                {"f", f_.names()},   {"keys", keys_.names()},       {"nodes", nodes_.names()},
                {"lanes", lanes},    {"strings", strings_.names()}, {"strings_elided", elided_},
                {"columns", columns}};
  return out;
}

}  // namespace

TimeAxis ChooseTimeAxis(const History& h) {
  TimeAxis axis;
  if (h.size() == 0) return axis;
  int64_t prev = std::numeric_limits<int64_t>::min();
  bool any_time = false;
  for (const Op& op : h.ops()) {
    if (op.time < prev || op.time < 0) return axis;  // not usable: fall back to line order
    any_time = any_time || op.time > 0;
    prev = op.time;
  }
  axis.real_time = any_time && h.size() > 1 && h[h.size() - 1].time > h[0].time;
  axis.origin_ns = h[0].time;
  return axis;
}

std::vector<std::vector<int64_t>> AssignLanes(const History& h) {
  struct Life {
    int64_t first = -1, last = -1;
  };
  std::map<int64_t, Life> lives;  // by process id
  for (size_t i = 0; i < h.size(); ++i) {
    const Op& op = h[i];
    if (op.is_nemesis()) continue;
    Life& life = lives[op.process];
    if (life.first < 0) life.first = static_cast<int64_t>(i);
    const bool open = op.type == OpType::kInvoke && h.partner(i) < 0;  // never completes
    life.last = open ? static_cast<int64_t>(h.size()) : std::max<int64_t>(life.last, i);
  }
  std::vector<std::vector<int64_t>> lanes;
  if (lives.size() <= kMaxProcessLanes) {
    for (const auto& [process, life] : lives) lanes.push_back({process});
    return lanes;
  }
  std::vector<std::pair<Life, int64_t>> by_start;
  for (const auto& [process, life] : lives) by_start.push_back({life, process});
  std::sort(by_start.begin(), by_start.end(),
            [](const auto& a, const auto& b) { return a.first.first < b.first.first; });
  std::set<uint32_t> free;
  std::priority_queue<std::pair<int64_t, uint32_t>, std::vector<std::pair<int64_t, uint32_t>>,
                      std::greater<>>
      busy;
  for (const auto& [life, process] : by_start) {
    for (; !busy.empty() && busy.top().first < life.first; busy.pop())
      free.insert(busy.top().second);
    uint32_t lane = static_cast<uint32_t>(lanes.size());
    if (!free.empty()) {
      lane = *free.begin();
      free.erase(free.begin());
    } else {
      lanes.emplace_back();
    }
    lanes[lane].push_back(process);
    busy.push({life.last, lane});
  }
  return lanes;
}

EncodedOps EncodeOps(const History& h, const TimeAxis& axis, size_t string_budget) {
  int64_t end = 0;
  for (const Op& op : h.ops()) end = std::max(end, axis.At(op));
  const std::vector<std::vector<int64_t>> lanes = AssignLanes(h);
  std::unordered_map<int64_t, uint32_t> lane_of;
  for (uint32_t l = 0; l < lanes.size(); ++l) {
    for (int64_t p : lanes[l]) lane_of[p] = l;
  }
  std::vector<int64_t> current(lanes.size(), std::numeric_limits<int64_t>::min());
  Encoder enc(h, axis, string_budget);
  for (size_t i = 0; i < h.size(); ++i) {
    const Op& op = h[i];
    if (op.is_nemesis() || op.type != OpType::kInvoke) continue;
    const uint32_t lane = lane_of[op.process];
    const bool next_process = current[lane] != op.process;
    current[lane] = op.process;
    enc.Row(i, end, lane, next_process);
  }
  return enc.Finish(end, lanes);
}

}  // namespace faultline
