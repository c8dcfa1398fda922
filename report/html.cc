#include "report/html.h"

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace faultline {

std::string EscapeHtml(std::string_view s) {
  bool ascii = true;
  for (char c : s) ascii = ascii && static_cast<unsigned char>(c) < 0x80;
  // A round trip through JSON with replace-errors makes other text valid UTF-8.
  const std::string unescaped =
      ascii ? std::string(s)
            : nlohmann::json::parse(
                  nlohmann::json(std::string(s))
                      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace))
                  .get<std::string>();
  std::string out;
  out.reserve(unescaped.size() + 16);
  for (char c : unescaped) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string JsonForScript(const nlohmann::json& j) {
  const std::string text = j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size() + text.size() / 16);
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    // Outside strings JSON has none of these characters, so escaping them is always safe.
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else if (c == '\xE2' && i + 2 < text.size() && text[i + 1] == '\x80' &&
               (text[i + 2] == '\xA8' || text[i + 2] == '\xA9')) {
      out += text[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

std::string GroupDigits(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string HumanSeconds(double s) {
  char buf[64];
  if (!std::isfinite(s) || s < 0) return "?";
  if (s < 1e-3) {
    std::snprintf(buf, sizeof buf, "%.0f µs", s * 1e6);
  } else if (s < 1) {
    std::snprintf(buf, sizeof buf, "%.*f ms", s < 0.01 ? 2 : 1, s * 1e3);
  } else if (s < 120) {
    std::snprintf(buf, sizeof buf, "%.2f s", s);
  } else {
    std::snprintf(buf, sizeof buf, "%d min %d s", int(s / 60), int(std::fmod(s, 60)));
  }
  return buf;
}

std::string NodeLabel(std::string_view node, std::string_view role) {
  std::string label(node);
  if (!role.empty()) label.append(" (").append(role).append(")");
  return label;
}

}  // namespace faultline
