// Symbol and MaybeSymbol: interned strings of 4 bytes, for the texts an op repeats millions
// of times (its f, key, node and error). Equal texts get equal ids, so comparing two Symbols
// is comparing two integers, and a history holds each distinct text once.
// Thread-safe: interning takes a sharded lock only for a text this thread has not seen lately;
// reading a Symbol's text takes no lock. Interned texts live until the process ends, which is
// what a history's texts do anyway; don't intern texts that are unique per op in a long-lived
// process (values stay in Value).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <ostream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace faultline {

class Symbol {
 public:
  Symbol() = default;  // ""
  // Implicit, so that an op's fields are set like the strings they replace (op.f = "read").
  Symbol(std::string_view text) : id_(Intern(text)) {}  // NOLINT(google-explicit-constructor)
  Symbol(const std::string& text) : Symbol(std::string_view(text)) {}  // NOLINT
  Symbol(const char* text) : Symbol(std::string_view(text)) {}        // NOLINT

  const std::string& str() const { return Text(id_); }
  operator const std::string&() const { return str(); }  // NOLINT
  operator std::string_view() const { return str(); }    // NOLINT
  const char* c_str() const { return str().c_str(); }
  size_t size() const { return str().size(); }
  bool empty() const { return id_ == 0; }
  bool starts_with(std::string_view p) const { return std::string_view(str()).starts_with(p); }
  // Distinct texts have distinct ids; ids say nothing about order.
  uint32_t id() const { return id_; }

  friend bool operator==(Symbol a, Symbol b) { return a.id_ == b.id_; }
  bool operator==(std::string_view s) const { return str() == s; }
  bool operator==(const std::string& s) const { return str() == s; }
  bool operator==(const char* s) const { return str() == s; }
  // Ordered by text, so maps keyed by Symbols print in the order strings would.
  friend bool operator<(Symbol a, Symbol b) { return a.id_ != b.id_ && a.str() < b.str(); }

 private:
  friend class MaybeSymbol;
  static uint32_t Intern(std::string_view text);
  static const std::string& Text(uint32_t id);
  uint32_t id_ = 0;
};

inline std::string operator+(const std::string& a, Symbol b) { return a + b.str(); }
inline std::string operator+(std::string&& a, Symbol b) { return std::move(a) + b.str(); }
inline std::string operator+(const char* a, Symbol b) { return a + b.str(); }
inline std::string operator+(Symbol a, const std::string& b) { return a.str() + b; }
inline std::string operator+(Symbol a, const char* b) { return a.str() + b; }

inline std::ostream& operator<<(std::ostream& out, Symbol s) { return out << s.str(); }

// An optional Symbol in 4 bytes, with std::optional<std::string>'s reading interface
// (`if (op.key)`, `*op.key`, `op.key->size()`, `op.key.value_or("")`).
class MaybeSymbol {
 public:
  MaybeSymbol() = default;
  MaybeSymbol(std::nullopt_t) {}                                    // NOLINT
  MaybeSymbol(Symbol s) : id_(s.id_ + 1) {}                          // NOLINT
  MaybeSymbol(std::string_view text) : MaybeSymbol(Symbol(text)) {}  // NOLINT
  MaybeSymbol(const std::string& text) : MaybeSymbol(Symbol(text)) {}  // NOLINT
  MaybeSymbol(const char* text) : MaybeSymbol(Symbol(text)) {}         // NOLINT
  MaybeSymbol(const std::optional<std::string>& text) {                // NOLINT
    if (text) *this = Symbol(*text);
  }

  bool has_value() const { return id_ != 0; }
  explicit operator bool() const { return has_value(); }
  void reset() { id_ = 0; }
  // REQUIRES: has_value() (checked by value(), as std::optional does).
  Symbol symbol() const {
    Symbol s;
    s.id_ = id_ - 1;
    return s;
  }
  const std::string& operator*() const { return Symbol::Text(id_ - 1); }
  const std::string* operator->() const { return &**this; }
  const std::string& value() const {
    if (!has_value()) throw std::bad_optional_access();
    return **this;
  }
  std::string value_or(std::string_view fallback) const {
    return has_value() ? **this : std::string(fallback);
  }
  operator std::optional<std::string>() const {  // NOLINT
    return has_value() ? std::optional<std::string>(**this) : std::nullopt;
  }

  friend bool operator==(MaybeSymbol a, MaybeSymbol b) { return a.id_ == b.id_; }
  bool operator==(std::nullopt_t) const { return !has_value(); }
  // As std::optional<std::string> compares with a text: equal only when it holds that text.
  bool operator==(std::string_view s) const { return has_value() && **this == s; }
  bool operator==(const std::string& s) const { return has_value() && **this == s; }
  bool operator==(const char* s) const { return has_value() && **this == s; }
  bool operator==(const std::optional<std::string>& o) const {
    return o ? has_value() && **this == *o : !has_value();
  }

 private:
  uint32_t id_ = 0;  // 0: none, else the Symbol's id + 1
};

}  // namespace faultline

template <>
struct std::hash<faultline::Symbol> {
  size_t operator()(faultline::Symbol s) const noexcept { return std::hash<uint32_t>()(s.id()); }
};
