// The Checker shape (checkers/checker.h): Compose's verdict rule and its handling of checkers
// that throw or fail, each adapter against the free function it wraps on the fixture
// histories, and the registry's names, factories and parameter errors.
#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

#include "checkers/bank/bank.h"
#include "checkers/causal/causal.h"
#include "checkers/compose.h"
#include "checkers/counter/counter.h"
#include "checkers/linearizability/checker.h"
#include "checkers/registry.h"
#include "core/history_io.h"
#include "tests/fixture_names.h"

namespace faultline {
namespace {

const std::string kFixtures = std::string(FAULTLINE_SOURCE_DIR) + "/tests/fixtures";

// A checker that gives `verdict`, or throws, or fails, as told.
class FakeChecker : public Checker {
 public:
  enum class Does { kAnswer, kThrowStd, kThrowInt, kFail };
  FakeChecker(std::string name, Verdict verdict, Does does = Does::kAnswer)
      : name_(std::move(name)), verdict_(verdict), does_(does) {}
  std::string name() const override { return name_; }
  Result<CheckerResult> Check(const History&, const std::string& source) const override {
    if (does_ == Does::kThrowStd) throw std::runtime_error("boom: index 7 out of range");
    if (does_ == Does::kThrowInt) throw 42;
    if (does_ == Does::kFail) return Status::InvalidInput(source + ":3: not a " + name_ + " op");
    CheckerResult r;
    r.verdict = verdict_;
    r.summary = name_ + ": " + VerdictName(verdict_);
    r.detail = {{"checker", name_}, {"verdict", VerdictName(verdict_)}};
    if (verdict_ == Verdict::kInvalid) {
      r.problems.push_back({Verdict::kInvalid, "k1", {4}, "it broke", "key k1: it broke"});
    }
    if (verdict_ == Verdict::kUnknown) r.why = "too big to check";
    return r;
  }

 private:
  const std::string name_;
  const Verdict verdict_;
  const Does does_;
};

using Does = FakeChecker::Does;

std::vector<std::unique_ptr<Checker>> Fakes(
    std::initializer_list<std::tuple<const char*, Verdict, Does>> specs) {
  std::vector<std::unique_ptr<Checker>> out;
  for (const auto& [name, verdict, does] : specs) {
    out.push_back(std::make_unique<FakeChecker>(name, verdict, does));
  }
  return out;
}

Result<Composition> ComposeFakes(std::initializer_list<std::tuple<const char*, Verdict, Does>> s) {
  return Compose(Fakes(s), History{}, "h.jsonl");
}

constexpr Verdict kValid = Verdict::kValid, kInvalid = Verdict::kInvalid,
                  kUnknown = Verdict::kUnknown;

TEST(Compose, AThrowingCheckerIsUnknownWithItsMessage) {
  auto c = ComposeFakes({{"a", kValid, Does::kAnswer}, {"b", kValid, Does::kThrowStd}});
  ASSERT_TRUE(c.ok()) << c.status().message();
  EXPECT_EQ(c->verdict, kUnknown);
  EXPECT_EQ(c->detail["b"]["verdict"], "unknown");
  EXPECT_EQ(c->detail["b"]["explanation"],
            "b: unknown (the checker failed: boom: index 7 out of range)");
  EXPECT_EQ(c->summary, "a: valid\nb: unknown (the checker failed: boom: index 7 out of range)");
  EXPECT_EQ(c->detail["a"]["verdict"], "valid");  // the others still ran
  ASSERT_EQ(c->results.size(), 2u);
  EXPECT_EQ(c->results[1].first, "b");
  EXPECT_EQ(c->results[1].second.verdict, kUnknown);
}

TEST(Compose, AnythingThrownIsUnknown) {
  auto c = ComposeFakes({{"a", kValid, Does::kThrowInt}});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->verdict, kUnknown);
  EXPECT_NE(c->summary.find("not a std::exception"), std::string::npos) << c->summary;
}

TEST(Compose, InvalidStillBeatsAThrowingChecker) {
  auto c = ComposeFakes({{"a", kValid, Does::kThrowStd}, {"b", kInvalid, Does::kAnswer}});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->verdict, kInvalid);
}

TEST(Compose, TheWorstVerdictWins) {
  struct Case {
    std::vector<Verdict> in;
    Verdict want;
  };
  const std::vector<Case> cases = {
      {{kValid, kInvalid}, kInvalid},     {{kInvalid, kValid}, kInvalid},
      {{kValid, kUnknown}, kUnknown},     {{kUnknown, kInvalid, kValid}, kInvalid},
      {{kValid, kValid, kValid}, kValid}, {{kValid}, kValid}};
  for (const Case& k : cases) {
    std::vector<std::unique_ptr<Checker>> checkers;
    for (size_t i = 0; i < k.in.size(); ++i) {
      checkers.push_back(std::make_unique<FakeChecker>("c" + std::to_string(i), k.in[i]));
    }
    auto c = Compose(checkers, History{}, "h");
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->verdict, k.want) << c->summary;
    EXPECT_EQ(c->detail.size(), k.in.size());
  }
}

TEST(Compose, TheSummaryGivesEachCheckerAndItsFirstProblemOrWhy) {
  auto c = ComposeFakes({{"lin", kInvalid, Does::kAnswer}, {"causal", kUnknown, Does::kAnswer}});
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->summary, "lin: invalid\n  key k1: it broke\ncausal: unknown\n  too big to check");
}

TEST(Compose, AHistoryThatDoesNotFitIsAnError) {
  auto c = ComposeFakes({{"a", kInvalid, Does::kAnswer}, {"bank", kValid, Does::kFail}});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), "h.jsonl:3: not a bank op");
  EXPECT_FALSE(Compose({}, History{}, "h").ok());
}

History Load(const std::string& path) {
  auto loaded = ReadHistoryFile(path, HistoryFormat::kAuto);
  EXPECT_TRUE(loaded.ok()) << loaded.status().message();
  return loaded.ok() ? std::move(loaded->history) : History{};
}

CheckerResult CheckWith(const std::string& name, const nlohmann::json& params, const History& h) {
  auto checker = MakeChecker(name, params);
  EXPECT_TRUE(checker.ok()) << checker.status().message();
  EXPECT_EQ((*checker)->name(), name);
  auto r = (*checker)->Check(h, "fixture");
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : CheckerResult{};
}

Verdict FromFileName(const std::string& stem) {
  return stem.starts_with("valid-") ? kValid : stem.starts_with("invalid-") ? kInvalid : kUnknown;
}

// Each adapter, built by the registry, gives what the free function gives: same verdict, same
// detail, and the verdict in the fixture's name.
TEST(Adapters, CausalMatchesCheckCausal) {
  for (const std::string& stem : JsonlFixtureNames(kFixtures + "/causal")) {
    const History h = Load(kFixtures + "/causal/" + stem + ".jsonl");
    auto direct = CheckCausal(h, "fixture");
    ASSERT_TRUE(direct.ok()) << stem;
    const CheckerResult r = CheckWith("causal", nullptr, h);
    EXPECT_EQ(r.verdict, direct->verdict) << stem;
    EXPECT_EQ(r.verdict, FromFileName(stem)) << stem;
    EXPECT_EQ(r.detail, ToJson(*direct)) << stem;
    EXPECT_EQ(r.problems.size(), direct->violations.size()) << stem;
  }
}

TEST(Adapters, BankMatchesCheckBank) {
  for (const std::string& stem : JsonlFixtureNames(kFixtures + "/bank")) {
    const History h = Load(kFixtures + "/bank/" + stem + ".jsonl");
    auto direct = CheckBank(h, "fixture", {.accounts = 3, .total = 30});
    ASSERT_TRUE(direct.ok()) << stem;
    const CheckerResult r = CheckWith("bank", {{"accounts", 3}, {"total", 30}}, h);
    EXPECT_EQ(r.verdict, direct->verdict) << stem;
    EXPECT_EQ(r.verdict, FromFileName(stem)) << stem;
    EXPECT_EQ(r.detail, ToJson(*direct)) << stem;
    EXPECT_EQ(r.problems.size(), direct->bad_reads.size()) << stem;
  }
}

TEST(Adapters, CounterMatchesCheckCounter) {
  for (const std::string& stem : JsonlFixtureNames(kFixtures + "/counter")) {
    const History h = Load(kFixtures + "/counter/" + stem + ".jsonl");
    const bool eventual = stem.find("eventual") != std::string::npos;
    auto direct = CheckCounter(
        h, "fixture",
        {eventual ? CounterConsistency::kEventual : CounterConsistency::kLinearizable});
    ASSERT_TRUE(direct.ok()) << stem;
    const CheckerResult r =
        CheckWith("counter", {{"consistency", eventual ? "eventual" : "linearizable"}}, h);
    EXPECT_EQ(r.verdict, direct->verdict) << stem;
    EXPECT_EQ(r.verdict, FromFileName(stem)) << stem;
    EXPECT_EQ(r.detail, ToJson(*direct)) << stem;
    EXPECT_EQ(r.problems.size(), static_cast<size_t>(direct->errors)) << stem;
  }
}

TEST(Adapters, LinearizabilityMatchesCheckLinearizability) {
  const std::string porcupine = std::string(FAULTLINE_SHARED_DIR) + "/histories/porcupine/kv/";
  const std::vector<std::pair<std::string, std::string>> files = {
      {porcupine + "c01-ok.txt", "kv"},
      {porcupine + "c01-bad.txt", "kv"},
      {kFixtures + "/runs/register-async-invalid/history.jsonl", "cas-register"},
      {kFixtures + "/causal/valid-monotonic-reads.jsonl", "cas-register"}};
  for (const auto& [file, model] : files) {
    const History h = Load(file);
    auto direct = CheckLinearizability(h, "fixture", {.model = model});
    ASSERT_TRUE(direct.ok()) << file << ": " << direct.status().message();
    const CheckerResult r = CheckWith("linearizability", {{"model", model}}, h);
    EXPECT_EQ(r.verdict, direct->verdict) << file;
    EXPECT_EQ(r.detail["model"], model) << file;
    EXPECT_EQ(r.detail["keys"], direct->keys) << file;
    EXPECT_EQ(r.problems.size(), direct->problems.size()) << file;
  }
  // The stored register run is not linearizable (async replication, reads from any node).
  const CheckerResult run = CheckWith(
      "linearizability", nullptr, Load(kFixtures + "/runs/register-async-invalid/history.jsonl"));
  EXPECT_EQ(run.verdict, kInvalid);
  EXPECT_EQ(run.summary, "linearizability: invalid (4 keys, 66 ops, 4 invalid)");
}

TEST(Registry, ListsTheCheckersWithTheirLines) {
  std::vector<std::string> names;
  for (const CheckerInfo& c : RegisteredCheckers()) {
    names.push_back(c.name);
    EXPECT_FALSE(c.description.empty()) << c.name;
    EXPECT_EQ(c.description.find('\n'), std::string::npos) << c.name;
    EXPECT_NE(c.factory, nullptr) << c.name;
    EXPECT_EQ(FindChecker(c.name), &c);
  }
  EXPECT_EQ(names, (std::vector<std::string>{"linearizability", "causal", "bank", "counter", "txn"}));
  EXPECT_EQ(RegisteredCheckerNames(), "linearizability, causal, bank, counter, txn");
  EXPECT_EQ(FindChecker("serializability"), nullptr);
}

TEST(Registry, BadNamesAndParametersSayWhatIsExpected) {
  auto message = [](std::string_view name, const nlohmann::json& params) {
    auto c = MakeChecker(name, params);
    EXPECT_FALSE(c.ok()) << name << " " << params.dump();
    return c.ok() ? std::string() : c.status().message();
  };
  EXPECT_EQ(message("elle", nullptr),
            "unknown checker \"elle\"; the checkers are: linearizability, causal, bank, counter, txn");
  EXPECT_EQ(message("bank", {{"accounts", 3}}), "checker bank: parameter \"total\" is required");
  EXPECT_EQ(message("bank", {{"total", 30}, {"accounts", -1}}),
            "checker bank: parameter \"accounts\": expected an integer from 0 to 1073741824, "
            "got -1");
  EXPECT_EQ(message("bank", {{"total", 30}, {"allow_negative", "yes"}}),
            "checker bank: parameter \"allow_negative\": expected true or false, got \"yes\"");
  EXPECT_EQ(message("counter", {{"consistency", "strong"}}),
            "checker counter: parameter \"consistency\": expected linearizable or eventual, got "
            "\"strong\"");
  EXPECT_EQ(message("linearizability", {{"model", "queue"}}),
            "checker linearizability: parameter \"model\": queue: expected register, "
            "cas-register, etcd, kv or mutex");
  EXPECT_EQ(message("linearizability", {{"timeout_seconds", -1}}),
            "checker linearizability: parameter \"timeout_seconds\": expected a number >= 0, "
            "got -1");
  // Keys a checker does not read (the rest of test.json's workload) are ignored.
  EXPECT_TRUE(MakeChecker("counter", {{"ops_per_key", 10}, {"name", "counter"}}).ok());
  EXPECT_TRUE(MakeChecker("causal", {{"total", "x"}}).ok());
}

}  // namespace
}  // namespace faultline
