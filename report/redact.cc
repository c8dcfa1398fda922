#include "report/redact.h"

#include <algorithm>
#include <cctype>
#include <regex>

namespace faultline {

bool IsSecretOptionName(std::string_view name) {
  std::string n;
  for (char c : name) {
    if (std::isalnum(static_cast<unsigned char>(c)))
      n += std::tolower(static_cast<unsigned char>(c));
  }
  static constexpr std::string_view kMarkers[] = {
      "password",   "passwd", "passphrase", "secret",    "token",
      "credential", "apikey", "pwd",        "accesskey", "privatekeydata"};
  if (std::any_of(std::begin(kMarkers), std::end(kMarkers),
                  [&](std::string_view m) { return n.find(m) != std::string::npos; })) {
    return true;
  }
  // Short markers count only as a whole word: "ssh-pass", "db_pw" (not "bypass").
  static const std::regex kWord(R"((^|[^A-Za-z0-9])(pass|pw)([^A-Za-z0-9]|$))", std::regex::icase);
  return std::regex_search(name.begin(), name.end(), kWord);
}

std::string RedactCredentialsInText(const std::string& value) {
  // scheme://user:password@host
  static const std::regex kUrl(R"(([A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@]*:)[^\s@/]*@)");
  // password=…, secret: …, token=… (connection strings, DSNs)
  static const std::regex kAssign(
      R"(((?:pass(?:word|wd|phrase)?|pwd|secret|token|api[_-]?key)\s*[=:]\s*)("[^"]*"|'[^']*'|[^\s;,&]+))",
      std::regex::icase);
  std::string out = std::regex_replace(value, kUrl, std::string("$1") + kRedacted + "@");
  return std::regex_replace(out, kAssign, std::string("$1") + kRedacted);
}

nlohmann::json RedactOptions(const nlohmann::json& options) {
  if (options.is_string()) return RedactCredentialsInText(options.get<std::string>());
  if (options.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& v : options) out.push_back(RedactOptions(v));
    return out;
  }
  if (!options.is_object()) return options;
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, v] : options.items()) {
    out[name] = IsSecretOptionName(name) ? nlohmann::json(kRedacted) : RedactOptions(v);
  }
  return out;
}

}  // namespace faultline
