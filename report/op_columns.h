// The client ops of a history in the compact form report.html embeds: one row per op (its
// invoke and completion), stored column by column as LEB128 varints (deltas where values
// grow), so a 1,000,000-op history fits in ~15 MB of base64. report.js decodes it (data.js).
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "core/history.h"

namespace faultline {

// Where ops sit on the x axis. Real time (µs since the first op) when every op has a
// time and times never go backwards; otherwise the line index (Porcupine and EDN
// histories often carry no times).
struct TimeAxis {
  bool real_time = false;
  int64_t origin_ns = 0;
  // Position of `op` in axis units (µs or line index), rounded.
  int64_t At(const Op& op) const {
    return real_time ? (op.time - origin_ns + 500) / 1000 : op.index;
  }
  const char* unit() const { return real_time ? "us" : "index"; }
};
TimeAxis ChooseTimeAxis(const History& h);

// Row outcomes, as stored in the "kind" column (kind = f_id * 4 + outcome).
enum class RowOutcome : uint8_t { kOk = 0, kFail = 1, kInfo = 2, kPending = 3 };

// Timeline lanes. Up to kMaxProcessLanes processes get one lane each, in id order. Beyond
// that (every info op retires a process, so long runs have thousands), processes whose
// lifetimes — first invoke to last line — never overlap share a lane, lowest free lane first:
// about one lane per worker, as Jepsen draws threads.
inline constexpr size_t kMaxProcessLanes = 256;
std::vector<std::vector<int64_t>> AssignLanes(const History& h);

struct EncodedOps {
  // {"count", "unit", "end", "f": [...], "keys": [...], "nodes": [...],
  //  "lanes": [[process...]...] (each lane's processes in time order), "strings": [...],
  //  "columns": [[name, bytes]...], "strings_elided": n}. The "lane" column holds
  //  lane * 2 + 1 on a lane's first op of its next process, else lane * 2.
  nlohmann::json tables;
  std::string bytes;  // the columns, concatenated in the order of tables["columns"]
};

// Encodes every client op of `h`. Value texts that are not ints or int pairs, and error
// messages, go to a string table of at most `string_budget` bytes; past it they are elided
// (the page then points at the history line).
EncodedOps EncodeOps(const History& h, const TimeAxis& axis, size_t string_budget);

}  // namespace faultline
