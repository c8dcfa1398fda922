// The search's limits on a key it cannot finish: key "0" of Porcupine's kv/c50-bad (230 ops,
// 50 clients, repeated append values, so no polynomial path). A timeout or memory budget must
// end it with an unknown verdict that explains itself, and the memory it takes must stay
// within the budget. Memory is measured by counting every heap allocation of this binary
// (the replacement operator new/delete below), so the peak is exact and independent of
// what other tests did before.
#include <gtest/gtest.h>
#include <malloc.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <new>
#include <string>

#include "checkers/linearizability/checker.h"
#include "core/history_io.h"

namespace {

std::atomic<int64_t> g_in_use{0};
std::atomic<int64_t> g_peak{0};

void* Allocate(size_t n) {
  void* p = std::malloc(n ? n : 1);
  if (!p) throw std::bad_alloc();
  const int64_t now = g_in_use += static_cast<int64_t>(malloc_usable_size(p));
  for (int64_t peak = g_peak; now > peak && !g_peak.compare_exchange_weak(peak, now);) {
  }
  return p;
}

void Release(void* p) {
  if (!p) return;
  g_in_use -= static_cast<int64_t>(malloc_usable_size(p));
  std::free(p);
}

}  // namespace

void* operator new(size_t n) { return Allocate(n); }
void* operator new[](size_t n) { return Allocate(n); }
void operator delete(void* p) noexcept { Release(p); }
void operator delete[](void* p) noexcept { Release(p); }
void operator delete(void* p, size_t) noexcept { Release(p); }
void operator delete[](void* p, size_t) noexcept { Release(p); }
// The nothrow forms too (simdjson's padded_string allocates with new (std::nothrow) char[]):
// without them a sanitizer's own nothrow new[] paired with the delete[] above reads as an
// alloc-dealloc mismatch under ASan (scripts/sanitize.sh), and those bytes went uncounted.
void* operator new(size_t n, const std::nothrow_t&) noexcept {
  try {
    return Allocate(n);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void* operator new[](size_t n, const std::nothrow_t& tag) noexcept { return operator new(n, tag); }
void operator delete(void* p, const std::nothrow_t&) noexcept { Release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { Release(p); }

namespace faultline {
namespace {

// Key "0" of kv/c50-bad, read from the shared fixture at test time. With `pad`, every
// value "x C S y" becomes "x C S <pad dots> y" (in gets too, so the history keeps its
// shape and its search, only with longer strings).
History HardKey(size_t pad = 0) {
  std::ifstream in(std::string(FAULTLINE_SHARED_DIR) + "/histories/porcupine/kv/c50-bad.txt");
  std::string text;
  const std::string padded = " " + std::string(pad, '.') + " y";
  for (std::string line; std::getline(in, line);) {
    if (line.find(":key \"0\"") == std::string::npos) continue;
    for (size_t p = 0; pad && (p = line.find(" y", p)) != std::string::npos; p += padded.size()) {
      line.replace(p, 2, padded);
    }
    text += line + "\n";
  }
  Result<LoadedHistory> h = ParseHistory(text, "c50-bad key 0", HistoryFormat::kPorcupineKv);
  EXPECT_TRUE(h.ok()) << h.status().message();
  EXPECT_EQ(h.ok() ? h->history.size() : 0, 460u);
  return h.ok() ? std::move(h->history) : History();
}

void ExpectExplainedUnknown(const LinearizabilityResult& r, const std::string& reason) {
  EXPECT_EQ(r.verdict, Verdict::kUnknown);
  EXPECT_EQ(r.unknown_keys, 1u);
  ASSERT_EQ(r.problems.size(), 1u);
  const KeyResult& k = r.problems[0];
  EXPECT_EQ(k.method, "search");
  EXPECT_NE(k.explanation.find(reason), std::string::npos) << k.explanation;
  EXPECT_GT(k.states, 0u);
}

TEST(ResourceLimitsTest, TimeoutEndsTheSearchWithUnknown) {
  const History h = HardKey();
  LinearizabilityOptions options;
  options.model = "kv";
  options.timeout_seconds = 0.5;
  const auto start = std::chrono::steady_clock::now();
  Result<LinearizabilityResult> r = CheckLinearizability(h, "c50-bad key 0", options);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(r.ok()) << r.status().message();
  ExpectExplainedUnknown(*r, "timeout");
  EXPECT_LT(seconds, 5.0);
}

TEST(ResourceLimitsTest, MemoryBudgetEndsTheSearchWithUnknown) {
  const History h = HardKey();
  LinearizabilityOptions options;
  options.model = "kv";
  options.memory_budget_bytes = int64_t{32} << 20;
  Result<LinearizabilityResult> r = CheckLinearizability(h, "c50-bad key 0", options);
  ASSERT_TRUE(r.ok()) << r.status().message();
  ExpectExplainedUnknown(*r, "memory budget");
}

// The budget is documented as covering "all memo tables together". The search checks it
// every few thousand steps and the tables grow by doubling, so the peak may overshoot it;
// 3× plus 8 MiB for everything else is generous. The padded history makes each kv state
// (a std::string) a few kilobytes, which a budget that counted only sizeof(std::string)
// per state would not see.
TEST(ResourceLimitsTest, MemoryBudgetIncludesHeapHeldByStates) {
  for (size_t pad : {0, 200}) {
    const History h = HardKey(pad);
    LinearizabilityOptions options;
    options.model = "kv";
    options.memory_budget_bytes = int64_t{4} << 20;
    const int64_t before = g_in_use;
    g_peak = before;
    Result<LinearizabilityResult> r = CheckLinearizability(h, "c50-bad key 0", options);
    const int64_t used = g_peak - before;
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->verdict, Verdict::kUnknown);
    EXPECT_LE(used, options.memory_budget_bytes * 3 + (int64_t{8} << 20))
        << "values padded by " << pad << ": budget 4 MiB, peak heap " << (used >> 20)
        << " MiB after " << (r->problems.empty() ? 0 : r->problems[0].states) << " states";
  }
}

}  // namespace
}  // namespace faultline
