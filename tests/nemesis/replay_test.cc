// Replaying recorded faults: the schedule read back from a history (offsets from the first
// client op, nemesis invokes only), each fault beginning on recorded targets (BeginAs takes
// back exactly what Begin records, and refuses what this cluster cannot take), and a
// ReplayedSchedule taking the steps in order at their offsets, recorded as FaultSchedule does.
#include "nemesis/replay.h"

#include <gtest/gtest.h>

#include "core/history_io.h"
#include "nemesis/clock_fault.h"
#include "nemesis/network_faults.h"
#include "nemesis/process_faults.h"
#include "tests/nemesis/fake_cluster.h"
#include "tests/nemesis/names_db.h"

namespace faultline {
namespace {

bool Has(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// A history of a kill-primary run as `faultline test` writes it: the first client op at
// 0.25 s (the set-up before it), a kill of n1 at 2.25 s and its start at 3.25 s, and the
// start HealAll took after the main phase.
constexpr const char* kHistory = R"(
{"index":0,"time":250000000,"process":0,"type":"invoke","f":"write","value":1}
{"index":1,"time":260000000,"process":0,"type":"ok","f":"write","value":1,"node":"n1"}
{"index":2,"time":2250000000,"process":"nemesis","type":"invoke","f":"kill","value":"n1"}
{"index":3,"time":2260000000,"process":"nemesis","type":"info","f":"kill","value":"n1"}
{"index":4,"time":3250000000,"process":"nemesis","type":"invoke","f":"start","value":"n1"}
{"index":5,"time":3300000000,"process":"nemesis","type":"info","f":"start","value":"n1"}
{"index":6,"time":4250000000,"process":"nemesis","type":"invoke","f":"kill","value":"n3"}
{"index":7,"time":4260000000,"process":"nemesis","type":"info","f":"kill","value":"n3"}
{"index":8,"time":8300000000,"process":"nemesis","type":"invoke","f":"start","value":"n3"}
{"index":9,"time":8400000000,"process":"nemesis","type":"info","f":"start","value":"n3"}
)";

std::vector<RecordedStep> Steps(const std::string& text) {
  auto loaded = ParseHistory(text, "history.jsonl", HistoryFormat::kJsonl);
  EXPECT_TRUE(loaded.ok()) << loaded.status().message();
  return loaded.ok() ? RecordedSchedule(loaded->history) : std::vector<RecordedStep>{};
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

TEST(RecordedScheduleTest, NemesisInvokesWithOffsetsFromTheFirstClientOp) {
  std::vector<RecordedStep> steps = Steps(kHistory);
  ASSERT_EQ(steps.size(), 4u);
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"kill", "n1"}, {"start", "n1"}, {"kill", "n3"}, {"start", "n3"}};
  const std::vector<double> offsets = {2.0, 3.0, 4.0, 8.05};
  for (size_t i = 0; i < steps.size(); ++i) {
    EXPECT_EQ(steps[i].f, expected[i].first) << i;
    EXPECT_EQ(steps[i].value, Value::String(expected[i].second)) << i;
    EXPECT_NEAR(Seconds(steps[i].offset), offsets[i], 1e-9) << i;
  }
  EXPECT_EQ(steps[0].line, 4);  // the text's first line is empty
}

TEST(RecordedScheduleTest, AHistoryWithoutFaultsHasNoSteps) {
  EXPECT_TRUE(Steps(R"({"index":0,"time":5,"process":0,"type":"invoke","f":"read","value":null}
{"index":1,"time":9,"process":0,"type":"ok","f":"read","value":null})")
                  .empty());
}

TEST(RecordedScheduleTest, AnUnreadableHistoryIsAnErrorNamingTheFile) {
  auto steps = ReadRecordedSchedule("/nonexistent/history.jsonl");
  ASSERT_FALSE(steps.ok());
  EXPECT_TRUE(Has(steps.status().message(), "/nonexistent/history.jsonl"));
}

std::vector<std::unique_ptr<Fault>> KillPrimary(NamesDb& db) {
  std::vector<std::unique_ptr<Fault>> faults;
  faults.push_back(std::make_unique<ProcessFault>(db, ProcessFault::Action::kKill, true));
  return faults;
}

// Steps at small offsets, so the test runs in a fraction of a second.
std::vector<RecordedStep> Shrunk(std::vector<RecordedStep> steps, double factor) {
  for (RecordedStep& s : steps) {
    s.offset = std::chrono::duration_cast<Clock::duration>(s.offset * factor);
  }
  return steps;
}

TEST(ReplayedScheduleTest, TakesEachStepAtItsOffsetOnTheRecordedNode) {
  NamesDb db;  // names n2 as primary: the replay still kills n1 and n3, as recorded
  auto schedule = ReplayedSchedule::Make(KillPrimary(db), Shrunk(Steps(kHistory), 0.02));
  ASSERT_TRUE(schedule.ok()) << schedule.status().message();
  std::vector<std::pair<Op, Clock::time_point>> ops;
  FaultRecorder record = [&](Op op) { ops.emplace_back(std::move(op), Clock::now()); };
  const Clock::time_point start = Clock::now();
  // The main phase ends (0.12 s) before the last start (0.161 s): HealAll takes it.
  (*schedule)->Run(
      start + std::chrono::milliseconds(120), [] { return false; }, record);
  (*schedule)->HealAll(record);
  EXPECT_EQ(db.actions,
            (std::vector<std::string>{"kill n1", "restart n1", "kill n3", "restart n3"}));
  ASSERT_EQ(ops.size(), 8u);
  const std::vector<double> offsets = {0.04, 0.06, 0.08};
  for (size_t i = 0; i < ops.size(); ++i) {
    EXPECT_EQ(ops[i].first.type, i % 2 == 0 ? OpType::kInvoke : OpType::kInfo) << i;
    EXPECT_EQ(ops[i].first.process, kNemesisProcess);
    EXPECT_FALSE(ops[i].first.error.has_value()) << i;
    if (i % 2 == 0 && i / 2 < offsets.size()) {
      const double at = Seconds(ops[i].second - start);
      EXPECT_GE(at, offsets[i / 2]) << i;
      EXPECT_LT(at, offsets[i / 2] + 0.03) << i;
    }
  }
  EXPECT_EQ(ops[4].first.f, "kill");
  EXPECT_EQ(ops[4].first.value, Value::String("n3"));
}

TEST(ReplayedScheduleTest, ANodeThisClusterDoesNotHaveIsRefusedBeforeTheRun) {
  NamesDb db;  // n1..n3
  std::vector<RecordedStep> steps = Steps(kHistory);
  steps[2].value = Value::String("n7");
  auto schedule = ReplayedSchedule::Make(KillPrimary(db), steps);
  ASSERT_FALSE(schedule.ok());
  const std::string& m = schedule.status().message();
  EXPECT_TRUE(Has(m, "history line 8")) << m;
  EXPECT_TRUE(Has(m, "\"n7\"")) << m;
  EXPECT_TRUE(Has(m, "n1, n2 and n3")) << m;
  EXPECT_TRUE(db.actions.empty());
}

TEST(ReplayedScheduleTest, AStepNoFaultOfTheRunTakesIsRefused) {
  NamesDb db;
  std::vector<RecordedStep> steps = Steps(kHistory);
  steps[0].f = "start-partition";
  auto partition = ReplayedSchedule::Make(KillPrimary(db), steps);
  ASSERT_FALSE(partition.ok());
  EXPECT_TRUE(Has(partition.status().message(), "start-partition")) << partition.status().message();
  EXPECT_TRUE(Has(partition.status().message(), "kill-primary")) << partition.status().message();
  // An end with no begin before it.
  steps = Steps(kHistory);
  steps.erase(steps.begin());
  auto orphan = ReplayedSchedule::Make(KillPrimary(db), steps);
  ASSERT_FALSE(orphan.ok());
  EXPECT_TRUE(Has(orphan.status().message(), "no begin")) << orphan.status().message();
}

TEST(ReplayedScheduleTest, ABeginRecordedAsImpossibleIsReplayedAsTheSameFailure) {
  NamesDb db;
  auto schedule = ReplayedSchedule::Make(
      KillPrimary(db), {{std::chrono::milliseconds(1), "kill", Value::String("primary"), 3}});
  ASSERT_TRUE(schedule.ok()) << schedule.status().message();
  std::vector<Op> ops;
  (*schedule)->Run(
      Clock::now() + std::chrono::milliseconds(100), [] { return false; },
      [&](Op op) { ops.push_back(std::move(op)); });
  ASSERT_EQ(ops.size(), 2u);
  ASSERT_TRUE(ops[1].error.has_value());
  EXPECT_TRUE(Has(*ops[1].error, "no primary")) << *ops[1].error;
  EXPECT_TRUE(db.actions.empty());
}

// The commands each node of `c` was sent since `before` (its counts per node).
std::vector<std::vector<std::string>> SentSince(FakeCluster& c, const std::vector<size_t>& before) {
  std::vector<std::vector<std::string>> sent;
  for (size_t i = 0; i < c.nodes().size(); ++i) {
    std::vector<std::string> all = c.recording(i).commands();
    sent.emplace_back(all.begin() + static_cast<std::ptrdiff_t>(before[i]), all.end());
  }
  return sent;
}

std::vector<size_t> Counts(FakeCluster& c) {
  std::vector<size_t> n;
  for (size_t i = 0; i < c.nodes().size(); ++i) n.push_back(c.recording(i).commands().size());
  return n;
}

// BeginAs takes back exactly what Begin recorded: the same invoke value, and (taken) the
// same commands to the same nodes.
void ExpectBeginAsTakesWhatBeginRecorded(FakeCluster& c, Fault& drawn, Fault& replayed) {
  Random rng(11);
  for (int i = 0; i < 5; ++i) {
    FaultStep begin = drawn.Begin(rng);
    Result<FaultStep> again = replayed.BeginAs(begin.issued.value);
    ASSERT_TRUE(again.ok()) << drawn.name() << ": " << again.status().message();
    EXPECT_EQ(again->issued.f, begin.issued.f);
    EXPECT_EQ(again->issued.value, begin.issued.value) << drawn.name();
    std::vector<size_t> before = Counts(c);
    begin.Take();
    const auto by_drawn = SentSince(c, before);
    before = Counts(c);
    again->Take();
    EXPECT_EQ(SentSince(c, before), by_drawn) << drawn.name() << " " << begin.issued.value.ToJson();
    for (Fault* f : {&drawn, &replayed}) {
      if (auto end = f->End()) end->Take();
    }
  }
}

TEST(BeginAsTest, NetworkAndClockFaultsTakeBackWhatTheyRecorded) {
  FakeCluster c(5);
  NodeNetwork net(c);
  NamesDb db;
  const std::vector<std::string> nodes = {"n1", "n2", "n3", "n4", "n5"};
  PartitionFault p1("partition", {"halves", "isolate-one", "bridge", "majorities-ring"}, net, nodes,
                    db);
  PartitionFault p2("partition", {"halves"}, net, nodes, db);
  ExpectBeginAsTakesWhatBeginRecorded(c, p1, p2);
  LossFault l1(net, nodes, 0.3), l2(net, nodes, 0.3);
  ExpectBeginAsTakesWhatBeginRecorded(c, l1, l2);
  auto tools = FakeNodeTools(c);
  ASSERT_TRUE(tools.ok()) << tools.status().message();
  ClockFault k1(c, *tools, 800), k2(c, *tools, 800);
  ExpectBeginAsTakesWhatBeginRecorded(c, k1, k2);
}

TEST(BeginAsTest, ValuesThatDoNotFitAreRefusedWithWhatWasExpected) {
  FakeCluster c(3);
  NodeNetwork net(c);
  NamesDb db;
  const std::vector<std::string> nodes = {"n1", "n2", "n3"};
  PartitionFault partition("partition", {"halves"}, net, nodes, db);
  LossFault loss(net, nodes, 0.2);
  auto tools = FakeNodeTools(c);
  ASSERT_TRUE(tools.ok());
  ClockFault clock(c, *tools, 500);
  DelayFault delay(net, c, *tools, 100, 10, 1);
  ProcessFault kill(db, ProcessFault::Action::kKill, false);
  auto refused = [](Result<FaultStep> r, const std::string& part) {
    ASSERT_FALSE(r.ok()) << part;
    EXPECT_TRUE(Has(r.status().message(), part)) << r.status().message();
  };
  auto parse = [](const char* json) {
    return Steps(
               std::string(
                   R"({"index":0,"time":0,"process":"nemesis","type":"invoke","f":"x","value":)") +
               json + "}")[0]
        .value;
  };
  refused(partition.BeginAs(parse(R"({"n1":["n9"]})")), "\"n9\"");
  refused(partition.BeginAs(parse("[1,2]")), "expected each node");
  refused(loss.BeginAs(parse(R"({"nodes":["n1"],"probability":0.5})")), "--loss-probability");
  refused(loss.BeginAs(parse(R"({"nodes":[],"probability":0.2})")), "non-empty list");
  refused(clock.BeginAs(parse(R"({"n2":{"strobe_delta_ms":5}})")), "strobe_period_ms");
  refused(delay.BeginAs(parse(R"({"nodes":["n1"],"delay_ms":50,"jitter_ms":10})")), "delay_ms 50");
  refused(kill.BeginAs(parse("3")), "expected the name of the node");
  EXPECT_TRUE(loss.BeginAs(parse(R"({"nodes":["n1","n3"],"probability":0.2})")).ok());
  EXPECT_TRUE(delay.BeginAs(parse(R"({"nodes":["n2"],"delay_ms":100,"jitter_ms":10})")).ok());
  EXPECT_TRUE(
      clock.BeginAs(parse(R"({"n2":-730,"n3":{"strobe_delta_ms":5,"strobe_period_ms":3}})")).ok());
}

}  // namespace
}  // namespace faultline
