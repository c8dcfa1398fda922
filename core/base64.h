// Standard base64 (RFC 4648): SSH keys and fingerprints, etcd's JSON gateway, the report's
// embedded data. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace faultline {

// Standard base64 with '=' padding, or without when `pad` is false.
std::string Base64Encode(std::string_view bytes, bool pad = true);
// Decodes standard base64, ignoring whitespace and missing padding. False on other bytes.
bool Base64Decode(std::string_view text, std::string* out);

}  // namespace faultline
