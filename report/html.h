// Escaping for the report's HTML: text and attributes, JSON embedded in <script> blocks, and
// base64 for binary data blocks. Pure functions; thread-safe.
#pragma once

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <string_view>

namespace faultline {

// `s` as HTML text or a double-quoted attribute value: & < > " ' escaped. Invalid UTF-8 is
// replaced (U+FFFD) so the page always parses.
std::string EscapeHtml(std::string_view s);

// `j` as JSON text that is safe inside <script type="application/json">: every < > & and
// U+2028/U+2029 is written as a \u escape, so no value (e.g. "</script>") can end the block.
std::string JsonForScript(const nlohmann::json& j);

// "1,234,567"
std::string GroupDigits(int64_t n);
// A duration for people: "850 µs", "12.3 ms", "4.20 s", "3 min 12 s".
std::string HumanSeconds(double seconds);
// The node that answered an op, with its role when the database said it: "n1 (primary)", or
// "n1" when `role` is empty.
std::string NodeLabel(std::string_view node, std::string_view role);

}  // namespace faultline
