// Every history in tests/fixtures/counter: the verdict is the file name's prefix (valid-,
// invalid-, unknown-), "eventual" in the name selects --consistency eventual, and the problems
// (errors and notes) are exactly the listed ones, with their ops.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "checkers/counter/counter.h"
#include "core/history_io.h"
#include "tests/fixture_names.h"

namespace faultline {
namespace {

const std::string kDir = std::string(FAULTLINE_SOURCE_DIR) + "/tests/fixtures/counter";

using Problems = std::vector<std::pair<std::string, std::vector<int64_t>>>;  // name, op indices

// What each fixture must report, if anything (see tests/checkers/counter/make_fixtures.py).
const std::map<std::string, Problems>& ExpectedProblems() {
  static const std::map<std::string, Problems> kTable = {
      {"invalid-out-of-bounds-stale-read", {{"out-of-bounds", {2}}}},
      {"valid-eventual-stale-read", {{"stale-read", {2}}}},
      {"invalid-out-of-bounds-future-add", {{"out-of-bounds", {2}}}},
      {"invalid-eventual-out-of-bounds-failed-add", {{"out-of-bounds", {4}}}},
      {"invalid-non-monotonic", {{"non-monotonic", {4, 6}}}},
      {"invalid-eventual-non-monotonic", {{"non-monotonic", {4, 6}}}},
      {"invalid-final-divergent", {{"final-divergent", {5, 7}}}},
      {"invalid-final-impossible", {{"final-impossible", {7, 9}}}},
      {"invalid-eventual-final-impossible-lost",
       {{"stale-read", {3}}, {"final-impossible", {3, 5}}, {"stale-read", {5}}}},
      {"unknown-no-final-reads", {{"no-final-reads", {}}}},
      {"unknown-eventual-no-final-reads", {{"stale-read", {2}}, {"no-final-reads", {}}}},
  };
  return kTable;
}

std::vector<std::string> FixtureNames() { return JsonlFixtureNames(kDir); }

Verdict VerdictOfName(const std::string& name) {
  return name.starts_with("valid-")     ? Verdict::kValid
         : name.starts_with("invalid-") ? Verdict::kInvalid
                                        : Verdict::kUnknown;
}

class CounterFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(CounterFixture, VerdictAndProblemsMatchTheFileName) {
  const std::string& name = GetParam();
  ASSERT_TRUE(name.starts_with("valid-") || name.starts_with("invalid-") ||
              name.starts_with("unknown-"));
  auto loaded = ReadHistoryFile(kDir + "/" + name + ".jsonl", HistoryFormat::kJsonl);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  CounterOptions options;
  if (name.find("eventual") != std::string::npos) {
    options.consistency = CounterConsistency::kEventual;
  }
  auto result = CheckCounter(loaded->history, name, options);
  ASSERT_TRUE(result.ok()) << result.status().message();
  const std::string json = ToJson(*result).dump();
  EXPECT_EQ(result->verdict, VerdictOfName(name)) << json;
  Problems got;
  int64_t errors = 0;
  for (const CounterProblem& p : result->problems) {
    got.push_back({p.name, p.op_indices});
    errors += p.error;
    EXPECT_FALSE(p.explanation.empty());
    const bool note = p.name == "stale-read" || p.name == "no-final-reads";
    EXPECT_EQ(p.error, !note) << p.name;
  }
  EXPECT_EQ(errors, result->errors);
  EXPECT_EQ(result->verdict == Verdict::kInvalid, errors > 0);
  auto it = ExpectedProblems().find(name);
  EXPECT_EQ(got, it == ExpectedProblems().end() ? Problems{} : it->second) << json;
  if (result->verdict == Verdict::kValid) {
    EXPECT_EQ(result->final_verdict, Verdict::kValid);
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, CounterFixture, ::testing::ValuesIn(FixtureNames()),
                         [](const auto& info) {
                           std::string s = info.param;
                           std::replace(s.begin(), s.end(), '-', '_');
                           return s;
                         });

TEST(CounterFixtures, EveryNameHasAFixtureAndEveryInvalidOneAValidTwin) {
  const auto names = FixtureNames();
  std::set<std::string> seen;
  for (const auto& [file, problems] : ExpectedProblems()) {
    EXPECT_TRUE(std::count(names.begin(), names.end(), file)) << file << " is missing";
    if (file.starts_with("invalid-")) {
      EXPECT_TRUE(std::count(names.begin(), names.end(), "valid-" + file.substr(8)))
          << file << " has no twin";
    }
    for (const auto& [name, ops] : problems) seen.insert(name);
  }
  for (const char* name : kCounterProblemNames) EXPECT_TRUE(seen.count(name)) << name;
}

}  // namespace
}  // namespace faultline
