// Async mode is known-bad: after the primary dies, a replica is promoted and writes the old
// primary acknowledged but had not yet shipped are gone.
#include <gtest/gtest.h>

#include "tests/db/builtin/cluster_fixture.h"

namespace faultline {
namespace {

using Kind = StoreClient::Reply::Kind;
using std::chrono::milliseconds;

class AsyncModeTest : public ClusterTest {
 protected:
  // Writes x = 1..n on n1 (all acknowledged), kills n1 at once, and returns what the
  // promoted primary says x is; *promoted is "" if no replica was promoted.
  std::optional<int64_t> BurstThenKill(LocalCluster& cluster, int n, std::string* promoted) {
    auto client = ClientFor(cluster, "n1");
    for (int i = 1; i <= n; ++i) {
      StoreClient::Reply r = client->Write("x", i, Soon());
      EXPECT_EQ(r.kind, Kind::kOk) << r.error;
    }
    EXPECT_TRUE(cluster.Kill("n1").ok());
    *promoted = WaitForNewPrimary(cluster, "n1", milliseconds(3000));
    if (promoted->empty()) return std::nullopt;
    StoreClient::Reply r = ClientFor(cluster, *promoted)->Read("x", Soon());
    EXPECT_EQ(r.kind, Kind::kOk) << r.error;
    return r.value;
  }
};

class AsyncFailoverTest : public AsyncModeTest, public ::testing::WithParamInterface<int> {};

TEST_P(AsyncFailoverTest, LosesAcknowledgedWrites) {
  constexpr int kWrites = 200;
  // The primary ships every 75 ms; the burst takes a few ms and the kill follows at once,
  // so the last writes are almost never shipped. Retry on a fresh cluster if they were.
  for (int attempt = 0; attempt < 3; ++attempt) {
    auto cluster = StartCluster(ReplicationMode::kAsync, GetParam());
    ASSERT_NE(cluster, nullptr);
    std::string promoted;
    std::optional<int64_t> x = BurstThenKill(*cluster, kWrites, &promoted);
    ASSERT_FALSE(promoted.empty()) << "no replica was promoted";
    ASSERT_TRUE(!x || *x <= kWrites);
    if (x == kWrites) continue;  // everything happened to be shipped: try again
    std::cout << promoted << " promoted; x = " << (x ? std::to_string(*x) : "null") << " after "
              << kWrites << " acknowledged writes\n";
    return;
  }
  FAIL() << "three failovers in a row kept every acknowledged write";
}

INSTANTIATE_TEST_SUITE_P(Nodes, AsyncFailoverTest, ::testing::Values(3, 5));

TEST_F(AsyncModeTest, ShipsInTheBackgroundSoAPatientFailoverLosesNothing) {
  auto cluster = StartCluster(ReplicationMode::kAsync, 3);
  ASSERT_NE(cluster, nullptr);
  auto client = ClientFor(*cluster, "n1");
  for (int i = 1; i <= 50; ++i) ASSERT_EQ(client->Write("x", i, Soon()).kind, Kind::kOk);
  std::this_thread::sleep_for(milliseconds(300));  // a few shipping intervals
  for (const char* node : {"n2", "n3"}) {
    auto status = ClientFor(*cluster, node)->GetStatus(Soon());
    ASSERT_TRUE(status.ok());
    EXPECT_EQ(status->last_index, 50) << node;
  }
  ASSERT_TRUE(cluster->Kill("n1").ok());
  std::string promoted = WaitForNewPrimary(*cluster, "n1", milliseconds(3000));
  ASSERT_FALSE(promoted.empty());
  EXPECT_EQ(promoted, "n2") << "equally up to date: the lowest name promotes itself";
  EXPECT_EQ(ClientFor(*cluster, promoted)->Read("x", Soon()).value, 50);
}

TEST_F(AsyncModeTest, OldPrimaryRejoinsAsAReplicaAndDropsItsUnshippedWrites) {
  auto cluster = StartCluster(ReplicationMode::kAsync, 3);
  ASSERT_NE(cluster, nullptr);
  std::string promoted;
  BurstThenKill(*cluster, 50, &promoted);
  ASSERT_FALSE(promoted.empty());
  auto primary = ClientFor(*cluster, promoted);
  ASSERT_EQ(primary->Write("y", 7, Soon()).kind, Kind::kOk);
  ASSERT_TRUE(cluster->Restart("n1").ok());
  auto n1 = ClientFor(*cluster, "n1");
  // n1 hears from the new primary within a shipping interval and follows it.
  StoreClient::Reply r;
  for (int i = 0; i < 100; ++i) {
    r = n1->Write("y", 8, Soon());
    if (r.primary_hint == promoted) break;
    std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_EQ(r.kind, Kind::kFail);
  EXPECT_EQ(r.primary_hint, promoted);
  auto n1_status = n1->GetStatus(Soon());
  auto new_status = ClientFor(*cluster, promoted)->GetStatus(Soon());
  ASSERT_TRUE(n1_status.ok() && new_status.ok());
  EXPECT_EQ(n1_status->role, "replica");
  EXPECT_EQ(n1_status->term, new_status->term);
}

}  // namespace
}  // namespace faultline
