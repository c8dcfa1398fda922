// What the reply-parser fuzz targets share: splitting an input into reply lines, and the
// contract that an op recorded from a reply reads back. Stateless; libFuzzer calls it from
// one thread.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/history.h"
#include "core/history_io.h"

namespace faultline {

// Calls `each(line)` for every '\n'-separated line of `text` (the last one may be empty).
template <typename F>
void ForEachLine(std::string_view text, F&& each) {
  for (size_t start = 0; start <= text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    each(text.substr(start, end - start));
    start = end + 1;
  }
}

// Aborts unless `op`'s history line reads back as one op with faultline's JSON Lines reader.
inline void CheckRecordedOpReadsBack(const Op& op) {
  const std::string recorded = op.ToJson();
  Result<std::vector<Op>> back = ParseJsonlOps(recorded, "fuzz-recorded-op");
  if (!back.ok() || back->size() != 1) {
    std::fprintf(stderr, "the op recorded from a reply does not read back: %s\n---\n%s\n",
                 back.ok() ? "not one op" : back.status().message().c_str(), recorded.c_str());
    std::abort();
  }
}

}  // namespace faultline
