// The bank and counter workloads: what they generate, and whole runs through the runner on an
// in-process store — set-up ops run before the main phase and stay out of the history, final
// reads reach every node and are marked final, a set-up that never succeeds fails the run.
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <set>

#include "core/history_io.h"
#include "harness/results_store.h"
#include "harness/runner.h"
#include "workloads/bank_workload.h"
#include "workloads/counter_workload.h"

namespace faultline {
namespace {

TEST(BankWorkloadTest, OpeningBalancesSplitTheTotal) {
  EXPECT_EQ(BankWorkload::OpeningBalances(5, 100), (std::vector<int64_t>{20, 20, 20, 20, 20}));
  EXPECT_EQ(BankWorkload::OpeningBalances(3, 7), (std::vector<int64_t>{3, 2, 2}));
  EXPECT_EQ(BankWorkload::OpeningBalances(2, 0), (std::vector<int64_t>{0, 0}));
}

TEST(BankWorkloadTest, SetUpIsOneBankInitOfTheOpeningBalances) {
  BankWorkload w(BankWorkloadOptions{3, 7});
  std::vector<OpRequest> setup = w.SetupOps();
  ASSERT_EQ(setup.size(), 1u);
  EXPECT_EQ(setup[0].f, "bank-init");
  EXPECT_EQ(setup[0].value.ToJson(), R"({"0":3,"1":2,"2":2})");
}

TEST(BankWorkloadTest, TransfersBetweenDistinctAccountsAndReads) {
  BankWorkload w(BankWorkloadOptions{4, 100});
  Random rng(7);
  std::set<std::pair<int64_t, int64_t>> pairs;
  std::set<int64_t> amounts;
  int reads = 0;
  for (int i = 0; i < 2000; ++i) {
    OpRequest op = w.Next(0, rng);
    EXPECT_FALSE(op.key.has_value());
    if (op.f == "read") {
      ++reads;
      EXPECT_TRUE(op.value.is_null());
      continue;
    }
    ASSERT_EQ(op.f, "transfer");
    const int64_t from = op.value.Find("from")->as_int(), to = op.value.Find("to")->as_int();
    EXPECT_NE(from, to);
    pairs.insert({from, to});
    amounts.insert(op.value.Find("amount")->as_int());
  }
  EXPECT_GT(reads, 800);
  EXPECT_LT(reads, 1200);
  EXPECT_EQ(pairs.size(), 12u) << "every ordered pair of distinct accounts";
  EXPECT_EQ(amounts, (std::set<int64_t>{1, 2, 3, 4, 5}));
}

TEST(CounterWorkloadTest, AddsOfOneToFiveAndReads) {
  CounterWorkload w(CounterWorkloadOptions{});
  Random rng(3);
  std::set<int64_t> deltas;
  int reads = 0;
  for (int i = 0; i < 1000; ++i) {
    OpRequest op = w.Next(1, rng);
    if (op.f == "read") {
      ++reads;
    } else {
      ASSERT_EQ(op.f, "add");
      deltas.insert(op.value.as_int());
    }
  }
  EXPECT_EQ(deltas, (std::set<int64_t>{1, 2, 3, 4, 5}));
  EXPECT_GT(reads, 400);
  EXPECT_LT(reads, 600);
  EXPECT_TRUE(ParseCounterConsistency("eventual").ok());
  EXPECT_FALSE(ParseCounterConsistency("strong").ok());
}

TEST(CounterWorkloadTest, FinalReadsVisitEveryNodeInRounds) {
  CounterWorkload w(CounterWorkloadOptions{CounterConsistency::kEventual, 5, 2});
  std::vector<OpRequest> finals = w.FinalOps({"n1", "n2", "n3"});
  ASSERT_EQ(finals.size(), 6u);
  for (size_t i = 0; i < finals.size(); ++i) {
    EXPECT_EQ(finals[i].f, "read");
    EXPECT_EQ(finals[i].node, "n" + std::to_string(i % 3 + 1));
  }
}

// An in-process bank and counter behind one lock (so linearizable), three nodes; each op is
// answered "by" the node its client was opened for. With `refuse_setup`, bank-init always
// fails.
class BankCounterDb : public Db {
 public:
  explicit BankCounterDb(bool refuse_setup = false) : refuse_setup_(refuse_setup) {}
  std::string Describe() const override { return "memory bank/counter"; }
  std::vector<std::string> Nodes() const override { return {"n1", "n2", "n3"}; }
  Result<std::unique_ptr<Client>> OpenClient(const std::string& node) override {
    return std::unique_ptr<Client>(new MemoryClient(this, node));
  }
  Status Kill(const std::string&) override { return Status::Ok(); }
  Status Restart(const std::string&) override { return Status::Ok(); }
  std::optional<std::string> Primary() override { return "n1"; }
  Status CollectLogs(const std::string&) override { return Status::Ok(); }

  int inits() {
    std::lock_guard<std::mutex> lock(mu_);
    return inits_;
  }

 private:
  class MemoryClient : public Client {
   public:
    MemoryClient(BankCounterDb* db, std::string node) : db_(db), node_(std::move(node)) {}
    Completion Invoke(const OpRequest& req, Clock::time_point) override {
      Completion c = db_->Apply(req);
      c.node = node_;
      return c;
    }

   private:
    BankCounterDb* db_;
    std::string node_;
  };

  Completion Apply(const OpRequest& req) {
    std::lock_guard<std::mutex> lock(mu_);
    if (req.f == "bank-init") {
      ++inits_;
      if (refuse_setup_) return Completion{OpType::kFail, Value(), "refused", ""};
      for (const auto& [id, balance] : req.value.as_map()) balances_[id] = balance.as_int();
      return Completion{OpType::kOk, Value(), "", ""};
    }
    if (req.f == "transfer") {
      const std::string from = req.value.Find("from")->ToJson(),
                        to = req.value.Find("to")->ToJson();
      const int64_t amount = req.value.Find("amount")->as_int();
      if (balances_[from] < amount) return Completion{OpType::kFail, Value(), "insufficient", ""};
      balances_[from] -= amount;
      balances_[to] += amount;
      return Completion{OpType::kOk, Value(), "", ""};
    }
    if (req.f == "add") {
      counter_ += req.value.as_int();
      return Completion{OpType::kOk, Value(), "", ""};
    }
    if (balances_.empty()) return Completion{OpType::kOk, Value::Int(counter_), "", ""};
    Value::Map m;
    for (const auto& [id, balance] : balances_) m.emplace_back(id, Value::Int(balance));
    return Completion{OpType::kOk, Value::MakeMap(std::move(m)), "", ""};
  }

  const bool refuse_setup_;
  std::mutex mu_;
  std::map<std::string, int64_t> balances_;
  int64_t counter_ = 0;
  int inits_ = 0;
};

struct Ran {
  RunReport report;
  History history;
};

Ran RunOn(Db& db, Workload& workload, uint64_t seed) {
  TestSpec spec;
  spec.time_limit = 0.3;
  spec.concurrency = 3;
  spec.seed = seed;
  spec.op_timeout = 0.05;
  spec.recovery = 0;
  spec.rate = 1000;
  spec.results_root = ::testing::TempDir() + "/faultline-workloads-test";
  auto dir = CreateRunDir(spec.results_root, workload.name());
  EXPECT_TRUE(dir.ok()) << dir.status().message();
  RunLog log;
  Ran ran{Runner(spec, db, workload, nullptr, log).Run(*dir), History()};
  if (ran.report.status.ok()) {
    auto loaded = ReadHistoryFile(*dir + "/history.jsonl", HistoryFormat::kJsonl);
    EXPECT_TRUE(loaded.ok()) << loaded.status().message();
    if (loaded.ok()) ran.history = std::move(loaded->history);
  }
  return ran;
}

TEST(BankCounterRunTest, BankSetsUpFirstAndReadsEveryNodeAtTheEnd) {
  BankCounterDb db;
  BankWorkload workload(BankWorkloadOptions{5, 100});
  Ran r = RunOn(db, workload, 1);
  ASSERT_TRUE(r.report.status.ok()) << r.report.status.message();
  EXPECT_EQ(r.report.verdict, Verdict::kValid) << r.report.summary;
  EXPECT_EQ(db.inits(), 1);
  std::set<std::string> final_nodes;
  for (const Op& op : r.history.ops()) {
    EXPECT_NE(op.f, "bank-init") << "set-up ops stay out of the history";
    if (op.final && op.type == OpType::kOk) final_nodes.insert(*op.node);
    if (op.final) {
      EXPECT_EQ(op.f, "read");
    }
  }
  EXPECT_EQ(final_nodes, (std::set<std::string>{"n1", "n2", "n3"}));
}

TEST(BankCounterRunTest, CounterFinalReadsAreMarkedAndTargeted) {
  BankCounterDb db;
  CounterWorkload workload(CounterWorkloadOptions{});
  Ran r = RunOn(db, workload, 2);
  ASSERT_TRUE(r.report.status.ok()) << r.report.status.message();
  EXPECT_EQ(r.report.verdict, Verdict::kValid) << r.report.summary;
  std::map<std::string, int> finals_per_node;
  int main_phase_reads = 0;
  for (const Op& op : r.history.ops()) {
    if (op.type != OpType::kInvoke) continue;
    if (op.final) {
      ++finals_per_node[*op.node];
    } else if (op.f == "read") {
      ++main_phase_reads;
    }
  }
  EXPECT_EQ(finals_per_node, (std::map<std::string, int>{{"n1", 2}, {"n2", 2}, {"n3", 2}}));
  EXPECT_GT(main_phase_reads, 0);
}

TEST(BankCounterRunTest, ASetUpThatNeverSucceedsFailsTheRun) {
  BankCounterDb db(/*refuse_setup=*/true);
  BankWorkload workload(BankWorkloadOptions{5, 100});
  Ran r = RunOn(db, workload, 3);
  EXPECT_FALSE(r.report.status.ok());
  EXPECT_TRUE(r.report.setup_failed);
  EXPECT_NE(r.report.status.message().find("bank-init"), std::string::npos)
      << r.report.status.message();
  EXPECT_GT(db.inits(), 1) << "retried";
}

}  // namespace
}  // namespace faultline
