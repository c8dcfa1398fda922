// Keeping secrets out of reports: a test option whose name marks it as a secret (password,
// passphrase, secret, token, credential, API key) is shown as "(redacted)", at any depth, and
// so are credentials written inside a value ("user:pass@host", "password=…"). An SSH key's
// *path* is not a secret. Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace faultline {

inline constexpr const char* kRedacted = "(redacted)";

// True for option names such as "password", "db-password", "ssh_passphrase", "api_token".
bool IsSecretOptionName(std::string_view name);
// `value` with credentials inside it replaced: "postgres://u:pw@h" → "postgres://u:(redacted)@h",
// "host=h password=pw" → "host=h password=(redacted)".
std::string RedactCredentialsInText(const std::string& value);
// A copy of `options` (test.json) safe to show: secret-named members replaced at any depth and
// every string value passed through RedactCredentialsInText.
nlohmann::json RedactOptions(const nlohmann::json& options);

}  // namespace faultline
