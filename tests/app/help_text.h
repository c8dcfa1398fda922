// Help text as a test reads it: program_options' line wrapping undone (every run of spaces
// and newlines one space), so a phrase is found wherever the wrapping cut it. Pure.
#pragma once

#include <string>

namespace faultline::testing {

inline std::string Unwrapped(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n' || c == ' ') {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace faultline::testing
