// Every history in tests/fixtures/causal: an invalid-* file yields exactly its one named
// violation with the listed ops; every valid-* twin passes.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "checkers/causal/causal.h"
#include "core/history_io.h"
#include "tests/fixture_names.h"

namespace faultline {
namespace {

const std::string kDir = std::string(FAULTLINE_SOURCE_DIR) + "/tests/fixtures/causal";

struct Expected {
  std::string name;
  std::vector<int64_t> ops;  // history indices of the invokes involved
};

// What each invalid fixture must report (see tests/checkers/causal/make_fixtures.py for the histories).
const std::map<std::string, Expected>& ExpectedViolations() {
  static const std::map<std::string, Expected> kTable = {
      {"invalid-read-your-writes", {"read-your-writes", {0, 2}}},
      {"invalid-read-your-writes-cas", {"read-your-writes", {0, 4, 6}}},
      {"invalid-monotonic-reads", {"monotonic-reads", {0, 2, 4, 6}}},
      {"invalid-monotonic-reads-info-write", {"monotonic-reads", {0, 2, 4}}},
      {"invalid-monotonic-writes", {"monotonic-writes", {0, 2, 4, 6}}},
      {"invalid-monotonic-writes-overwritten", {"monotonic-writes", {0, 4, 6, 8, 10}}},
      {"invalid-writes-follow-reads", {"writes-follow-reads", {0, 2, 4, 6, 8}}},
      {"invalid-causal-visibility", {"causal-visibility", {0, 10}}},
      {"invalid-cycle", {"cycle", {0, 2}}},
      {"invalid-unwritten-value", {"unwritten-value", {2}}},
  };
  return kTable;
}

std::vector<std::string> FixtureNames() { return JsonlFixtureNames(kDir); }

class CausalFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(CausalFixture, VerdictAndViolationMatchTheFileName) {
  const std::string& name = GetParam();
  auto loaded = ReadHistoryFile(kDir + "/" + name + ".jsonl", HistoryFormat::kJsonl);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  auto result = CheckCausal(loaded->history, name);
  ASSERT_TRUE(result.ok()) << result.status().message();
  const std::string json = ToJson(*result).dump();
  if (name.starts_with("valid-")) {
    EXPECT_EQ(result->verdict, Verdict::kValid) << json;
    EXPECT_TRUE(result->violations.empty()) << json;
    return;
  }
  ASSERT_TRUE(name.starts_with("invalid-")) << "fixture names start with valid- or invalid-";
  auto it = ExpectedViolations().find(name);
  ASSERT_NE(it, ExpectedViolations().end()) << "add " << name << " to ExpectedViolations()";
  EXPECT_EQ(result->verdict, Verdict::kInvalid);
  ASSERT_EQ(result->violations.size(), 1u) << json;
  EXPECT_EQ(result->violations[0].name, it->second.name) << json;
  EXPECT_EQ(result->violations[0].op_indices, it->second.ops) << json;
  EXPECT_EQ(result->violations[0].key, "x");
  EXPECT_FALSE(result->violations[0].explanation.empty());
}

INSTANTIATE_TEST_SUITE_P(Fixtures, CausalFixture, ::testing::ValuesIn(FixtureNames()),
                         [](const auto& info) {
                           std::string s = info.param;
                           std::replace(s.begin(), s.end(), '-', '_');
                           return s;
                         });

TEST(CausalFixtures, EveryAnomalyHasAnInvalidAndAValidFixture) {
  const auto names = FixtureNames();
  for (const auto& [file, expected] : ExpectedViolations()) {
    EXPECT_TRUE(std::count(names.begin(), names.end(), file)) << file << " is missing";
    EXPECT_TRUE(std::count(names.begin(), names.end(), "valid-" + file.substr(8)))
        << file << " has no twin";
  }
}

TEST(CausalJson, NamesCheckerVerdictAndViolations) {
  auto loaded = ReadHistoryFile(kDir + "/invalid-monotonic-reads.jsonl", HistoryFormat::kJsonl);
  ASSERT_TRUE(loaded.ok());
  auto result = CheckCausal(loaded->history, "t");
  ASSERT_TRUE(result.ok());
  const nlohmann::json j = ToJson(*result);
  EXPECT_EQ(j["checker"], "causal");
  EXPECT_EQ(j["verdict"], "invalid");
  EXPECT_EQ(j["violations"][0]["name"], "monotonic-reads");
  EXPECT_EQ(j["violations"][0]["op_indices"], nlohmann::json({0, 2, 4, 6}));
}

TEST(CausalInput, RejectsDuplicateWritesAndForeignOps) {
  for (const char* text : {"{\"process\":0,\"type\":\"invoke\",\"f\":\"write\",\"value\":1}\n"
                           "{\"process\":0,\"type\":\"ok\",\"f\":\"write\",\"value\":1}\n"
                           "{\"process\":1,\"type\":\"invoke\",\"f\":\"write\",\"value\":1}\n"
                           "{\"process\":1,\"type\":\"ok\",\"f\":\"write\",\"value\":1}\n",
                           "{\"process\":0,\"type\":\"invoke\",\"f\":\"add\",\"value\":1}\n"
                           "{\"process\":0,\"type\":\"ok\",\"f\":\"add\",\"value\":1}\n"}) {
    auto loaded = ParseHistory(text, "h.jsonl", HistoryFormat::kJsonl);
    ASSERT_TRUE(loaded.ok()) << loaded.status().message();
    auto result = CheckCausal(loaded->history, "h.jsonl");
    ASSERT_FALSE(result.ok());
    EXPECT_EQ(result.status().code(), Status::Code::kInvalidInput);
    EXPECT_TRUE(result.status().message().starts_with("h.jsonl:")) << result.status().message();
  }
}

}  // namespace
}  // namespace faultline
