// Op and History: the recorded operations of a run (ARCHITECTURE §3) and their
// invoke/completion pairing. A History is built once, then read-only (thread-safe to read).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/symbol.h"
#include "core/value.h"

namespace faultline {

enum class OpType : uint8_t { kInvoke, kOk, kFail, kInfo };

const char* OpTypeName(OpType t);  // "invoke", "ok", "fail", "info"
std::optional<OpType> ParseOpType(std::string_view s);

// The process id of fault-injection ops ("nemesis" in the history).
inline constexpr int64_t kNemesisProcess = -1;

// 72 bytes: the texts an op repeats (f, key, node, role, error) are interned Symbols, so a 10M-op
// history fits in well under 1 GB (bench/README.md, "Memory per op").
struct Op {
  int64_t index = 0;       // position in the history (0-based)
  int64_t time = 0;        // ns since the test started (monotonic); 0 when unknown
  int64_t process = 0;     // >= 0 for clients, kNemesisProcess for the nemesis
  OpType type = OpType::kInvoke;
  // Issued in the final phase, after every fault was healed and the cluster had time to
  // recover (e.g. a counter's final reads, which must agree). "final":true in JSON Lines.
  bool final = false;
  Symbol f;           // "read", "write", "cas", "transfer", …
  MaybeSymbol key;    // independent key, if any
  MaybeSymbol node;   // node that served the op, if known
  MaybeSymbol error;  // error text of a fail/info, if any
  // The answering node's role as the database reported it ("primary", "replica", "leader",
  // "follower"), on completions whose database says; in Op's padding, so no byte is added.
  MaybeSymbol role;
  Value value;
  int64_t line = 0;   // 1-based line in the source file (0: not from a file)

  bool is_nemesis() const { return process == kNemesisProcess; }
  // The line to name in messages: its source line, else its 1-based position.
  int64_t SourceLine() const { return line > 0 ? line : index + 1; }
  // One JSON Lines record (no trailing newline), per ARCHITECTURE §3.
  std::string ToJson() const;
};

// "SOURCE:LINE: " — the prefix of every message about `op`.
std::string OpLocation(const std::string& source, const Op& op);

// Ops in history order plus the pairing of every invoke with its completion.
class History {
 public:
  History() = default;
  // Takes ownership of `ops`, renumbers their index, and pairs them. Fails with a
  // "SOURCE:LINE: …" message on a completion with no open invoke, a second invoke on a
  // process with an open op, or a completion whose f differs from its invoke.
  static Result<History> Make(std::vector<Op> ops, const std::string& source);

  const std::vector<Op>& ops() const { return ops_; }
  size_t size() const { return ops_.size(); }
  const Op& operator[](size_t i) const { return ops_[i]; }

  // For an invoke: index of its completion, or -1 if it never completed (pending,
  // treated like info). For a completion: index of its invoke. Nemesis ops pair the same
  // way when they can; a nemesis info with no invoke (one-op faults of older histories) and
  // a nemesis invoke never completed have -1, and neither makes Make fail.
  int64_t partner(size_t i) const { return partner_[i]; }

 private:
  std::vector<Op> ops_;
  std::vector<int64_t> partner_;
};

}  // namespace faultline
