// Status and Result<T>: small error values returned by every call that can fail
// for a reason a user can act on. Immutable values; safe to share across threads.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace faultline {

class [[nodiscard]] Status {
 public:
  enum class Code {
    kOk,
    kInvalidInput,
    kInvalidArgument,
    kIoError,
    kUnsupported,
    kInternal,
    kNotReady
  };

  Status() = default;
  static Status Ok() { return Status(); }
  // A history or file the user gave is malformed: message is "FILE:LINE: what; expected …".
  static Status InvalidInput(std::string msg) { return Status(Code::kInvalidInput, std::move(msg)); }
  // A command-line option or API argument is wrong.
  static Status InvalidArgument(std::string msg) {
    return Status(Code::kInvalidArgument, std::move(msg));
  }
  static Status IoError(std::string msg) { return Status(Code::kIoError, std::move(msg)); }
  // A capability faultline does not have (reported as missing, never faked).
  static Status Unsupported(std::string msg) { return Status(Code::kUnsupported, std::move(msg)); }
  static Status Internal(std::string msg) { return Status(Code::kInternal, std::move(msg)); }
  // Something the caller waited for (a client process that says it is ready) was not ready
  // in time; nothing was done, and the caller may try again.
  static Status NotReady(std::string msg) { return Status(Code::kNotReady, std::move(msg)); }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  std::string ToString() const { return ok() ? "ok" : message_; }

 private:
  Status(Code code, std::string msg) : code_(code), message_(std::move(msg)) {}
  Code code_ = Code::kOk;
  std::string message_;
};

// Either a T or a non-ok Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) { assert(!std::get<Status>(v_).ok()); }  // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  // REQUIRES: ok()
  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() { return value(); }
  const T& operator*() const { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace faultline

#define FAULTLINE_RETURN_IF_ERROR(expr)      \
  do {                                       \
    ::faultline::Status _st = (expr);        \
    if (!_st.ok()) return _st;               \
  } while (0)
