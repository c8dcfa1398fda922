#include "report/faults.h"

#include <algorithm>

namespace faultline {
namespace {

// The op that ends a fault begun by `f`, or "" when `f` begins none.
std::string EndOf(const std::string& f) {
  if (f == "kill") return "start";
  if (f == "pause") return "resume";
  if (f == "start") return "stop";  // Jepsen's generic nemesis (when no kill is open)
  if (f.rfind("start-", 0) == 0) return "stop-" + f.substr(6);
  return "";
}

// A nemesis op as the bands see it: issued at its invoke, done at its completion. An op
// recorded alone (one info per fault in older faultline histories, an invoke whose fault
// never completed) is both.
struct FaultMark {
  const Op* issued;
  const Op* done;
};

// The marks in the order they were done.
std::vector<FaultMark> FaultMarks(const History& h) {
  std::vector<FaultMark> marks;
  for (size_t i = 0; i < h.size(); ++i) {
    if (!h[i].is_nemesis()) continue;
    const int64_t partner = h.partner(i);
    if (partner < 0) {
      marks.push_back({&h[i], &h[i]});
    } else if (h[i].type != OpType::kInvoke) {
      marks.push_back({&h[partner], &h[i]});
    }
  }
  return marks;
}

class Pairer {
 public:
  explicit Pairer(const TimeAxis& axis) : axis_(axis) {}

  // A fault begins when it is issued; what it hit is what its completion says (Jepsen's
  // invoke often names no target), else what its invoke planned.
  void Add(const FaultMark& m) {
    const Op& op = *m.done;
    const std::string target = FaultTarget(op.value.is_null() ? m.issued->value : op.value);
    if (Close(op, target)) return;
    const bool begins = !EndOf(op.f).empty();
    bands_.push_back({op.f, target, axis_.At(*m.issued), axis_.At(op), m.issued->index,
                      begins ? -1 : op.index, !begins});
    if (begins) open_.push_back(bands_.size() - 1);
  }

  std::vector<FaultBand> Finish(int64_t end) {
    for (size_t b : open_) bands_[b].end = std::max(bands_[b].start, end);
    return std::move(bands_);
  }

 private:
  // Ends the open fault `op` closes, when `op` is done: the oldest with the same target, else
  // every open fault of that kind (a "stop" names no partition) — except that "start n2"
  // never ends "kill n1". False when it closes none.
  bool Close(const Op& op, const std::string& target) {
    bool closed = false;
    const int passes = op.f == "start" ? 1 : 2;
    for (int pass = 0; pass < passes && !closed; ++pass) {
      for (auto it = open_.begin(); it != open_.end();) {
        FaultBand& b = bands_[*it];
        const bool match = EndOf(b.f) == op.f && (pass == 1 || b.target == target);
        if (!match) {
          ++it;
          continue;
        }
        b.end = axis_.At(op);
        b.end_index = op.index;
        it = open_.erase(it);
        closed = true;
        if (pass == 0) break;
      }
    }
    return closed;
  }

  const TimeAxis& axis_;
  std::vector<FaultBand> bands_;
  std::vector<size_t> open_;
};

}  // namespace

std::string FaultTarget(const Value& v, size_t max_chars) {
  std::string s;
  if (v.is_null()) {
    s = "";
  } else if (v.is_string()) {
    s = v.as_string();
  } else if (v.is_list()) {
    for (const Value& e : v.as_list())
      s += (s.empty() ? "" : ",") + (e.is_string() ? std::string(e.as_string()) : e.ToJson());
  } else {
    s = v.ToJson();
  }
  if (s.size() > max_chars) {
    size_t cut = max_chars;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80)
      --cut;  // whole UTF-8 chars
    s = s.substr(0, cut) + "…";
  }
  return s;
}

std::vector<FaultBand> FaultBands(const History& h, const TimeAxis& axis) {
  int64_t end = 0;
  for (const Op& op : h.ops()) end = std::max(end, axis.At(op));
  Pairer pairer(axis);
  for (const FaultMark& m : FaultMarks(h)) pairer.Add(m);
  return pairer.Finish(end);
}

}  // namespace faultline
