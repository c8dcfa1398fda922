// Comparing anomaly kinds for `faultline replay`: the witnesses' kinds when results.json names
// them, the invalid checkers' problems otherwise, and a replay counting only when it is
// invalid with a kind the original had.
#include "app/replay_kinds.h"

#include <gtest/gtest.h>

namespace faultline {
namespace {

using nlohmann::json;
using Kinds = std::set<std::string>;

json WithWitnesses(const char* verdict, std::vector<const char*> kinds) {
  json r = {{"verdict", verdict}, {"witnesses", json::array()}};
  for (const char* k : kinds) {
    r["witnesses"].push_back({{"checker", "linearizability"}, {"key", "7"}, {"kind", k}});
  }
  return r;
}

// results.json as runs wrote it before witnesses were named.
json Unnamed() {
  return json::parse(R"({"verdict":"invalid","checkers":{
    "linearizability":{"checker":"linearizability","verdict":"invalid","problems":[{"key":"3","verdict":"invalid"}]},
    "causal":{"verdict":"invalid","violations":[{"name":"monotonic-reads"},{"name":"read-your-writes"}]},
    "bank":{"verdict":"valid","bad_reads":[]},
    "counter":{"verdict":"invalid","problems":[{"name":"lost-add"}]},
    "database":{"verdict":"unknown","reason":"…"}}})");
}

TEST(ReplayKindsTest, WitnessKindsAreTheKindsOfTheWitnesses) {
  const json r = WithWitnesses("invalid", {"lost-write", "stale-read", "lost-write"});
  EXPECT_TRUE(HasWitnesses(r));
  EXPECT_EQ(AnomalyKinds(r, true), (Kinds{"lost-write", "stale-read"}));
  EXPECT_TRUE(HasWitnesses(WithWitnesses("valid", {})));
  EXPECT_TRUE(AnomalyKinds(WithWitnesses("valid", {}), true).empty());
}

TEST(ReplayKindsTest, WithoutWitnessesTheInvalidCheckersProblemsStandIn) {
  const json r = Unnamed();
  EXPECT_FALSE(HasWitnesses(r));
  EXPECT_EQ(AnomalyKinds(r, false), (Kinds{"linearizability invalid", "causal: monotonic-reads",
                                           "causal: read-your-writes", "counter: lost-add"}));
  EXPECT_TRUE(AnomalyKinds(r, true).empty());
  EXPECT_TRUE(AnomalyKinds(json::object(), false).empty());
}

TEST(ReplayKindsTest, AReplayCountsWhenInvalidWithAKindTheOriginalHad) {
  const Kinds original = {"lost-write", "stale-read"};
  const json same = WithWitnesses("invalid", {"stale-read"});
  const json other = WithWitnesses("invalid", {"never-written"});
  const json valid = WithWitnesses("valid", {});
  EXPECT_TRUE(SameAnomaly(original, same, AnomalyKinds(same, true)));
  EXPECT_FALSE(SameAnomaly(original, other, AnomalyKinds(other, true)));
  EXPECT_FALSE(SameAnomaly(original, valid, AnomalyKinds(valid, true)));
  // Nothing to compare: any invalid replay counts, a valid one never.
  EXPECT_TRUE(SameAnomaly({}, other, AnomalyKinds(other, true)));
  EXPECT_FALSE(SameAnomaly({}, valid, {}));
  // Older runs on both sides: compared by the checkers' problems.
  const json unnamed = Unnamed();
  EXPECT_TRUE(SameAnomaly(AnomalyKinds(unnamed, false), unnamed, AnomalyKinds(unnamed, false)));
}

TEST(ReplayKindsTest, KindsTextListsThemOrSaysNone) {
  EXPECT_EQ(KindsText({"stale-read", "lost-write"}), "lost-write, stale-read");
  EXPECT_EQ(KindsText({}), "none");
}

}  // namespace
}  // namespace faultline
