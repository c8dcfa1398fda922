// The body shared by the history-reader fuzz targets (one per format, fuzz/CMakeLists.txt).
// Stateless; libFuzzer calls it from one thread.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/history_io.h"

namespace faultline {

// Parses `data` as `format`. Any outcome is fine except a crash, a sanitizer finding or a
// broken contract: an error must carry a message, and a history that was read must survive
// the JSON Lines round trip (HistoryToJsonl, then ParseHistory as JSON Lines, same op count).
inline int FuzzHistoryReader(const uint8_t* data, size_t size, HistoryFormat format) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  Result<LoadedHistory> loaded = ParseHistory(text, "fuzz-input", format);
  if (!loaded.ok()) {
    if (loaded.status().message().empty()) {
      std::fprintf(stderr, "%s reader failed with an empty message\n", HistoryFormatName(format));
      std::abort();
    }
    return 0;
  }
  const std::string jsonl = HistoryToJsonl(loaded->history);
  Result<LoadedHistory> again = ParseHistory(jsonl, "fuzz-round-trip", HistoryFormat::kJsonl);
  if (!again.ok() || again->history.size() != loaded->history.size()) {
    std::fprintf(stderr, "%s history did not survive the JSON Lines round trip: %s\n---\n%s\n",
                 HistoryFormatName(format),
                 again.ok() ? "op count differs" : again.status().message().c_str(),
                 jsonl.c_str());
    std::abort();
  }
  return 0;
}

}  // namespace faultline
