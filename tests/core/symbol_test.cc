// Symbol and MaybeSymbol: interning gives equal ids to equal texts, across threads, and the
// optional form reads like std::optional<std::string>.
#include "core/symbol.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/history.h"

namespace faultline {
namespace {

TEST(SymbolTest, EqualTextsShareAnIdAndReadBack) {
  Symbol a = "read", b = std::string("read"), c = std::string_view("write");
  EXPECT_EQ(a.id(), b.id());
  EXPECT_NE(a.id(), c.id());
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, "read");
  EXPECT_EQ("read", a);
  EXPECT_EQ(a.str(), "read");
  EXPECT_EQ(c.size(), 5u);
  EXPECT_TRUE(Symbol().empty());
  EXPECT_EQ(Symbol("").id(), 0u);
  EXPECT_TRUE(Symbol("a") < Symbol("b"));
  EXPECT_FALSE(Symbol("b") < Symbol("a"));
  std::string s = "f=" + a.str();
  EXPECT_EQ(s, "f=read");
}

TEST(SymbolTest, TextsWithNulAndLongTextsRoundTrip) {
  const std::string nul("a\0b", 3);
  const std::string longer(10000, 'x');
  EXPECT_EQ(Symbol(nul).str(), nul);
  EXPECT_NE(Symbol(nul), Symbol("a"));
  EXPECT_EQ(Symbol(longer).str(), longer);
}

TEST(SymbolTest, ThreadsInterningTheSameTextsAgree) {
  constexpr int kThreads = 8, kTexts = 5000;
  std::vector<std::vector<uint32_t>> ids(kThreads, std::vector<uint32_t>(kTexts));
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([t, &ids] {
      for (int i = 0; i < kTexts; ++i) {
        const int k = (i * 7 + t * 13) % kTexts;  // each thread in its own order
        ids[t][k] = Symbol("symbol-test-" + std::to_string(k)).id();
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<uint32_t> distinct(ids[0].begin(), ids[0].end());
  EXPECT_EQ(distinct.size(), size_t(kTexts));
  for (int t = 1; t < kThreads; ++t) EXPECT_EQ(ids[t], ids[0]);
  EXPECT_EQ(Symbol("symbol-test-42").str(), "symbol-test-42");
}

TEST(MaybeSymbolTest, ReadsLikeAnOptionalString) {
  MaybeSymbol none, empty = "", key = "k7";
  EXPECT_FALSE(none);
  EXPECT_TRUE(empty);
  EXPECT_EQ(*empty, "");
  EXPECT_NE(none, empty);
  EXPECT_EQ(*key, "k7");
  EXPECT_EQ(key->size(), 2u);
  EXPECT_EQ(none.value_or("-"), "-");
  EXPECT_EQ(key.value_or("-"), "k7");
  EXPECT_THROW(none.value(), std::bad_optional_access);
  EXPECT_EQ(key, std::optional<std::string>("k7"));
  EXPECT_EQ(none, std::nullopt);
  std::optional<std::string> back = key;
  EXPECT_EQ(back, "k7");
  key = std::nullopt;
  EXPECT_FALSE(key.has_value());
}

TEST(OpTest, StaysSmall) {
  // The memory figure of bench/README.md ("Memory per op") rests on this.
  EXPECT_LE(sizeof(Op), 72u);
}

}  // namespace
}  // namespace faultline
