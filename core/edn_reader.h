// The two ways ParseEdnOps (core/history_io.h) can read op maps, exposed so that a test can
// show they agree. Free functions; thread-safe (no shared state).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/history.h"
#include "core/status.h"

namespace faultline {

enum class EdnOpPath {
  kFast,     // op maps handed entry by entry to a visitor (EdnReader::NextVisiting), with
             // kGeneral's reading as the fallback for any map the visitor gives up on
  kGeneral,  // every form read as a Value, then converted to an Op
};

// ParseEdnOps(text, source) reads with kFast. Both paths return the same ops, or the same error.
Result<std::vector<Op>> ParseEdnOpsVia(std::string_view text, const std::string& source,
                                       EdnOpPath path);

}  // namespace faultline
