// The nemesis without nodes: the iptables commands NodeNetwork sends, the schedule's
// begin/end pairing and HealAll, and process faults through a fake Db.
#include <gtest/gtest.h>

#include <atomic>
#include <map>

#include "nemesis/make_nemesis.h"
#include "nemesis/node_network.h"
#include "nemesis/process_faults.h"
#include "nemesis/schedule.h"
#include "tests/nemesis/fake_cluster.h"
#include "tests/nemesis/names_db.h"

namespace faultline {
namespace {

bool Has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

TEST(NodeNetworkTest, PartitionDropsTheGrudgeAndExemptsTheControlHost) {
  FakeCluster c(3);
  NodeNetwork net(c);
  ASSERT_TRUE(net.Prepare().ok());
  ASSERT_TRUE(net.SetPartition({{"n1", {"n2", "n3"}}, {"n2", {"n1"}}, {"n3", {"n1"}}}).ok());
  const std::string n1 = c.recording(0).commands().back();
  EXPECT_TRUE(Has(n1, "-A faultline-partition -s 10.9.0.1 -j RETURN")) << n1;
  EXPECT_TRUE(Has(n1, "-A faultline-partition -s 10.9.0.12 -j DROP")) << n1;
  EXPECT_TRUE(Has(n1, "-A faultline-partition -s 10.9.0.13 -j DROP")) << n1;
  const std::string n2 = c.recording(1).commands().back();
  EXPECT_TRUE(Has(n2, "-s 10.9.0.11 -j DROP")) << n2;
  EXPECT_FALSE(Has(n2, "10.9.0.13 -j DROP")) << n2;
  // The control host's exemption comes before any drop.
  EXPECT_LT(n1.find("10.9.0.1 -j RETURN"), n1.find("-j DROP"));
  // Heal: every node's chain is reset and nothing dropped.
  ASSERT_TRUE(net.SetPartition({}).ok());
  for (int i = 0; i < 3; ++i) {
    const std::string cmd = c.recording(i).commands().back();
    EXPECT_TRUE(Has(cmd, "-F faultline-partition")) << cmd;
    EXPECT_FALSE(Has(cmd, "DROP")) << cmd;
  }
}

TEST(NodeNetworkTest, PrepareHooksEveryChainAndTeardownRemovesThem) {
  FakeCluster c(2);
  NodeNetwork net(c);
  ASSERT_TRUE(net.Prepare().ok());
  const std::string prep = c.recording(0).commands().back();
  EXPECT_TRUE(Has(prep, "-I INPUT -j faultline-partition")) << prep;
  EXPECT_TRUE(Has(prep, "-I INPUT -j faultline-loss")) << prep;
  EXPECT_TRUE(Has(prep, "-I OUTPUT -j faultline-delay")) << prep;
  EXPECT_TRUE(Has(prep, "-A faultline-delay -d 10.9.0.1 -j RETURN")) << prep;
  ASSERT_TRUE(net.Teardown().ok());
  const std::string down = c.recording(1).commands().back();
  for (const char* chain : {"faultline-partition", "faultline-loss", "faultline-delay"}) {
    EXPECT_TRUE(Has(down, std::string("-X ") + chain)) << down;
  }
}

TEST(NodeNetworkTest, LossAndDelayOnlyOnTargets) {
  FakeCluster c(3);
  NodeNetwork net(c);
  ASSERT_TRUE(net.SetLoss({"n2"}, 0.25).ok());
  EXPECT_TRUE(Has(c.recording(1).commands().back(), "--probability 0.2500 -j DROP"));
  EXPECT_FALSE(Has(c.recording(0).commands().back(), "statistic"));
  ASSERT_TRUE(net.SetDelay({"n3"}, 7).ok());
  EXPECT_TRUE(Has(c.recording(2).commands().back(), "-j NFQUEUE --queue-num 7 --queue-bypass"));
  EXPECT_FALSE(Has(c.recording(0).commands().back(), "NFQUEUE"));
}

TEST(NodeNetworkTest, AFailingNodeFailsTheUpdateWithItsName) {
  FakeCluster c(3);
  NodeNetwork net(c);
  c.recording(2).set_fail(true);
  Status s = net.SetPartition({{"n1", {"n3"}}, {"n3", {"n1"}}});
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Has(s.message(), "n3")) << s.message();
}

// A fault that counts its begins and ends.
class CountingFault : public Fault {
 public:
  explicit CountingFault(std::string name) : name_(std::move(name)) {}
  std::string name() const override { return name_; }
  FaultStep Begin(Random&) override {
    FaultEvent e{"start-" + name_, Value::String("n1"), ""};
    return {e, [this, e] {
              ++begins;
              open = true;
              return e;
            }};
  }
  Result<FaultStep> BeginAs(const Value&) override {
    return Status::Unsupported("CountingFault does not replay");
  }
  FaultOps ops() const override { return {"start-" + name_, "stop-" + name_}; }
  std::optional<FaultStep> End() override {
    if (!open) return std::nullopt;
    FaultEvent e{"stop-" + name_, Value(), ""};
    return FaultStep{e, [this, e] {
                       open = false;
                       ++ends;
                       return e;
                     }};
  }
  int begins = 0, ends = 0;
  bool open = false;

 private:
  std::string name_;
};

TEST(FaultScheduleTest, EveryBeginIsEndedAndHealAllEndsWhatIsOpen) {
  auto* a = new CountingFault("a");
  auto* b = new CountingFault("b");
  std::vector<std::unique_ptr<Fault>> faults;
  faults.emplace_back(a);
  faults.emplace_back(b);
  FaultSchedule schedule(std::move(faults), 0.02, 42);
  std::vector<Op> ops;
  std::mutex mu;
  FaultRecorder record = [&](Op op) {
    std::lock_guard<std::mutex> lock(mu);
    ops.push_back(std::move(op));
  };
  schedule.Run(Clock::now() + std::chrono::milliseconds(400), [] { return false; }, record);
  schedule.HealAll(record);
  EXPECT_GT(a->begins + b->begins, 2);
  EXPECT_GT(a->begins, 0);  // drawn in rounds: each fault every round
  EXPECT_GT(b->begins, 0);
  EXPECT_LE(std::abs(a->begins - b->begins), 1);
  EXPECT_EQ(a->begins, a->ends);
  EXPECT_EQ(b->begins, b->ends);
  ASSERT_FALSE(ops.empty());
  ASSERT_EQ(ops.size() % 2, 0u);
  for (size_t i = 0; i < ops.size(); ++i) {
    EXPECT_EQ(ops[i].process, kNemesisProcess);
    // Each begin and end an invoke/info pair, and strictly alternating: one fault at a time.
    EXPECT_EQ(ops[i].type, i % 2 == 0 ? OpType::kInvoke : OpType::kInfo) << i;
    EXPECT_EQ(ops[i].f, ops[i - i % 2].f) << i;
    EXPECT_TRUE(ops[i].f.starts_with(i % 4 < 2 ? "start-" : "stop-")) << i << ": " << ops[i].f;
  }
}

TEST(FaultScheduleTest, StopEndsTheRunEarly) {
  auto* a = new CountingFault("a");
  std::vector<std::unique_ptr<Fault>> faults;
  faults.emplace_back(a);
  FaultSchedule schedule(std::move(faults), 0.01, 1);
  std::atomic<bool> stop{true};
  schedule.Run(Clock::now() + std::chrono::seconds(60), [&] { return stop.load(); },
               [](Op) {});
  EXPECT_EQ(a->begins, 0);
}

TEST(ProcessFaultTest, KillPrimaryHitsThePrimaryAndRestartsIt) {
  NamesDb db;
  ProcessFault f(db, ProcessFault::Action::kKill, /*primary_only=*/true);
  Random rng(1);
  FaultEvent e = f.Begin(rng).Take();
  EXPECT_EQ(e.f, "kill");
  EXPECT_EQ(e.value.as_string(), "n2");
  EXPECT_TRUE(e.error.empty());
  auto end = f.End();
  ASSERT_TRUE(end.has_value());
  EXPECT_EQ(end->issued.f, "start");
  EXPECT_EQ(end->Take().value.as_string(), "n2");
  EXPECT_FALSE(f.End().has_value());
  EXPECT_EQ(db.actions, (std::vector<std::string>{"kill n2", "restart n2"}));
}

TEST(ProcessFaultTest, NoPrimaryIsRecordedAsAFailedFault) {
  NamesDb db;
  db.primary.reset();
  ProcessFault f(db, ProcessFault::Action::kPause, true);
  Random rng(1);
  FaultEvent e = f.Begin(rng).Take();
  EXPECT_EQ(e.f, "pause");
  EXPECT_FALSE(e.error.empty());
  EXPECT_FALSE(f.End().has_value());
  EXPECT_TRUE(db.actions.empty());
}

TEST(ProcessFaultTest, ANodeThatDoesNotComeBackIsRetriedByTheNextEnd) {
  NamesDb db;
  ProcessFault f(db, ProcessFault::Action::kPause, true);
  Random rng(1);
  (void)f.Begin(rng).Take();
  db.broken = "n2";
  auto first = f.End();
  ASSERT_TRUE(first.has_value());
  EXPECT_FALSE(first->Take().error.empty());
  db.broken.clear();
  auto second = f.End();
  ASSERT_TRUE(second.has_value());
  EXPECT_TRUE(second->Take().error.empty());
  EXPECT_FALSE(f.End().has_value());
}

TEST(MakeNemesisTest, NetworkFaultsNeedACluster) {
  NamesDb db;
  NemesisOptions o;
  o.faults = {"kill", "partition"};
  auto s = MakeNemesis(o, db, /*cluster=*/nullptr, /*tools=*/nullptr);
  ASSERT_FALSE(s.ok());
  EXPECT_TRUE(Has(s.status().message(), "network namespaces")) << s.status().message();
  o.faults = {"kill", "pause-primary"};
  EXPECT_TRUE(MakeNemesis(o, db, nullptr, nullptr).ok());
  o.faults = {"earthquake"};
  auto unknown = MakeNemesis(o, db, nullptr, nullptr);
  ASSERT_FALSE(unknown.ok());
  EXPECT_TRUE(Has(unknown.status().message(), "earthquake")) << unknown.status().message();
}

TEST(MakeNemesisTest, ClockFaultsAreRefusedWhenTheDbCannotTakeThem) {
  NamesDb db;  // does not run under the clock library
  FakeCluster c(3);
  NemesisOptions o;
  o.faults = {"clock"};
  auto n = MakeNemesis(o, db, &c, nullptr);
  ASSERT_FALSE(n.ok());
  EXPECT_TRUE(Has(n.status().message(), "clock library")) << n.status().message();
}

}  // namespace
}  // namespace faultline
