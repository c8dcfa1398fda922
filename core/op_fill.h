// Filling one vector of ops from several threads: the history readers cut a text into ranges,
// one per core, and each range's thread builds its ops in place in the one result vector, at
// an offset known before parsing (the ops before it can be at most the lines, or the op maps,
// of the ranges before it). No op is moved or copied after it is read unless a range read
// fewer ops than its bound (blank lines, a smaller map count), and then only that range's
// ops slide down once (bench/README.md, "Reading histories", 2026-12-08).
#pragma once

#include <cstddef>
#include <functional>
#include <string_view>
#include <vector>

#include "core/history.h"

namespace faultline {

// Runs fn(i) for every i < n: i >= 1 on threads of their own, 0 (and any range no thread could
// be started for) on this thread; returns when all are done. Rethrows the first exception
// (by range) that fn threw, e.g. std::bad_alloc.
void RunRanges(size_t n, const std::function<void(size_t)>& fn);

// Cuts `text` into `n` ranges of about equal size, each ending just after a newline (the last
// at the end of the text); some may be empty.
std::vector<std::string_view> SplitAtLines(std::string_view text, size_t n);

// How many ranges to cut `bytes` of text into: one per hardware thread (at most `max_ranges`,
// 0: at most 8), each at least `min_range_bytes` long, at least one.
size_t RangeCount(size_t bytes, size_t max_ranges, size_t min_range_bytes);

// How often bytes `a` and `b` occur in `text`, counted in one pass 16 bytes at a time
// (std::count on chars widens every byte to 64 bits: several times slower, and the readers
// count a whole history before parsing it).
struct ByteCounts {
  size_t a = 0, b = 0;
};
ByteCounts CountBytes(std::string_view text, char a, char b);

// The lines of `text`: its newlines, plus one for a last line without one.
size_t CountLines(std::string_view text);

// One range's slots [begin, end) in the result vector, default Ops until written.
class OpSlots {
 public:
  OpSlots() = default;
  OpSlots(Op* begin, Op* end) : begin_(begin), next_(begin), end_(end) {}
  bool full() const { return next_ == end_; }
  // The next slot, a default Op, to be filled in or given back with DropLast.
  // REQUIRES: !full().
  Op* Add() { return next_++; }
  // Gives back the last slot Add returned, reset to a default Op.
  void DropLast() { *--next_ = Op(); }
  size_t used() const { return size_t(next_ - begin_); }
  Op* begin() const { return begin_; }

 private:
  Op* begin_ = nullptr;
  Op* next_ = nullptr;
  Op* end_ = nullptr;
};

// Grows *ops by the sum of `bounds` default Ops (geometrically, for a reader that appends chunk
// after chunk; the growth is advised huge pages) and returns the slots of range i, bounds[i]
// long, in order after the ops already there.
std::vector<OpSlots> MakeSlots(std::vector<Op>* ops, const std::vector<size_t>& bounds);

// Closes the gaps the ranges left (slots they did not use), keeping file order, and drops the
// unused slots at the end. `slots` as MakeSlots returned them for *ops.
void CloseGaps(std::vector<Op>* ops, const std::vector<OpSlots>& slots);

}  // namespace faultline
