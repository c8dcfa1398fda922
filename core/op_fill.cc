#include "core/op_fill.h"

#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include <algorithm>
#include <exception>
#include <system_error>
#include <thread>

#include "core/huge_pages.h"

namespace faultline {

void RunRanges(size_t n, const std::function<void(size_t)>& fn) {
  std::vector<std::exception_ptr> errors(n);
  auto run = [&](size_t i) {
    try {
      fn(i);
    } catch (...) {
      errors[i] = std::current_exception();
    }
  };
  std::vector<std::thread> threads;
  size_t inline_from = n;  // ranges no thread could be started for
  for (size_t i = 1; i < n && inline_from == n; ++i) {
    try {
      threads.emplace_back(run, i);
    } catch (const std::system_error&) {
      inline_from = i;
    }
  }
  if (n > 0) run(0);
  for (size_t i = inline_from; i < n; ++i) run(i);
  for (std::thread& t : threads) t.join();
  for (const std::exception_ptr& e : errors) {
    if (e) std::rethrow_exception(e);
  }
}

std::vector<std::string_view> SplitAtLines(std::string_view text, size_t n) {
  std::vector<std::string_view> ranges;
  size_t begin = 0;
  for (size_t i = 1; i <= n; ++i) {
    size_t end = text.size();
    if (i < n) {
      const size_t nl = text.find('\n', std::max(begin, text.size() / n * i));
      end = nl == std::string_view::npos ? text.size() : nl + 1;
    }
    ranges.push_back(text.substr(begin, end - begin));
    begin = end;
  }
  return ranges;
}

size_t RangeCount(size_t bytes, size_t max_ranges, size_t min_range_bytes) {
  size_t n = max_ranges;
  if (n == 0) n = std::clamp<size_t>(std::thread::hardware_concurrency(), 1, 8);
  return std::clamp<size_t>(bytes / std::max<size_t>(min_range_bytes, 1), 1, n);
}

ByteCounts CountBytes(std::string_view text, char a, char b) {
  ByteCounts n;
  const char* p = text.data();
  const char* const end = p + text.size();
#ifdef __SSE2__
  const __m128i va = _mm_set1_epi8(a), vb = _mm_set1_epi8(b), zero = _mm_setzero_si128();
  while (end - p >= 16) {
    // Per-byte counters (a match subtracts -1), summed before any of them can wrap.
    __m128i ca = zero, cb = zero;
    for (int i = 0; i < 255 && end - p >= 16; ++i, p += 16) {
      const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      ca = _mm_sub_epi8(ca, _mm_cmpeq_epi8(v, va));
      cb = _mm_sub_epi8(cb, _mm_cmpeq_epi8(v, vb));
    }
    const __m128i sa = _mm_sad_epu8(ca, zero), sb = _mm_sad_epu8(cb, zero);
    n.a += size_t(_mm_cvtsi128_si64(sa)) + size_t(_mm_extract_epi16(sa, 4));
    n.b += size_t(_mm_cvtsi128_si64(sb)) + size_t(_mm_extract_epi16(sb, 4));
  }
#endif
  for (; p < end; ++p) {
    n.a += *p == a;
    n.b += *p == b;
  }
  return n;
}

size_t CountLines(std::string_view text) {
  return CountBytes(text, '\n', '\n').a + (!text.empty() && text.back() != '\n');
}

std::vector<OpSlots> MakeSlots(std::vector<Op>* ops, const std::vector<size_t>& bounds) {
  size_t total = ops->size();
  for (size_t b : bounds) total += b;
  size_t at = ops->size();
  if (total > ops->capacity()) {
    ops->reserve(std::max(total, ops->capacity() / 2 * 3));
    AdviseHugePages(ops->data(), ops->capacity() * sizeof(Op));
  }
  ops->resize(total);
  std::vector<OpSlots> slots;
  slots.reserve(bounds.size());
  for (size_t b : bounds) {
    slots.emplace_back(ops->data() + at, ops->data() + at + b);
    at += b;
  }
  return slots;
}

void CloseGaps(std::vector<Op>* ops, const std::vector<OpSlots>& slots) {
  if (slots.empty()) return;
  Op* out = slots.front().begin();
  for (const OpSlots& s : slots) {
    if (s.begin() != out) std::move(s.begin(), s.begin() + s.used(), out);
    out += s.used();
  }
  ops->resize(size_t(out - ops->data()));
}

}  // namespace faultline
