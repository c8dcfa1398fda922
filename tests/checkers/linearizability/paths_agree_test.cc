// The two decision procedures against each other on random histories too large for the
// brute force (up to 40 ops, unique write values): the unique-values path and the search
// must give the same verdict wherever the search finishes within its time limit.
// FAULTLINE_DIFFERENTIAL_SCALE=N runs N times as many cases. Also: concurrent checks.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "checkers/linearizability/checker.h"
#include "core/history_io.h"
#include "tests/checkers/linearizability/history_generator.h"

namespace faultline {
namespace {

constexpr uint64_t kBaseSeed = 0x9a7b'2024'0000ULL;

int Scale() {
  const char* s = std::getenv("FAULTLINE_DIFFERENTIAL_SCALE");
  return s && std::atoi(s) > 0 ? std::atoi(s) : 1;
}

struct Sizes {
  std::string model;
  int max_ops;
  int cases;
};

void PrintTo(const Sizes& s, std::ostream* os) { *os << s.model << " ≤" << s.max_ops; }

class PathsAgreeTest : public testing::TestWithParam<Sizes> {};

TEST_P(PathsAgreeTest, UniqueValuesAgreesWithSearch) {
  const Sizes& p = GetParam();
  int compared = 0, failures = 0;
  for (int n = 0; n < p.cases * Scale(); ++n) {
    const uint64_t seed = kBaseSeed + static_cast<uint64_t>(p.max_ops) * 1'000'000 + n;
    std::mt19937_64 rng(seed);
    generator::GenOptions gen{
        .model = p.model, .unique = true, .keys = 1, .max_ops = p.max_ops, .initial = std::nullopt};
    Result<History> h = History::Make(generator::Generator(&rng, gen).Run(), "generated");
    ASSERT_TRUE(h.ok()) << h.status().message();
    LinearizabilityOptions options;
    options.model = p.model;
    options.timeout_seconds = 0.2;  // for the keys the polynomial path declines
    Result<LinearizabilityResult> fast = CheckLinearizability(*h, "generated", options);
    options.unique_values = false;
    Result<LinearizabilityResult> search = CheckLinearizability(*h, "generated", options);
    ASSERT_TRUE(fast.ok() && search.ok());
    if (search->verdict == Verdict::kUnknown || fast->unique_value_keys == 0) continue;
    EXPECT_NE(fast->verdict, Verdict::kUnknown);
    ++compared;
    if (fast->verdict == search->verdict || ++failures > 3) continue;
    ADD_FAILURE() << "seed " << seed << ": unique-values says " << VerdictName(fast->verdict)
                  << ", search says " << VerdictName(search->verdict) << "\n"
                  << (fast->problems.empty() ? "" : fast->problems[0].explanation) << "\n"
                  << (search->problems.empty() ? "" : search->problems[0].explanation) << "\n"
                  << HistoryToJsonl(*h);
  }
  EXPECT_EQ(failures, 0);
  EXPECT_GT(compared, p.cases * Scale() / 3) << "too few cases reached both procedures";
}

const Sizes kSizes[] = {
    {"cas-register", 20, 1500},
    {"cas-register", 40, 500},
    {"kv", 20, 1500},
    {"kv", 40, 500},
};

INSTANTIATE_TEST_SUITE_P(Models, PathsAgreeTest, testing::ValuesIn(kSizes),
                         [](const testing::TestParamInfo<Sizes>& info) {
                           std::string m = info.param.model == "kv" ? "kv" : "cas_register";
                           return m + "_" + std::to_string(info.param.max_ops);
                         });

// CheckLinearizability shares nothing between calls: threads checking the same histories at
// once get the verdicts a single thread gets.
TEST(ConcurrentCheckTest, ThreadsGetTheSameVerdicts) {
  std::vector<History> histories;
  std::vector<LinearizabilityOptions> options;
  std::vector<Verdict> expected;
  for (int n = 0; n < 400; ++n) {
    std::mt19937_64 rng(kBaseSeed + 99'000'000 + n);
    const std::string model = n % 2 ? "kv" : "cas-register";
    generator::GenOptions gen{
        .model = model, .unique = n % 4 < 2, .keys = 2, .max_ops = 12, .initial = std::nullopt};
    histories.push_back(
        std::move(History::Make(generator::Generator(&rng, gen).Run(), "g")).value());
    options.emplace_back();
    options.back().model = model;
    options.back().unique_values = n % 3 != 0;
    expected.push_back(CheckLinearizability(histories.back(), "g", options.back())->verdict);
  }
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (size_t i = 0; i < histories.size(); ++i) {
        const size_t k = (i * 7 + t * 101) % histories.size();
        Result<LinearizabilityResult> r = CheckLinearizability(histories[k], "g", options[k]);
        if (!r.ok() || r->verdict != expected[k]) ++mismatches;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
}

}  // namespace
}  // namespace faultline
