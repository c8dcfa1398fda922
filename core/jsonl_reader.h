// Internals of faultline's JSON Lines reader (core/jsonl_reader.cc), for history_io.cc and the
// reader's tests; everyone else calls ParseJsonlOps / ReadHistoryFile (core/history_io.h).
// Free functions; thread-safe (no shared state).
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/history.h"
#include "core/status.h"

namespace faultline {

// How ParseJsonlText reads a text. The defaults suit text in ordinary memory.
struct JsonlParseOptions {
  // Bytes readable from text.data() (>= text.size(); 0 means text.size()). simdjson reads up
  // to SIMDJSON_PADDING bytes past a line; lines with less room after them are copied first.
  size_t readable = 0;
  // Lines the fast path (ParseFlatJsonlOp) accepts skip simdjson; false sends every line
  // through simdjson (the tests compare the two).
  bool fast_path = true;
  // The text is cut at line ends into at most this many ranges, parsed on as many threads
  // (0: one per hardware thread, at most 8), each range at least `min_range_bytes` long.
  unsigned max_ranges = 0;
  size_t min_range_bytes = size_t{4} << 20;
  // Called now and then, possibly from several threads at once, with a part of the text that
  // is parsed and will not be read again (a mapped file drops those pages; the ops hold
  // copies of everything they need).
  std::function<void(const char* begin, const char* end)> release;
  // Called likewise with a part of the text about to be read (a mapped file maps its pages
  // in one call instead of one page fault at a time).
  std::function<void(const char* begin, const char* end)> prefetch;
};

// ParseJsonlOps with options: ops in file order, unpaired, `line` set; errors and the
// truncated-last-line warning exactly as ParseJsonlOps documents.
Result<std::vector<Op>> ParseJsonlText(std::string_view text, const std::string& source,
                                       std::string* warning, const JsonlParseOptions& options);

// JSON Lines from any source (a pipe; regular files are mapped): `read(buf, n)` fills up to
// n bytes and returns how many, 0 at the end. Reads a chunk at a time (64 KB first, growing to 8 MB), so neither a short history
// pays for a large buffer nor a long one is ever held whole.
Result<std::vector<Op>> ReadJsonlStream(const std::function<Result<size_t>(char*, size_t)>& read,
                                        const std::string& source, size_t size_hint,
                                        std::string* warning);

// The fast path: parses one line (trimmed, non-blank) into *op if it has the flat shape
// faultline's own writer produces (Op::ToJson): no whitespace between tokens, known keys only,
// integers of at most 18 digits, null, booleans, printable-ASCII strings without escapes, and
// flat lists of those. Returns false, with *op unspecified, for anything else, which the
// caller must then parse with simdjson: the fast path never decides that a line is invalid.
// Every line it accepts yields exactly the Op the simdjson path yields (line left at 0).
bool ParseFlatJsonlOp(std::string_view line, Op* op);
// The same from the start of `text`, which may go on past the op: the length of the flat op
// read into *op, 0 if refused. Never reads past a newline (strings may not hold one).
size_t ParseFlatJsonlPrefix(std::string_view text, Op* op);

}  // namespace faultline
