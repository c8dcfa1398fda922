// The pieces the readers share to fill one vector of ops from several threads (core/op_fill.h).
#include "core/op_fill.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <string>

namespace faultline {
namespace {

TEST(OpFillTest, CountBytesMatchesStdCount) {
  std::mt19937 rng(7);
  for (size_t size : {0, 1, 15, 16, 17, 255 * 16, 255 * 16 + 5, 100000}) {
    std::string text(size, 'x');
    for (char& c : text) c = "{\n ab"[rng() % 5];
    const ByteCounts n = CountBytes(text, '{', '\n');
    EXPECT_EQ(n.a, size_t(std::count(text.begin(), text.end(), '{'))) << size;
    EXPECT_EQ(n.b, size_t(std::count(text.begin(), text.end(), '\n'))) << size;
  }
  EXPECT_EQ(CountLines(""), 0u);
  EXPECT_EQ(CountLines("a\nb"), 2u);
  EXPECT_EQ(CountLines("a\nb\n"), 2u);
}

TEST(OpFillTest, RangesFillOneVectorInFileOrder) {
  std::vector<Op> ops(2);  // ops already there stay first
  ops[0].line = 1;
  ops[1].line = 2;
  std::vector<OpSlots> slots = MakeSlots(&ops, {3, 0, 4, 2});
  ASSERT_EQ(ops.size(), 11u);
  // Range 0 fills 2 of its 3 slots (one dropped), range 2 all 4, range 3 one of 2.
  RunRanges(slots.size(), [&](size_t i) {
    const int used[] = {2, 0, 4, 1};
    for (int k = 0; k < used[i]; ++k) slots[i].Add()->line = int64_t(10 * (i + 1) + k);
    if (i == 0) {
      slots[i].Add()->line = 99;
      slots[i].DropLast();
    }
  });
  CloseGaps(&ops, slots);
  std::vector<int64_t> lines;
  for (const Op& op : ops) lines.push_back(op.line);
  EXPECT_EQ(lines, (std::vector<int64_t>{1, 2, 10, 11, 30, 31, 32, 33, 40}));
}

TEST(OpFillTest, SplitAtLinesEndsRangesAfterNewlines) {
  const std::string text = "aaaa\nbb\ncccccc\nd";
  const std::vector<std::string_view> ranges = SplitAtLines(text, 3);
  ASSERT_EQ(ranges.size(), 3u);
  std::string joined;
  for (size_t i = 0; i < ranges.size(); ++i) {
    if (i + 1 < ranges.size() && !ranges[i].empty()) {
      EXPECT_EQ(ranges[i].back(), '\n');
    }
    joined += ranges[i];
  }
  EXPECT_EQ(joined, text);
}

}  // namespace
}  // namespace faultline
