// Every history in tests/fixtures/bank (3 accounts, total 30): an invalid-* file yields exactly
// its listed bad reads; every valid-* twin passes. Both with the account count given and taken
// from the first read.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "checkers/bank/bank.h"
#include "core/history_io.h"
#include "tests/fixture_names.h"

namespace faultline {
namespace {

const std::string kDir = std::string(FAULTLINE_SOURCE_DIR) + "/tests/fixtures/bank";

using BadReads = std::vector<std::pair<std::string, int64_t>>;  // kind, op index of the read

// What each invalid fixture must report (see tests/checkers/bank/make_fixtures.py for the histories).
const std::map<std::string, BadReads>& ExpectedBadReads() {
  static const std::map<std::string, BadReads> kTable = {
      {"invalid-wrong-total", {{"wrong-total", 4}}},
      {"invalid-wrong-total-lost", {{"wrong-total", 4}}},
      {"invalid-negative", {{"negative", 6}}},
      {"invalid-missing-accounts", {{"missing-accounts", 4}}},
      {"invalid-unexpected-account", {{"unexpected-account", 2}}},
  };
  return kTable;
}

std::vector<std::string> FixtureNames() { return JsonlFixtureNames(kDir); }

class BankFixture : public ::testing::TestWithParam<std::tuple<std::string, int>> {};

TEST_P(BankFixture, VerdictAndBadReadsMatchTheFileName) {
  const auto& [name, accounts] = GetParam();
  auto loaded = ReadHistoryFile(kDir + "/" + name + ".jsonl", HistoryFormat::kJsonl);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  auto result = CheckBank(loaded->history, name, {.accounts = accounts, .total = 30});
  ASSERT_TRUE(result.ok()) << result.status().message();
  const std::string json = ToJson(*result).dump();
  EXPECT_EQ(result->accounts, 3);
  if (name.starts_with("valid-")) {
    EXPECT_EQ(result->verdict, Verdict::kValid) << json;
    EXPECT_TRUE(result->bad_reads.empty()) << json;
    return;
  }
  ASSERT_TRUE(name.starts_with("invalid-")) << "fixture names start with valid- or invalid-";
  auto it = ExpectedBadReads().find(name);
  ASSERT_NE(it, ExpectedBadReads().end()) << "add " << name << " to ExpectedBadReads()";
  EXPECT_EQ(result->verdict, Verdict::kInvalid);
  BadReads got;
  for (const BankBadRead& b : result->bad_reads) {
    got.push_back({b.kind, b.op_index});
    EXPECT_FALSE(b.explanation.empty());
  }
  EXPECT_EQ(got, it->second) << json;
  // The plot marks exactly the bad reads.
  for (const BankReadPoint& p : result->totals) {
    const bool listed =
        std::any_of(got.begin(), got.end(), [&](const auto& g) { return g.second == p.op_index; });
    EXPECT_EQ(p.bad, listed) << "op " << p.op_index;
  }
}

INSTANTIATE_TEST_SUITE_P(Fixtures, BankFixture,
                         ::testing::Combine(::testing::ValuesIn(FixtureNames()),
                                            ::testing::Values(3, 0)),
                         [](const auto& info) {
                           std::string s = std::get<0>(info.param);
                           std::replace(s.begin(), s.end(), '-', '_');
                           return s +
                                  (std::get<1>(info.param) ? "_accounts_given" : "_accounts_read");
                         });

TEST(BankFixtures, EveryKindHasAnInvalidAndAValidFixture) {
  const auto names = FixtureNames();
  std::set<std::string> kinds;
  for (const auto& [file, bad] : ExpectedBadReads()) {
    EXPECT_TRUE(std::count(names.begin(), names.end(), file)) << file << " is missing";
    EXPECT_TRUE(std::count(names.begin(), names.end(), "valid-" + file.substr(8)))
        << file << " has no twin";
    for (const auto& [kind, op] : bad) kinds.insert(kind);
  }
  for (const char* kind : kBankBadReadKinds) EXPECT_TRUE(kinds.count(kind)) << kind;
}

}  // namespace
}  // namespace faultline
