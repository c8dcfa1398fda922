// Primary mode under process faults: it stays available with a majority, refuses to guess
// without one, keeps acknowledged writes across restarts, and a restarted replica catches up.
#include <gtest/gtest.h>
#include <signal.h>

#include "tests/db/builtin/cluster_fixture.h"

namespace faultline {
namespace {

using Kind = StoreClient::Reply::Kind;
using std::chrono::milliseconds;

class PrimaryModeTest : public ClusterTest {};

TEST_F(PrimaryModeTest, KeepsWritingWithAReplicaDownAndStopsWithoutAMajority) {
  auto cluster = StartCluster(ReplicationMode::kPrimary, 3);
  ASSERT_NE(cluster, nullptr);
  auto client = ClientFor(*cluster, "n1");
  ASSERT_TRUE(cluster->Kill("n3").ok());
  for (int i = 1; i <= 20; ++i) {
    StoreClient::Reply r = client->Write("x", i, Soon());
    ASSERT_EQ(r.kind, Kind::kOk) << "write " << i << ": " << r.error;
  }
  EXPECT_EQ(client->Cas("x", 20, 21, Soon()).kind, Kind::kOk);
  EXPECT_EQ(client->Read("x", Soon()).value, 21);

  ASSERT_TRUE(cluster->Kill("n2").ok());  // n1 alone: no majority
  StoreClient::Reply w = client->Write("x", 99, In(milliseconds(400)));
  EXPECT_EQ(w.kind, Kind::kUnknown) << "a write without a majority may still apply later";
  StoreClient::Reply r = client->Read("x", In(milliseconds(400)));
  EXPECT_NE(r.kind, Kind::kOk) << "a read without a majority must not be served";

  ASSERT_TRUE(cluster->Restart("n2").ok());  // majority again: the pending write completes
  r = client->Read("x", Soon());
  ASSERT_EQ(r.kind, Kind::kOk) << r.error;
  EXPECT_EQ(r.value, 99);
}

TEST_F(PrimaryModeTest, RestartedReplicaCatchesUpFromThePrimary) {
  auto cluster = StartCluster(ReplicationMode::kPrimary, 3);
  ASSERT_NE(cluster, nullptr);
  auto client = ClientFor(*cluster, "n1");
  ASSERT_EQ(client->Write("x", 1, Soon()).kind, Kind::kOk);
  ASSERT_TRUE(cluster->Kill("n3").ok());
  for (int i = 2; i <= 30; ++i) ASSERT_EQ(client->Write("x", i, Soon()).kind, Kind::kOk);
  ASSERT_TRUE(cluster->Restart("n3").ok());
  // Once n3 has caught up, n2 can go: n1 + n3 are a majority holding everything.
  const Deadline deadline = In(milliseconds(3000));
  int64_t n3_index = 0;
  while (std::chrono::steady_clock::now() < deadline && n3_index < 30) {
    auto status = ClientFor(*cluster, "n3")->GetStatus(Soon());
    if (status.ok()) n3_index = status->last_index;
    std::this_thread::sleep_for(milliseconds(20));
  }
  EXPECT_EQ(n3_index, 30);
  ASSERT_TRUE(cluster->Kill("n2").ok());
  StoreClient::Reply r = client->Read("x", Soon());
  ASSERT_EQ(r.kind, Kind::kOk) << r.error;
  EXPECT_EQ(r.value, 30);
  EXPECT_EQ(client->Write("x", 31, Soon()).kind, Kind::kOk);
}

TEST_F(PrimaryModeTest, KilledAndRestartedPrimaryKeepsAcknowledgedWrites) {
  auto cluster = StartCluster(ReplicationMode::kPrimary, 3);
  ASSERT_NE(cluster, nullptr);
  {
    auto client = ClientFor(*cluster, "n1");
    for (int i = 0; i < 10; ++i) {
      ASSERT_EQ(client->Write("k" + std::to_string(i), i, Soon()).kind, Kind::kOk);
    }
    ASSERT_EQ(client->Cas("k3", 3, 33, Soon()).kind, Kind::kOk);
    ASSERT_TRUE(cluster->Kill("n1").ok());
    StoreClient::Reply r = client->Read("k3", Soon());
    EXPECT_EQ(r.kind, Kind::kFail) << "the node is gone; the client cannot even reconnect";
  }
  ASSERT_TRUE(cluster->Restart("n1").ok());
  auto client = ClientFor(*cluster, "n1");
  for (int i = 0; i < 10; ++i) {
    StoreClient::Reply r = client->Read("k" + std::to_string(i), Soon());
    ASSERT_EQ(r.kind, Kind::kOk) << r.error;
    EXPECT_EQ(r.value, i == 3 ? 33 : i);
  }
}

TEST_F(PrimaryModeTest, PausedPrimaryMeansUnknownThenRecovers) {
  auto cluster = StartCluster(ReplicationMode::kPrimary, 3);
  ASSERT_NE(cluster, nullptr);
  auto client = ClientFor(*cluster, "n1");
  ASSERT_EQ(client->Write("x", 1, Soon()).kind, Kind::kOk);
  ASSERT_TRUE(cluster->Pause("n1").ok());
  EXPECT_EQ(client->Write("x", 2, In(milliseconds(300))).kind, Kind::kUnknown);
  ASSERT_TRUE(cluster->Resume("n1").ok());
  // The write sent while paused is still in n1's socket buffer: it applies on resume,
  // after the client gave up on it — which is why it had to be reported unknown.
  std::optional<int64_t> seen;
  for (int i = 0; i < 50 && seen != 2; ++i) {
    StoreClient::Reply r = client->Read("x", Soon());
    ASSERT_EQ(r.kind, Kind::kOk) << r.error;
    seen = r.value;
    std::this_thread::sleep_for(milliseconds(10));
  }
  EXPECT_EQ(seen, 2);
}

}  // namespace
}  // namespace faultline
