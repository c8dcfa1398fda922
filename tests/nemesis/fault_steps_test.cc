// Fault times: every fault is recorded as a nemesis invoke before its first effect and an
// info once it is done. Each fault decides in Begin/End and acts only when its step is taken;
// the schedule records the invoke, takes the step, records the completion — HealAll too.
#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>

#include "control/node_tools.h"
#include "nemesis/clock_fault.h"
#include "nemesis/network_faults.h"
#include "nemesis/process_faults.h"
#include "nemesis/schedule.h"
#include "tests/nemesis/fake_cluster.h"
#include "tests/nemesis/names_db.h"

namespace faultline {
namespace {

// Begin and End touch nothing (`effects` does not move) until their steps are taken; taking
// them does something, and the completion keeps the invoke's f.
void ExpectActsOnlyWhenTaken(Fault& fault, const std::function<size_t()>& effects,
                             bool has_end = true) {
  Random rng(7);
  size_t before = effects();
  FaultStep begin = fault.Begin(rng);
  EXPECT_EQ(effects(), before) << fault.name() << ": Begin acted before its invoke";
  EXPECT_EQ(begin.Take().f, begin.issued.f) << fault.name();
  EXPECT_GT(effects(), before) << fault.name() << ": taking Begin's step did nothing";
  if (!has_end) return;
  before = effects();
  std::optional<FaultStep> end = fault.End();
  ASSERT_TRUE(end.has_value()) << fault.name();
  EXPECT_EQ(effects(), before) << fault.name() << ": End acted before its invoke";
  EXPECT_EQ(end->Take().f, end->issued.f) << fault.name();
  EXPECT_GT(effects(), before) << fault.name() << ": taking End's step did nothing";
}

TEST(FaultStepsTest, ProcessFaultsActOnlyWhenTheStepIsTaken) {
  for (auto action : {ProcessFault::Action::kKill, ProcessFault::Action::kPause}) {
    for (bool primary : {false, true}) {
      NamesDb db;
      ProcessFault fault(db, action, primary);
      ExpectActsOnlyWhenTaken(fault, [&] { return db.actions.size(); });
    }
  }
}

size_t CommandsSent(FakeCluster& c) {
  size_t n = 0;
  for (size_t i = 0; i < c.nodes().size(); ++i) n += c.recording(i).commands().size();
  return n;
}

TEST(FaultStepsTest, NetworkAndClockFaultsSendNothingUntilTheStepIsTaken) {
  FakeCluster c(4);
  NodeNetwork net(c);
  NamesDb db;
  const std::vector<std::string> nodes = {"n1", "n2", "n3", "n4"};
  auto sent = [&] { return CommandsSent(c); };
  for (const char* shape : kPartitionShapes) {
    PartitionFault partition("partition", {shape}, net, nodes, db);
    ExpectActsOnlyWhenTaken(partition, sent);
  }
  LossFault loss(net, nodes, 0.3);
  ExpectActsOnlyWhenTaken(loss, sent);
  auto tools = FakeNodeTools(c);
  ASSERT_TRUE(tools.ok()) << tools.status().message();
  ClockFault clock(c, *tools, 500);
  ExpectActsOnlyWhenTaken(clock, sent);
  // The fake nodes start no daemon (no PID comes back), so the delay never takes hold and
  // has nothing to end; what counts is that Begin sent nothing.
  DelayFault delay(net, c, *tools, 100, 0, 1);
  ExpectActsOnlyWhenTaken(delay, sent, /*has_end=*/false);
}

// Runs a schedule of `fault` for a few rounds and heals. Writes each recorded op to
// db.actions beside the Db's own actions ("invoke kill n2", "kill n2", "info kill n2"), so
// their order shows, and returns the ops with their times.
std::vector<Op> RunSchedule(NamesDb& db, std::unique_ptr<Fault> fault) {
  std::vector<std::unique_ptr<Fault>> faults;
  faults.push_back(std::move(fault));
  FaultSchedule schedule(std::move(faults), 0.02, 3);
  std::vector<Op> ops;
  FaultRecorder record = [&](Op op) {
    op.time = Clock::now().time_since_epoch().count();
    db.actions.push_back(std::string(OpTypeName(op.type)) + " " + op.f + " " +
                         (op.value.is_string() ? std::string(op.value.as_string()) : op.value.ToJson()));
    ops.push_back(std::move(op));
  };
  schedule.Run(Clock::now() + std::chrono::milliseconds(200), [] { return false; }, record);
  schedule.HealAll(record);
  return ops;
}

TEST(FaultScheduleStampsTest, TheInvokeIsRecordedBeforeTheFaultActsAndTheInfoAfter) {
  NamesDb db;
  std::vector<Op> ops =
      RunSchedule(db, std::make_unique<ProcessFault>(db, ProcessFault::Action::kKill, true));
  const std::vector<std::string> cycle = {"invoke kill n2",  "kill n2",    "info kill n2",
                                          "invoke start n2", "restart n2", "info start n2"};
  ASSERT_GE(db.actions.size(), cycle.size());
  ASSERT_EQ(db.actions.size() % cycle.size(), 0u);
  for (size_t i = 0; i < db.actions.size(); ++i) {
    EXPECT_EQ(db.actions[i], cycle[i % cycle.size()]) << i;
  }
  for (size_t i = 0; i + 1 < ops.size(); i += 2) {
    EXPECT_EQ(ops[i].type, OpType::kInvoke);
    EXPECT_EQ(ops[i + 1].type, OpType::kInfo);
    EXPECT_LE(ops[i].time, ops[i + 1].time);
    EXPECT_FALSE(ops[i].error.has_value());
    EXPECT_FALSE(ops[i + 1].error.has_value());
  }
}

TEST(FaultScheduleStampsTest, AFailedFaultIsAnInvokeAndAnInfoWithItsError) {
  NamesDb db;
  db.broken = "n2";  // the primary: every kill of it fails, so nothing needs a start
  std::vector<Op> ops =
      RunSchedule(db, std::make_unique<ProcessFault>(db, ProcessFault::Action::kKill, true));
  ASSERT_GE(ops.size(), 2u);
  ASSERT_EQ(db.actions.size() % 3, 0u);
  for (size_t i = 0; i < db.actions.size(); i += 3) {
    EXPECT_EQ(db.actions[i], "invoke kill n2");
    EXPECT_EQ(db.actions[i + 1], "kill n2") << "the command ran after its invoke";
    EXPECT_EQ(db.actions[i + 2], "info kill n2");
  }
  for (size_t i = 0; i < ops.size(); i += 2) {
    EXPECT_FALSE(ops[i].error.has_value());
    ASSERT_TRUE(ops[i + 1].error.has_value());
    EXPECT_EQ(*ops[i + 1].error, "n2 is broken");
  }
}

TEST(FaultScheduleStampsTest, AFaultThatCannotBeginIsStillAPair) {
  NamesDb db;
  db.primary.reset();
  std::vector<Op> ops =
      RunSchedule(db, std::make_unique<ProcessFault>(db, ProcessFault::Action::kPause, true));
  ASSERT_GE(ops.size(), 2u);
  ASSERT_EQ(ops.size() % 2, 0u);
  for (size_t i = 0; i < ops.size(); i += 2) {
    EXPECT_EQ(ops[i].type, OpType::kInvoke);
    EXPECT_EQ(ops[i].f, "pause");
    EXPECT_EQ(ops[i + 1].type, OpType::kInfo);
    EXPECT_EQ(ops[i + 1].error, "no primary is known");
  }
  for (const std::string& a : db.actions) {
    EXPECT_FALSE(a.starts_with("pause ")) << "paused with no primary known: " << a;
  }
}

TEST(FaultScheduleStampsTest, HealAllRecordsAPairPerFaultItEnds) {
  NamesDb db;
  auto* kill = new ProcessFault(db, ProcessFault::Action::kKill, true);
  auto* pause = new ProcessFault(db, ProcessFault::Action::kPause, false);
  std::vector<std::unique_ptr<Fault>> faults;
  faults.emplace_back(kill);
  faults.emplace_back(pause);
  FaultSchedule schedule(std::move(faults), 1, 1);
  Random rng(1);
  (void)kill->Begin(rng).Take();  // left in force, as a run cut short leaves it
  std::vector<Op> ops;
  FaultRecorder record = [&](Op op) {
    db.actions.push_back(std::string(OpTypeName(op.type)) + " " + op.f);
    ops.push_back(std::move(op));
  };
  schedule.HealAll(record);
  EXPECT_EQ(db.actions,
            (std::vector<std::string>{"kill n2", "invoke start", "restart n2", "info start"}));
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_EQ(ops[0].value, Value::String("n2"));
  EXPECT_EQ(ops[1].value, Value::String("n2"));
  schedule.HealAll(record);
  EXPECT_EQ(ops.size(), 2u) << "nothing left to heal";
}

}  // namespace
}  // namespace faultline
