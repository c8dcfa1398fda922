#include "core/value.h"

#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstring>
#include <new>
#include <cstdio>
#include <variant>

#include "core/utf8.h"

namespace faultline {

void Value::ThrowKindMismatch() { throw std::bad_variant_access(); }

Value::Value(std::string_view s) : kind_(Kind::kString) {
  if (s.size() <= kInlineChars) {
    size_ = static_cast<uint8_t>(s.size());
    if (!s.empty()) std::memcpy(chars_, s.data(), s.size());
    return;
  }
  size_ = kLong;
  void* block = ::operator new(offsetof(LongString, chars) + s.size());
  auto* l = static_cast<LongString*>(block);
  l->size = s.size();
  std::memcpy(l->chars, s.data(), s.size());
  SetWord(l);
}

void Value::CopyFrom(const Value& o) {
  switch (o.kind_) {
    case Kind::kString:
      if (o.size_ == kLong) {
        *this = Value(o.as_string());
        return;
      }
      break;
    case Kind::kList: SetWord(new List(o.as_list())); break;
    case Kind::kMap: SetWord(new Map(o.as_map())); break;
    default: break;
  }
  kind_ = o.kind_;
  size_ = o.size_;
  if (o.kind_ <= Kind::kString) {
    std::memcpy(chars_, o.chars_, kInlineChars);  // a short string's bytes, or a scalar
  }
}

void Value::Free() {
  switch (kind_) {
    case Kind::kString: ::operator delete(Word<LongString*>()); break;
    case Kind::kList: delete Word<List*>(); break;
    case Kind::kMap: delete Word<Map*>(); break;
    default: break;
  }
}

bool Value::operator==(const Value& o) const {
  if (kind_ != o.kind_) return false;
  switch (kind_) {
    case Kind::kNull: return true;
    case Kind::kBool: return as_bool() == o.as_bool();
    case Kind::kInt: return as_int() == o.as_int();
    case Kind::kDouble: return as_double() == o.as_double();
    case Kind::kString: return as_string() == o.as_string();
    case Kind::kList: return as_list() == o.as_list();
    case Kind::kMap: return as_map() == o.as_map();
  }
  return false;
}

const Value* Value::Find(std::string_view key) const {
  if (!is_map()) return nullptr;
  for (const auto& [k, v] : as_map()) {
    if (k == key) return &v;
  }
  return nullptr;
}

const char* Value::KindName(Kind k) {
  switch (k) {
    case Kind::kNull: return "null";
    case Kind::kBool: return "bool";
    case Kind::kInt: return "int";
    case Kind::kDouble: return "number";
    case Kind::kString: return "string";
    case Kind::kList: return "list";
    case Kind::kMap: return "map";
  }
  return "?";
}

namespace {

// `s` (well-formed UTF-8) with JSON's escapes, without quotes.
void AppendEscaped(std::string_view s, std::string* out) {
  for (char c : s) {
    switch (c) {
      case '"': out->append("\\\""); break;
      case '\\': out->append("\\\\"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      case '\t': out->append("\\t"); break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out->append(buf);
        } else {
          out->push_back(c);
        }
    }
  }
}

}  // namespace

void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  // Strings from outside (a node's error message, a key) may hold bytes that are not UTF-8;
  // JSON may not, and faultline's readers refuse them. Each such byte becomes U+FFFD, so
  // whatever faultline writes it can read back.
  while (true) {
    const size_t bad = FindInvalidUtf8(s);
    AppendEscaped(s.substr(0, bad), out);
    if (bad == std::string_view::npos) break;
    out->append("\\ufffd");
    s.remove_prefix(bad + 1);
  }
  out->push_back('"');
}

void Value::AppendJson(std::string* out) const {
  switch (kind()) {
    case Kind::kNull: out->append("null"); break;
    case Kind::kBool: out->append(as_bool() ? "true" : "false"); break;
    case Kind::kInt: out->append(std::to_string(as_int())); break;
    case Kind::kDouble: {
      double d = as_double();
      if (!std::isfinite(d)) {
        out->append("null");
        break;
      }
      // Shortest form that reads back to the same double, always with a '.' or exponent so
      // it stays a double (2.0 must not come back as the int 2).
      char buf[32];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);
      std::string_view text(buf, end - buf);
      out->append(text);
      if (text.find_first_of(".eE") == std::string_view::npos) out->append(".0");
      break;
    }
    case Kind::kString: AppendJsonString(as_string(), out); break;
    case Kind::kList: {
      out->push_back('[');
      bool first = true;
      for (const Value& v : as_list()) {
        if (!first) out->push_back(',');
        first = false;
        v.AppendJson(out);
      }
      out->push_back(']');
      break;
    }
    case Kind::kMap: {
      out->push_back('{');
      bool first = true;
      for (const auto& [k, v] : as_map()) {
        if (!first) out->push_back(',');
        first = false;
        AppendJsonString(k, out);
        out->push_back(':');
        v.AppendJson(out);
      }
      out->push_back('}');
      break;
    }
  }
}

std::string Value::ToJson() const {
  std::string out;
  AppendJson(&out);
  return out;
}

}  // namespace faultline
