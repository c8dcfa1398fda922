// Strings that break naive shell quoting, shared by the local and the SSH quoting tests.
#pragma once

#include <string>
#include <vector>

namespace faultline::testing {

inline std::vector<std::string> HostileStrings() {
  return {"",
          "plain",
          "two words",
          "  leading and trailing  ",
          "it's",
          "'",
          "''",
          "'\\''",
          "\"double\" quotes",
          "$(echo pwned)",
          "`echo pwned`",
          "${HOME} $HOME $0 $$ $1",
          "a;b&&c||d|e",
          "redirect > /dev/null < /etc/passwd 2>&1",
          "glob * ? [a-z] ~ ~root",
          "back\\slash \\n \\\\",
          "line1\nline2\n",
          "tab\there\rcarriage",
          "-n",
          "--help",
          "#not a comment",
          "!history !! !$",
          "unicode: héllo wörld — 日本語 🙂",
          std::string("bytes \x01\x7f\xff\xfe end"),
          "%s %d %n %%"};
}

inline std::string NulJoined(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) {
    out += w;
    out.push_back('\0');
  }
  return out;
}

}  // namespace faultline::testing
