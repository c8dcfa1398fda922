// SubsetSumReachable against brute force on small random sets, and its cheap and undecided cases.
#include "checkers/counter/subset_sum.h"

#include <gtest/gtest.h>

#include <set>

#include "core/random.h"

namespace faultline {
namespace {

std::set<int64_t> AllSums(const std::vector<int64_t>& values) {
  std::set<int64_t> sums = {0};
  for (int64_t v : values) {
    std::set<int64_t> next = sums;
    for (int64_t s : sums) next.insert(s + v);
    sums = std::move(next);
  }
  return sums;
}

TEST(SubsetSum, AgreesWithBruteForceOnSmallSets) {
  Random rng(42);
  for (int round = 0; round < 300; ++round) {
    std::vector<int64_t> values;
    const int n = static_cast<int>(rng.Uniform(10));
    const int64_t scale = 1 + static_cast<int64_t>(rng.Uniform(3));  // gcds above 1 too
    int64_t sum = 0;
    for (int i = 0; i < n; ++i) {
      values.push_back(scale * static_cast<int64_t>(rng.Uniform(round % 2 ? 4 : 30)));
      sum += values.back();
    }
    const std::set<int64_t> sums = AllSums(values);
    for (int64_t t = -1; t <= sum + 1; ++t) {
      const Reachable want = sums.count(t) ? Reachable::kYes : Reachable::kNo;
      ASSERT_EQ(SubsetSumReachable(values, t), want) << "round " << round << " target " << t;
    }
  }
}

TEST(SubsetSum, ManyEqualValuesAreDecidedWithoutABitset) {
  std::vector<int64_t> ones(2'000'000, 3);
  EXPECT_EQ(SubsetSumReachable(ones, 5'999'997), Reachable::kYes);
  EXPECT_EQ(SubsetSumReachable(ones, 5'999'998), Reachable::kNo);  // not a multiple of 3
  EXPECT_EQ(SubsetSumReachable(ones, 6'000'003), Reachable::kNo);  // above the sum
}

TEST(SubsetSum, ManyCopiesOfFewValuesUseBinarySplitting) {
  std::vector<int64_t> values(100'000, 1);
  values.push_back(1'000'000);
  EXPECT_EQ(SubsetSumReachable(values, 1'050'000), Reachable::kYes);
  EXPECT_EQ(SubsetSumReachable(values, 500'000), Reachable::kNo);
  EXPECT_EQ(SubsetSumReachable(values, 100'000), Reachable::kYes);
}

TEST(SubsetSum, HugeDistinctValuesAreUndecidedUnlessTheGcdRulesThemOut) {
  std::vector<int64_t> values;
  for (int64_t i = 0; i < 40; ++i) values.push_back(2 * (1'000'000'007 + 7919 * i));
  EXPECT_EQ(SubsetSumReachable(values, 2 * 1'500'000'000LL), Reachable::kUndecided);
  EXPECT_EQ(SubsetSumReachable(values, 3'000'000'001LL), Reachable::kNo);  // odd
  EXPECT_EQ(SubsetSumReachable(values, 0), Reachable::kYes);
}

}  // namespace
}  // namespace faultline
