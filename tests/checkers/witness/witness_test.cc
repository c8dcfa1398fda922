// Witnesses of the fixture histories in tests/fixtures/witness (manifest.json says what each
// hides: see tests/checkers/witness/make_fixtures.py): the planted anomaly shrinks to a witness
// no larger than it, with its name, that the same checker finds invalid alone; valid histories
// have no witness. Then the names, on histories small enough to read.
#include "checkers/witness/witness.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "checkers/registry.h"
#include "core/history_io.h"

namespace faultline {
namespace {

const std::string kDir = std::string(FAULTLINE_SOURCE_DIR) + "/tests/fixtures/witness";

const nlohmann::json& Manifest() {
  static const nlohmann::json kManifest = [] {
    std::ifstream in(kDir + "/manifest.json");
    return nlohmann::json::parse(in);
  }();
  return kManifest;
}

std::vector<std::string> ManifestFiles() {
  std::vector<std::string> files;
  for (const auto& [file, spec] : Manifest().items()) files.push_back(file);
  return files;
}

std::unique_ptr<Checker> CheckerFor(const nlohmann::json& spec) {
  auto checker = MakeChecker(spec["checker"].get<std::string>(), spec["params"]);
  EXPECT_TRUE(checker.ok()) << checker.status().message();
  return checker.ok() ? std::move(checker).value() : nullptr;
}

// The problem the planted anomaly causes: the one on its offending op, else (a problem of a
// whole key) the one of its key.
const CheckerProblem* PlantedProblem(const CheckerResult& r, const nlohmann::json& spec) {
  const int64_t target = spec["target"];
  for (const CheckerProblem& p : r.problems) {
    if (p.target == target) return &p;
  }
  for (const CheckerProblem& p : r.problems) {
    if (!spec["key"].is_null() && p.key == spec["key"].get<std::string>()) return &p;
  }
  return nullptr;
}

class WitnessFixture : public ::testing::TestWithParam<std::string> {};

TEST_P(WitnessFixture, ThePlantedAnomalyShrinksToANamedWitnessNoLargerThanIt) {
  const nlohmann::json& spec = Manifest()[GetParam()];
  auto loaded = ReadHistoryFile(kDir + "/" + GetParam(), HistoryFormat::kJsonl);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const History& h = loaded->history;
  auto checker = CheckerFor(spec);
  ASSERT_NE(checker, nullptr);
  auto result = checker->Check(h, GetParam());
  ASSERT_TRUE(result.ok()) << result.status().message();
  const std::vector<Witness> witnesses = FindWitnesses(*checker, *result, h, GetParam());
  if (spec["kind"].is_null()) {
    // Nothing planted: nothing found, and nothing "shrunk" into a violation.
    EXPECT_EQ(result->verdict, Verdict::kValid) << result->summary << "; " << result->why;
    EXPECT_TRUE(result->problems.empty()) << result->problems.front().text;
    EXPECT_TRUE(witnesses.empty());
    return;
  }
  ASSERT_EQ(result->verdict, Verdict::kInvalid) << result->summary;
  ASSERT_EQ(witnesses.size(), result->problems.size());
  const CheckerProblem* planted = PlantedProblem(*result, spec);
  ASSERT_NE(planted, nullptr) << "no problem on op " << spec["target"] << ": " << result->summary;
  const Witness& w = witnesses[size_t(planted - result->problems.data())];
  EXPECT_EQ(w.kind, spec["kind"]) << WitnessLine(w);
  EXPECT_LE(w.op_indices.size(), spec["hidden_ops"].get<size_t>())
      << WitnessLine(w) << "; planted ops " << spec["hidden"].dump();
  EXPECT_TRUE(w.note.empty()) << w.note;
  for (const auto& quote : spec["quotes"]) {
    EXPECT_NE(w.sentence.find(quote.get<std::string>()), std::string::npos)
        << "the sentence does not quote " << quote << ": " << w.sentence;
  }
  // The witness is a proof by itself: the same checker, anew, finds it invalid alone.
  auto alone = CheckerFor(spec)->Check(WitnessHistory(h, w), "witness");
  ASSERT_TRUE(alone.ok()) << alone.status().message();
  EXPECT_EQ(alone->verdict, Verdict::kInvalid) << alone->summary;
  // The background traffic is valid: every problem found is the planted anomaly's.
  for (const Witness& other : witnesses) EXPECT_EQ(other.kind, spec["kind"]) << WitnessLine(other);
}

INSTANTIATE_TEST_SUITE_P(Fixtures, WitnessFixture, ::testing::ValuesIn(ManifestFiles()),
                         [](const auto& info) {
                           std::string s = info.param.substr(0, info.param.size() - 6);
                           std::replace(s.begin(), s.end(), '-', '_');
                           return s;
                         });

TEST(WitnessFixtures, EveryKindTheIssueNamesHasAFixtureAndTheyHide200To2000Ops) {
  std::set<std::string> kinds;
  for (const auto& [file, spec] : Manifest().items()) {
    if (!spec["kind"].is_null())
      kinds.insert(spec["checker"].get<std::string>() + "/" + spec["kind"].get<std::string>());
    const int64_t ops = spec["history_lines"].get<int64_t>() / 2;
    EXPECT_GE(ops, 200) << file;
    EXPECT_LE(ops, 2000) << file;
  }
  for (const char* k :
       {"linearizability/stale-read", "linearizability/lost-write", "linearizability/never-written",
        "linearizability/impossible-cas", "linearizability/non-monotonic-reads",
        "counter/read-below-acknowledged", "counter/lost-add", "counter/read-above-attempted",
        "counter/non-monotonic-reads", "bank/money-created", "bank/money-destroyed",
        "bank/negative-balance", "causal/read-your-writes", "causal/monotonic-reads"}) {
    EXPECT_TRUE(kinds.count(k)) << k;
  }
}

// ---- names, on histories small enough to read --------------------------------------------

// A register history on key "k" from a script of ops run one at a time, 1 ms apart:
// "0 write 1; 2 read 1; 1 write 7 fail; 2 cas [1,3] ok n2:replica" (process, f, the value
// written or read, "ok", "fail" or "info", and optionally the node and the role its completion
// reports; node n1 and no role otherwise).
History Sequential(const std::string& script) {
  std::string text;
  int64_t index = 0;
  std::istringstream ops(script);
  for (std::string op; std::getline(ops, op, ';');) {
    std::istringstream words(op);
    std::string p, f, value, outcome = "ok", where = "n1";
    words >> p >> f >> value >> outcome >> where;
    const size_t colon = where.find(':');
    const std::string node = where.substr(0, colon);
    const std::string role =
        colon == std::string::npos ? "" : ",\"role\":\"" + where.substr(colon + 1) + "\"";
    const std::string common =
        "\"process\":" + p + ",\"f\":\"" + f + "\",\"key\":\"k\",\"node\":\"" + node + "\"";
    const bool read = f == "read";
    for (const std::string& type : {std::string("invoke"), outcome}) {
      text += "{\"index\":" + std::to_string(index) +
              ",\"time\":" + std::to_string(index * 1000000) + ",\"type\":\"" + type + "\"," +
              common + (type == "invoke" ? "" : role) +
              ",\"value\":" + (read && type == "invoke" ? "null" : value) + "}\n";
      ++index;
    }
  }
  auto loaded = ParseHistory(text, "test", HistoryFormat::kJsonl);
  EXPECT_TRUE(loaded.ok()) << loaded.status().message();
  return loaded.ok() ? std::move(loaded->history) : History();
}

// The one witness of a register (or `model`) history's one invalid key.
Witness OnlyWitness(const History& h, const std::string& model = "cas-register") {
  auto checker = MakeChecker("linearizability", {{"model", model}});
  EXPECT_TRUE(checker.ok());
  auto result = (*checker)->Check(h, "test");
  EXPECT_TRUE(result.ok());
  EXPECT_EQ(result->verdict, Verdict::kInvalid);
  std::vector<Witness> w = FindWitnesses(**checker, *result, h, "test");
  EXPECT_EQ(w.size(), 1u);
  return w.empty() ? Witness() : w.front();
}

// A register history (a Sequential script), the name its witness gets, how many ops the
// witness keeps, and what its sentence quotes.
struct NamedCase {
  std::string test;  // the test's name
  std::string script, kind;
  size_t witness_ops;
  std::string quote;
};

class WitnessNames : public ::testing::TestWithParam<NamedCase> {};

TEST_P(WitnessNames, TheWitnessHasItsNameSizeAndValues) {
  const Witness w = OnlyWitness(Sequential(GetParam().script));
  EXPECT_EQ(w.kind, GetParam().kind) << w.sentence;
  EXPECT_EQ(w.op_indices.size(), GetParam().witness_ops) << w.sentence;
  EXPECT_NE(w.sentence.find(GetParam().quote), std::string::npos) << w.sentence;
}

// 2 read again later: the read of 1 was stale, the write survived; 2 overwritten unread: nobody
// ever saw it, it was lost. A failed write's value needs only the read that returned it.
INSTANTIATE_TEST_SUITE_P(
    Registers, WitnessNames,
    ::testing::Values(
        NamedCase{"AReadOfAReplacedValueIsStaleWhenTheNewerValueIsReadAgain",
                  "0 write 1; 1 write 2; 2 read 1; 0 read 2", "stale-read", 3,
                  "returned 1, although write 2"},
        NamedCase{"AReadOfAReplacedValueIsALostWriteWhenTheNewerValueIsNeverReadAgain",
                  "0 write 1; 1 write 2; 2 read 1; 0 write 3; 1 read 3", "lost-write", 3,
                  "2 was never read after it was acknowledged"},
        NamedCase{"ANilReadAfterAnAcknowledgedWriteLosesTheWholeRegister", "0 write 1; 1 read null",
                  "lost-write", 2, "the whole register was lost"},
        NamedCase{"AReadOfAFailedWritesValueIsNeverWrittenAndNeedsOnlyTheRead",
                  "0 write 1; 1 write 7 fail; 2 read 7", "never-written", 1, "no op ever wrote 7"},
        NamedCase{"ACasFromAReplacedValueThatSucceededIsImpossible",
                  "0 write 1; 1 write 2; 2 cas [1,3]", "impossible-cas", 3, "cas 1→3"},
        NamedCase{"EachOpIsNamedWithTheRoleItsNodeReported",
                  "0 write 1 ok n1:primary; 1 write 2 ok n1:primary; 2 read 1 ok n2:replica; "
                  "0 read 2 ok n1:primary",
                  "stale-read", 3, "a read by process 2 on n2 (replica) at"},
        NamedCase{"NoRoleIsNamedWhereTheDatabaseSaidNone", "0 write 1 ok n1:primary; 1 read null ok n3",
                  "lost-write", 2, "process 1 on n3 at"}),
    [](const auto& info) { return info.param.test; });

TEST(WitnessLimits, AKeyWhoseValuesRepeatThousandsOfTimesGetsNoWitnessButANote) {
  // 2,100 rounds of write 1, write 2, a stale read of 1: each read would need all 2,100 writes
  // of 1 kept, 4.4M requirements; searching that took minutes (Porcupine's etcd logs).
  std::string script;
  for (int i = 0; i < 2100; ++i) script += "0 write 1; 1 write 2; 2 read 1;";
  script.pop_back();
  const History h = Sequential(script);
  auto checker = MakeChecker("linearizability", {{"model", "cas-register"}});
  ASSERT_TRUE(checker.ok());
  auto result = (*checker)->Check(h, "test");
  ASSERT_TRUE(result.ok());
  ASSERT_EQ(result->verdict, Verdict::kInvalid);
  const std::vector<Witness> w = FindWitnesses(**checker, *result, h, "test");
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].kind, "");
  EXPECT_NE(w[0].note.find("its values repeat"), std::string::npos) << w[0].note;
}

TEST(WitnessNamesLocks, AnAcquireGrantedWhileAnotherProcessHeldTheLockIsTwoHolders) {
  // Process 0 held the lock from its acquire on and released it only after process 1 had it.
  const Witness w =
      OnlyWitness(Sequential("0 acquire null ok n1:leader; 2 acquire null fail; "
                             "1 acquire null ok n2:leader; 0 release null; 1 release null"),
                  "mutex");
  EXPECT_EQ(w.kind, "two-holders") << w.sentence;
  EXPECT_EQ(w.sentence,
            "process 1 on n2 (leader) acquired lock k at 0.004 s (granted 0.005 s) while process 0 "
            "on n1 (leader) held it since 0.001 s, until its release at 0.006 s");
  EXPECT_EQ(w.op_indices.size(), 4u);  // both acquires, each with its release
}

TEST(WitnessNamesLocks, AReleaseOfAFreeLockIsNotTwoHoldersAndSaysLock) {
  const Witness w = OnlyWitness(
      Sequential("0 acquire null; 0 release null; 1 acquire null; 1 release null; 2 release null"),
      "mutex");
  EXPECT_EQ(w.kind, "not-linearizable") << w.sentence;
  EXPECT_NE(w.sentence.find("real-time order and a lock: release by process 2"), std::string::npos)
      << w.sentence;
}

TEST(WitnessNamesLocks, AReleaseOfUnknownOutcomeMayHaveFreedTheLock) {
  // Process 0's release timed out (info) before process 1 acquired: valid, nothing to name.
  auto checker = MakeChecker("linearizability", {{"model", "mutex"}});
  ASSERT_TRUE(checker.ok());
  auto result =
      (*checker)->Check(Sequential("0 acquire null; 0 release null info; 1 acquire null"), "test");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->verdict, Verdict::kValid);
}

TEST(WitnessNamesConcurrent, OneProcessReadingANewValueThenTheOneItReplacedIsNonMonotonic) {
  // Write 2 is still running while process 2 reads it and then reads 1 again: neither read
  // alone is stale (2 was not acknowledged), but together they go back in time.
  const std::string text =
      R"({"index":0,"time":0,"process":0,"type":"invoke","f":"write","key":"k","value":1}
{"index":1,"time":1,"process":0,"type":"ok","f":"write","key":"k","value":1}
{"index":2,"time":2,"process":1,"type":"invoke","f":"write","key":"k","value":2}
{"index":3,"time":3,"process":2,"type":"invoke","f":"read","key":"k","value":null}
{"index":4,"time":4,"process":2,"type":"ok","f":"read","key":"k","value":2}
{"index":5,"time":5,"process":2,"type":"invoke","f":"read","key":"k","value":null}
{"index":6,"time":6,"process":2,"type":"ok","f":"read","key":"k","value":1}
{"index":7,"time":7,"process":1,"type":"ok","f":"write","key":"k","value":2}
)";
  auto loaded = ParseHistory(text, "test", HistoryFormat::kJsonl);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  const Witness w = OnlyWitness(loaded->history);
  EXPECT_EQ(w.kind, "non-monotonic-reads") << w.sentence;
  EXPECT_EQ(w.op_indices, (std::vector<int64_t>{0, 2, 3, 5}));
  EXPECT_NE(w.sentence.find("process 2 read 2"), std::string::npos) << w.sentence;
}

}  // namespace
}  // namespace faultline
