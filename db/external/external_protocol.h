// The JSON Lines protocol between faultline and an external client program
// (docs/external-client.md): one request line per op on the program's stdin, one reply line
// per request on its stdout. Pure functions; safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/history.h"
#include "core/status.h"
#include "core/value.h"
#include "harness/client.h"

namespace faultline {

// A reply line longer than this is refused (the op becomes info).
inline constexpr size_t kMaxExternalReplyBytes = 1 << 20;
// Values nested deeper than this are refused.
inline constexpr int kMaxExternalValueDepth = 32;

// One parsed reply: {"id":N,"type":"ok|fail|info","value":…,"error":"…",
// "unavailable":true,"node":"n1","role":"leader"}.
struct ExternalReply {
  int64_t id = 0;
  OpType type = OpType::kInfo;  // kOk, kFail or kInfo; never kInvoke
  Value value;                  // "value"; null when absent
  std::string error;            // "error"; "" when absent or null
  bool unavailable = false;     // "unavailable" (fail only): the node could not serve at all
  std::string node;             // "node": the node that answered, when not the one asked
  std::string role;             // "role": that node's role as the database said, if it did
};

// Parses one reply line (without its newline; a trailing "\r" is tolerated). Unknown fields
// are ignored. InvalidInput, naming the field and what was expected, for: a line over
// `max_bytes`, anything but one JSON object, a missing or non-integer "id", a missing or
// unknown "type", an "error"/"node"/"role" that is not a string, an "unavailable" that is not a
// boolean, "unavailable" on anything but a fail, a known field given twice, integers outside
// int64, or a value nested deeper than kMaxExternalValueDepth.
Result<ExternalReply> ParseExternalReply(std::string_view line,
                                         size_t max_bytes = kMaxExternalReplyBytes);

// Checks a client's first line, which says it has started and takes requests:
// {"type":"ready"} (other fields are ignored). InvalidInput says what is wrong.
Status ParseExternalReady(std::string_view line);

// The request line for `req` (with a trailing newline): {"id":N,"f":…,"key":…,"value":…,
// "node":…,"timeout_ms":…}; "key" only when the op has one.
std::string EncodeExternalRequest(int64_t id, const OpRequest& req, const std::string& node,
                                  int64_t timeout_ms);

}  // namespace faultline
