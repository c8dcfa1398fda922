#include "core/utf8.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>

namespace faultline {
namespace {

// Length of the well-formed sequence at the start of `s`, or 0 if it is ill-formed.
size_t SequenceLength(std::string_view s) {
  const auto byte = [&](size_t i) { return static_cast<uint8_t>(s[i]); };
  const uint8_t b0 = byte(0);
  if (b0 < 0x80) return 1;
  size_t n = 0;
  uint8_t lo = 0x80, hi = 0xBF;  // the allowed range of the second byte
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    n = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    n = 3;
    if (b0 == 0xE0) lo = 0xA0;  // overlong
    if (b0 == 0xED) hi = 0x9F;  // surrogates
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    n = 4;
    if (b0 == 0xF0) lo = 0x90;  // overlong
    if (b0 == 0xF4) hi = 0x8F;  // above U+10FFFF
  } else {
    return 0;  // a continuation byte, C0, C1 or F5..FF
  }
  if (s.size() < n || byte(1) < lo || byte(1) > hi) return 0;
  for (size_t i = 2; i < n; ++i) {
    if (byte(i) < 0x80 || byte(i) > 0xBF) return 0;
  }
  return n;
}

}  // namespace

size_t FindInvalidUtf8(std::string_view text) {
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    // Histories are nearly all ASCII: 16 bytes at a time while no byte has its top bit set.
    while (n - i >= 16) {
      uint64_t a, b;
      std::memcpy(&a, text.data() + i, 8);
      std::memcpy(&b, text.data() + i + 8, 8);
      if ((a | b) & 0x8080808080808080ULL) break;
      i += 16;
    }
    while (i < n && static_cast<uint8_t>(text[i]) < 0x80) ++i;
    if (i == n) break;
    const size_t n = SequenceLength(text.substr(i));
    if (n == 0) return i;
    i += n;
  }
  return std::string_view::npos;
}

Status CheckUtf8(std::string_view text, const std::string& source) {
  const size_t bad = FindInvalidUtf8(text);
  if (bad == std::string_view::npos) return Status::Ok();
  const std::string_view before = text.substr(0, bad);
  const int64_t line = 1 + std::count(before.begin(), before.end(), '\n');
  const size_t newline = before.rfind('\n');
  const size_t line_start = newline == std::string_view::npos ? 0 : newline + 1;
  char what[96];
  std::snprintf(what, sizeof what, ": byte 0x%02X at column %zu is not valid UTF-8",
                static_cast<unsigned>(static_cast<uint8_t>(text[bad])), bad - line_start + 1);
  return Status::InvalidInput(source + ":" + std::to_string(line) + what +
                              "; expected UTF-8 text (convert the file, e.g. with iconv)");
}

}  // namespace faultline
