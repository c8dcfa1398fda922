// Fault bands: the nemesis ops of a history paired into intervals the report shades across
// its timeline and charts ("kill n1" until "start n1"; "start-partition" until
// "stop-partition"; pause/resume; Jepsen's generic start/stop). A band runs from the invoke
// of the op that begins it (the fault issued) to the completion of the op that ends it
// (kill's invoke → start's info: until the restarted node is back); a fault recorded as one
// op (older faultline histories) counts as issued and done at that op. A fault never ended
// runs to the end of the history; a nemesis op that opens nothing and closes nothing
// (bump-clock, …) is an instant at its issue. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/history.h"
#include "report/op_columns.h"

namespace faultline {

struct FaultBand {
  std::string f;               // the op that began it: "kill", "start-partition", …
  std::string target;          // what it hit, as text: "n1", "n1,n2", {"n1":["n4","n5"]}
  int64_t start = 0, end = 0;  // axis units (TimeAxis)
  int64_t start_index = 0, end_index = -1;  // history lines; end_index -1: never ended
  bool instant = false;
};

std::vector<FaultBand> FaultBands(const History& h, const TimeAxis& axis);
// A short text for a nemesis op's value: strings as they are, lists joined by ",", other
// values as compact JSON; at most `max_chars` characters (then "…").
std::string FaultTarget(const Value& v, size_t max_chars = 80);

}  // namespace faultline
