// LineCursor: walks the lines of a text buffer, with 1-based line numbers, for the
// line-oriented history readers. A plain value over a string_view; not thread-safe.
#pragma once

#include <cstdint>
#include <string_view>

namespace faultline {

class LineCursor {
 public:
  explicit LineCursor(std::string_view text) : text_(text) {}

  // Moves to the next line; false when the text is exhausted.
  bool Next() {
    if (pos_ >= text_.size()) return false;
    ++number_;
    begin_ = pos_;
    const size_t nl = text_.find('\n', pos_);
    terminated_ = nl != std::string_view::npos;
    end_ = terminated_ ? nl : text_.size();
    pos_ = end_ + 1;
    return true;
  }
  int64_t number() const { return number_; }
  size_t begin() const { return begin_; }  // offset of the line's first byte
  size_t end() const { return end_; }      // offset one past its last byte (before '\n')
  bool terminated() const { return terminated_; }  // false: the text ends without a newline
  std::string_view line() const { return text_.substr(begin_, end_ - begin_); }

 private:
  std::string_view text_;
  size_t pos_ = 0, begin_ = 0, end_ = 0;
  int64_t number_ = 0;
  bool terminated_ = false;
};

}  // namespace faultline
