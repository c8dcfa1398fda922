// Writing a report file so that a reader never sees half of it: write PATH.tmp, then rename.
// Thread-safe for distinct paths.
#pragma once

#include <string>
#include <string_view>

#include "core/status.h"

namespace faultline {

Status WriteFileAtomically(const std::string& path, std::string_view content);

}  // namespace faultline
