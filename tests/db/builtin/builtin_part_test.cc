// --db builtin's part: the quorum settings' checks and label, and its prediction for every
// mode — a table of settings, workloads and faults with the expected verdict the README
// documents for each.
#include "db/builtin/builtin_part.h"

#include <gtest/gtest.h>

namespace faultline {
namespace {

// A run of `workload` on a builtin store of `nodes` nodes with `db` over the defaults.
TestSpec Spec(const nlohmann::json& db, const std::string& workload = "register",
              const nlohmann::json& workload_options = nlohmann::json::object(),
              std::vector<std::string> faults = {}, int nodes = 3) {
  TestSpec s;
  s.db.options = DefaultOptionValues(BuiltinDbPart().options);
  if (db.is_object()) s.db.options.update(db);  // {} is null
  s.workload.name = workload;
  if (workload_options.is_object()) s.workload.options = workload_options;
  s.nemesis.faults = std::move(faults);
  s.cluster.nodes = nodes;
  return s;
}

const nlohmann::json kNoCas = {{"no_cas", true}};
const nlohmann::json kTextbook = {
    {"replication", "quorum"}, {"quorum_versions", "versioned"}, {"quorum_reads", "write-back"}};

nlohmann::json With(nlohmann::json base, const nlohmann::json& more) {
  base.update(more);
  return base;
}

struct Case {
  const char* name;
  TestSpec spec;
  Expect expect;
  const char* because;  // a phrase the sentence must hold
};

std::vector<Case> Cases() {
  const nlohmann::json quorum = {{"replication", "quorum"}};
  return {
      {"primary register under kills", Spec({}, "register", {}, {"kill", "partition"}),
       Expect::kSafe, "fixed primary"},
      {"primary bank", Spec({}, "bank", {}, {"kill-primary"}), Expect::kSafe, "fixed primary"},
      {"primary read-from any", Spec({{"read_from", "any"}}), Expect::kUnsafe, "random node"},
      {"async without faults", Spec({{"replication", "async"}}, "bank"), Expect::kNoPromise,
       "without a kill"},
      {"async with clock faults only", Spec({{"replication", "async"}}, "register", {}, {"clock"}),
       Expect::kNoPromise, "without a kill"},
      {"async kill", Spec({{"replication", "async"}}, "register", {}, {"kill"}), Expect::kUnsafe,
       "acknowledged writes"},
      {"async pause-primary bank", Spec({{"replication", "async"}}, "bank", {}, {"pause-primary"}),
       Expect::kUnsafe, "debit without its credit"},
      {"async partition counter",
       Spec({{"replication", "async"}}, "counter", {}, {"partition-halves"}), Expect::kUnsafe,
       "acknowledged adds"},
      {"async read-from any", Spec({{"replication", "async"}, {"read_from", "any"}}),
       Expect::kUnsafe, "back in time"},
      {"crdt linearizable counter",
       Spec({{"replication", "crdt"}}, "counter", {{"consistency", "linearizable"}}),
       Expect::kUnsafe, "not linearizable"},
      {"crdt eventual counter with kills",
       Spec({{"replication", "crdt"}}, "counter", {{"consistency", "eventual"}}, {"kill"}),
       Expect::kSafe, "eventual consistency"},
      {"crdt register (refused)", Spec({{"replication", "crdt"}}), Expect::kNoPromise, "refuses"},
      {"quorum bank", Spec(kTextbook, "bank"), Expect::kUnsafe, "money"},
      {"quorum counter", Spec(kTextbook, "counter"), Expect::kUnsafe, "overwrite each other"},
      {"quorum r1 w1", Spec(With(quorum, {{"r", 1}, {"w", 1}}), "register", kNoCas),
       Expect::kUnsafe, "r+w <= n"},
      {"textbook with r+w = n", Spec(With(kTextbook, {{"r", 2}, {"w", 1}}), "register", kNoCas),
       Expect::kUnsafe, "r+w <= n"},
      {"textbook with cas", Spec(kTextbook, "register", {}, {"kill"}), Expect::kUnsafe, "--no-cas"},
      {"textbook, no cas, kills", Spec(kTextbook, "register", kNoCas, {"kill"}), Expect::kSafe,
       "ABD"},
      {"textbook, majorities of 5", Spec(kTextbook, "register", kNoCas, {"partition"}, 5),
       Expect::kSafe, "ABD"},
      {"textbook r3 w3 of 5",
       Spec(With(kTextbook, {{"r", 3}, {"w", 3}}), "register", kNoCas, {"pause"}, 5), Expect::kSafe,
       "ABD"},
      {"textbook under clock skew", Spec(kTextbook, "register", kNoCas, {"clock"}), Expect::kSafe,
       "ABD"},
      {"r 2 of 5 with w majority", Spec(With(kTextbook, {{"r", 2}}), "register", kNoCas, {}, 5),
       Expect::kUnsafe, "r+w <= n"},
      {"majority-vote",
       Spec(With(kTextbook, {{"quorum_reads", "majority-vote"}}), "register", kNoCas),
       Expect::kUnsafe, "outvotes"},
      {"lww under clock skew",
       Spec(With(kTextbook, {{"quorum_versions", "lww"}}), "register", kNoCas, {"clock", "kill"}),
       Expect::kUnsafe, "wall clocks"},
      {"lww, write-back, kills",
       Spec(With(kTextbook, {{"quorum_versions", "lww"}}), "register", kNoCas, {"kill"}),
       Expect::kNoPromise, "needs luck"},
      {"versioned plain reads, kills",
       Spec(With(kTextbook, {{"quorum_reads", "plain"}}), "register", kNoCas, {"kill"}),
       Expect::kUnsafe, "later read misses it"},
      {"versioned plain reads of every node (r = n), partitions and kills",
       Spec(With(kTextbook, {{"quorum_reads", "plain"}, {"r", 3}, {"w", 1}}), "register", kNoCas,
            {"partition", "kill"}),
       Expect::kSafe, "reads of every node"},
      {"versioned plain reads, no faults",
       Spec(With(kTextbook, {{"quorum_reads", "plain"}}), "register", kNoCas), Expect::kNoPromise,
       "depends on timing"},
      {"versioned plain reads, clock faults only",
       Spec(With(kTextbook, {{"quorum_reads", "plain"}}), "register", kNoCas, {"clock"}),
       Expect::kNoPromise, "depends on timing"},
      {"quorum defaults (lww, plain), partitions",
       Spec(quorum, "register", kNoCas, {"partition-ring"}), Expect::kUnsafe,
       "later read misses it"},
  };
}

TEST(BuiltinPredictionTest, EveryModeAsItsReadmeSays) {
  const DbPart part = BuiltinDbPart();
  ASSERT_TRUE(part.predict);
  for (const Case& c : Cases()) {
    SCOPED_TRACE(c.name);
    const Prediction p = part.predict(c.spec);
    EXPECT_EQ(ExpectName(p.expect), std::string(ExpectName(c.expect))) << p.why;
    EXPECT_NE(p.why.find(c.because), std::string::npos) << p.why;
    EXPECT_EQ(p.why.find('\n'), std::string::npos);
    EXPECT_LT(p.why.size(), 300u) << "one sentence: " << p.why;
  }
}

TEST(BuiltinPartTest, QuorumSettingsApplyToQuorumOnly) {
  const DbPart part = BuiltinDbPart();
  EXPECT_TRUE(part.validate(Spec(kTextbook)).ok());
  for (const char* mode : {"primary", "async"}) {
    for (const nlohmann::json& setting : {nlohmann::json{{"quorum_versions", "versioned"}},
                                          nlohmann::json{{"quorum_reads", "majority-vote"}}}) {
      Status st = part.validate(Spec(With({{"replication", mode}}, setting)));
      EXPECT_FALSE(st.ok()) << mode << " " << setting.dump();
      EXPECT_NE(st.message().find("apply to --replication quorum"), std::string::npos)
          << st.message();
    }
  }
}

TEST(BuiltinPartTest, LabelNamesTheQuorumSettingsGiven) {
  const DbPart part = BuiltinDbPart();
  EXPECT_EQ(part.label(Spec({{"replication", "quorum"}, {"r", 2}}).db.options),
            "builtin · quorum replication (r 2, w majority)");
  EXPECT_EQ(part.label(Spec(With(kTextbook, {{"r", 2}, {"w", 2}})).db.options),
            "builtin · quorum replication (r 2, w 2, versioned, write-back reads)");
  EXPECT_EQ(part.label(Spec(With(kTextbook,
                                 {{"quorum_versions", "lww"}, {"quorum_reads", "majority-vote"}}))
                           .db.options),
            "builtin · quorum replication (r majority, w majority, majority-vote reads)");
  // A test.json recorded before the settings existed has neither key.
  EXPECT_EQ(part.label({{"replication", "quorum"}, {"r", 1}, {"w", 1}}),
            "builtin · quorum replication (r 1, w 1)");
}

}  // namespace
}  // namespace faultline
