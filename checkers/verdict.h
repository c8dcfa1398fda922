// Verdict: the three-valued answer of every checker. Plain values; thread-safe.
#pragma once

#include <string_view>

namespace faultline {

enum class Verdict { kValid, kInvalid, kUnknown };

inline const char* VerdictName(Verdict v) {
  switch (v) {
    case Verdict::kValid: return "valid";
    case Verdict::kInvalid: return "invalid";
    case Verdict::kUnknown: return "unknown";
  }
  return "?";
}

// Composition rule: invalid beats unknown beats valid.
inline Verdict Worst(Verdict a, Verdict b) {
  auto rank = [](Verdict v) { return v == Verdict::kInvalid ? 2 : v == Verdict::kUnknown ? 1 : 0; };
  return rank(a) >= rank(b) ? a : b;
}

// Process exit code for a verdict (ARCHITECTURE §1): 0 valid, 1 invalid, 2 unknown.
inline int ExitCodeFor(Verdict v) {
  return v == Verdict::kValid ? 0 : v == Verdict::kInvalid ? 1 : 2;
}

}  // namespace faultline
