// Counter and bank ops on real clusters in the primary, async and quorum modes: adds and reads,
// the bank's set-up, transfers and their definite refusals, reads of all accounts; a transfer
// is one log entry in primary mode and two in async; concurrent transfers keep the total in
// primary mode.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "core/random.h"
#include "tests/db/builtin/cluster_fixture.h"

namespace faultline {
namespace {

using Kind = StoreClient::Reply::Kind;
using std::chrono::seconds;

class BankCounterOpsTest : public ClusterTest,
                           public ::testing::WithParamInterface<ReplicationMode> {};

TEST_P(BankCounterOpsTest, CounterAddsAndReads) {
  auto cluster = StartCluster(GetParam(), 3);
  ASSERT_NE(cluster, nullptr);
  auto client = ClientFor(*cluster, "n1");  // the primary, or a coordinator
  ASSERT_NE(client, nullptr);
  EXPECT_EQ(client->Read("c", Soon()).value, std::nullopt);
  ASSERT_EQ(client->Add("c", 3, Soon()).kind, Kind::kOk);
  ASSERT_EQ(client->Add("c", 4, Soon()).kind, Kind::kOk);
  StoreClient::Reply r = client->Read("c", Soon());
  ASSERT_EQ(r.kind, Kind::kOk) << r.error;
  EXPECT_EQ(r.value, 7);
}

TEST_P(BankCounterOpsTest, BankSetUpTransfersAndRefusals) {
  auto cluster = StartCluster(GetParam(), 3);
  ASSERT_NE(cluster, nullptr);
  auto client = ClientFor(*cluster, "n1");
  ASSERT_NE(client, nullptr);
  StoreClient::Reply r = client->Transfer("a", "b", 1, false, Soon());
  EXPECT_EQ(r.kind, Kind::kFail) << "no accounts yet";
  EXPECT_NE(r.error.find("not-found"), std::string::npos) << r.error;
  ASSERT_EQ(client->BankInit({{"a", 10}, {"b", 0}}, Soon()).kind, Kind::kOk);
  ASSERT_EQ(client->Transfer("a", "b", 4, false, Soon()).kind, Kind::kOk);
  r = client->Transfer("b", "a", 5, false, Soon());
  EXPECT_EQ(r.kind, Kind::kFail) << "b holds 4";
  EXPECT_NE(r.error.find("insufficient-funds"), std::string::npos) << r.error;
  // A repeated set-up changes nothing.
  ASSERT_EQ(client->BankInit({{"a", 10}, {"b", 0}}, Soon()).kind, Kind::kOk);
  r = client->ReadAccounts({"a", "b", "z"}, Soon());
  ASSERT_EQ(r.kind, Kind::kOk) << r.error;
  EXPECT_EQ(r.values.at("a"), 6);
  EXPECT_EQ(r.values.at("b"), 4);
  EXPECT_EQ(r.values.at("z"), std::nullopt);
  ASSERT_EQ(client->Transfer("b", "a", 5, /*allow_negative=*/true, Soon()).kind, Kind::kOk);
  EXPECT_EQ(client->ReadAccounts({"b"}, Soon()).values.at("b"), -1);
}

INSTANTIATE_TEST_SUITE_P(Modes, BankCounterOpsTest,
                         ::testing::Values(ReplicationMode::kPrimary, ReplicationMode::kAsync,
                                           ReplicationMode::kQuorum),
                         [](const auto& info) { return ReplicationModeName(info.param); });

class BankLogTest : public ClusterTest {};

int64_t LastIndex(StoreClient& client) {
  Result<NodeStatus> s = client.GetStatus(Soon());
  EXPECT_TRUE(s.ok()) << s.status().message();
  return s.ok() ? s->last_index : -1;
}

TEST_F(BankLogTest, ATransferIsOneLogEntryInPrimaryModeAndTwoInAsync) {
  for (auto [mode, entries] :
       {std::pair{ReplicationMode::kPrimary, 1}, std::pair{ReplicationMode::kAsync, 2}}) {
    auto cluster = StartCluster(mode, 3);
    ASSERT_NE(cluster, nullptr);
    auto client = ClientFor(*cluster, "n1");
    ASSERT_EQ(client->BankInit({{"a", 10}, {"b", 0}}, Soon()).kind, Kind::kOk);
    const int64_t before = LastIndex(*client);
    ASSERT_EQ(client->Transfer("a", "b", 1, false, Soon()).kind, Kind::kOk);
    EXPECT_EQ(LastIndex(*client) - before, entries) << ReplicationModeName(mode);
  }
}

// Transfers from many clients at once never show a read a total other than the opening one.
TEST_F(BankLogTest, ConcurrentTransfersKeepTheTotalInPrimaryMode) {
  auto cluster = StartCluster(ReplicationMode::kPrimary, 3);
  ASSERT_NE(cluster, nullptr);
  const std::vector<std::string> accounts = {"a", "b", "c", "d"};
  ASSERT_EQ(ClientFor(*cluster, "n1")
                ->BankInit({{"a", 25}, {"b", 25}, {"c", 25}, {"d", 25}}, Soon())
                .kind,
            Kind::kOk);
  std::atomic<int> transfers_ok{0}, reads_ok{0}, bad_reads{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&, t] {
      auto client = ClientFor(*cluster, "n1");
      Random rng(static_cast<uint64_t>(t));
      for (int i = 0; i < 60; ++i) {
        if (t < 4) {
          size_t from = rng.Uniform(4), to = (from + 1 + rng.Uniform(3)) % 4;
          auto r = client->Transfer(accounts[from], accounts[to], 1 + rng.Uniform(5), false,
                                    In(seconds(3)));
          transfers_ok += r.kind == Kind::kOk;
        } else {
          auto r = client->ReadAccounts(accounts, In(seconds(3)));
          if (r.kind != Kind::kOk) continue;
          ++reads_ok;
          int64_t sum = 0;
          for (const auto& [key, v] : r.values) sum += v.value_or(-1000);
          bad_reads += sum != 100;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_GT(transfers_ok.load(), 100);
  EXPECT_EQ(reads_ok.load(), 120);
  EXPECT_EQ(bad_reads.load(), 0);
}

}  // namespace
}  // namespace faultline
