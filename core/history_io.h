// Reading and writing history files in every format faultline accepts.
// Free functions; thread-safe (no shared state).
#pragma once

#include <iosfwd>
#include <string>
#include <string_view>
#include <vector>

#include "core/history.h"
#include "core/status.h"

namespace faultline {

enum class HistoryFormat {
  kAuto,           // detect from the content
  kJsonl,          // faultline's own JSON Lines (ARCHITECTURE §3)
  kEdn,            // Jepsen EDN: a vector/sequence of op maps, jepsen.independent [k v] tuples
  kPorcupineEtcd,  // Porcupine's jepsen.util etcd logs ("INFO  jepsen.util - 0\t:invoke\t:read\tnil")
  kPorcupineKv,    // Porcupine's kv logs: one EDN map per line with :key (read as EDN)
};

Result<HistoryFormat> ParseHistoryFormat(std::string_view name);  // "auto", "jsonl", …
const char* HistoryFormatName(HistoryFormat f);
// Best guess of the format of `text` (never kAuto). Empty text counts as JSON Lines.
HistoryFormat DetectHistoryFormat(std::string_view text);

// A parsed file: its history and the format it was read as.
struct LoadedHistory {
  History history;
  HistoryFormat format = HistoryFormat::kJsonl;
  std::string warning;  // non-empty: something was tolerated (a truncated last line)
};

// Reads and pairs a whole file. Errors are "PATH:LINE: what; expected …"; a path that cannot
// be opened or is a directory is an IoError. A regular file is mapped, never copied (JSON
// Lines in it is parsed in ranges on all hardware threads, its pages dropped once parsed);
// a pipe is read a chunk at a time when the format is jsonl, else read whole.
Result<LoadedHistory> ReadHistoryFile(const std::string& path, HistoryFormat format);
// The same for text already in memory; `source` names it in messages.
Result<LoadedHistory> ParseHistory(std::string_view text, const std::string& source,
                                   HistoryFormat format);

// Per-format parsers: ops in file order, unpaired (History::Make pairs them).
// With `warning` given, an unparseable last line that has no newline (a write cut short by a
// crash) is dropped and described in *warning instead of failing the whole file.
Result<std::vector<Op>> ParseJsonlOps(std::string_view text, const std::string& source,
                                      std::string* warning = nullptr);
Result<std::vector<Op>> ParseEdnOps(std::string_view text, const std::string& source);
Result<std::vector<Op>> ParsePorcupineEtcdOps(std::string_view text, const std::string& source);

// Writes one op per line; ParseJsonlOps reads it back to equal ops.
std::string HistoryToJsonl(const History& h);
Status WriteHistoryJsonl(const History& h, const std::string& path);

}  // namespace faultline
