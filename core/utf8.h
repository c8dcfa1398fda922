// UTF-8 validation for the history readers that take raw text (EDN, Porcupine logs): strings
// read from them end up in JSON Lines and reports, which must stay valid UTF-8.
// Free functions; thread-safe (no shared state).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/status.h"

namespace faultline {

// Offset of the first byte of `text` that does not begin a well-formed UTF-8 sequence
// (Unicode 15, table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF), or
// std::string_view::npos when all of it is well-formed.
size_t FindInvalidUtf8(std::string_view text);

// Ok, or InvalidInput "SOURCE:LINE: byte 0xNN at column C is not valid UTF-8; expected UTF-8
// text" for the first ill-formed byte.
Status CheckUtf8(std::string_view text, const std::string& source);

}  // namespace faultline
