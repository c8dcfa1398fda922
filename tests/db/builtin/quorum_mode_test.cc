// Quorum mode is known-bad: with R + W <= N a read can miss an acknowledged write, and cas is
// a read followed by a write, so two cas ops from the same value can both succeed.
#include <gtest/gtest.h>

#include "tests/db/builtin/cluster_fixture.h"

namespace faultline {
namespace {

using Kind = StoreClient::Reply::Kind;

class QuorumModeTest : public ClusterTest {};

TEST_F(QuorumModeTest, R1W1ServesStaleReads) {
  auto cluster = StartCluster(ReplicationMode::kQuorum, 3, /*r=*/1, /*w=*/1);
  ASSERT_NE(cluster, nullptr);
  ASSERT_EQ(ClientFor(*cluster, "n1")->Write("x", 1, Soon()).kind, Kind::kOk);
  // w=1: the write lives on n1 only; r=1: n2 answers from itself. No read repair, ever.
  StoreClient::Reply r = ClientFor(*cluster, "n2")->Read("x", Soon());
  ASSERT_EQ(r.kind, Kind::kOk) << r.error;
  EXPECT_EQ(r.value, std::nullopt) << "expected a stale read of an acknowledged write";
  EXPECT_EQ(ClientFor(*cluster, "n1")->Read("x", Soon()).value, 1);
}

TEST_F(QuorumModeTest, R1W1CasIsNotAtomic) {
  auto cluster = StartCluster(ReplicationMode::kQuorum, 3, 1, 1);
  ASSERT_NE(cluster, nullptr);
  // Both compare against their own node's copy (null → absent, so write 0 first everywhere).
  for (const char* node : {"n1", "n2", "n3"}) {
    ASSERT_EQ(ClientFor(*cluster, node)->Write("x", 0, Soon()).kind, Kind::kOk);
  }
  EXPECT_EQ(ClientFor(*cluster, "n1")->Cas("x", 0, 1, Soon()).kind, Kind::kOk);
  EXPECT_EQ(ClientFor(*cluster, "n2")->Cas("x", 0, 2, Soon()).kind, Kind::kOk)
      << "a linearizable register would refuse the second cas";
}

TEST_F(QuorumModeTest, OverlappingQuorumsSeeAcknowledgedWrites) {
  auto cluster = StartCluster(ReplicationMode::kQuorum, 5, 3, 3);
  ASSERT_NE(cluster, nullptr);
  ASSERT_EQ(ClientFor(*cluster, "n1")->Write("x", 5, Soon()).kind, Kind::kOk);
  for (const char* node : {"n2", "n3", "n4", "n5"}) {
    StoreClient::Reply r = ClientFor(*cluster, node)->Read("x", Soon());
    ASSERT_EQ(r.kind, Kind::kOk) << r.error;
    EXPECT_EQ(r.value, 5) << node;
  }
  EXPECT_EQ(ClientFor(*cluster, "n4")->Cas("x", 5, 6, Soon()).kind, Kind::kOk);
  EXPECT_EQ(ClientFor(*cluster, "n2")->Read("x", Soon()).value, 6);
}

TEST_F(QuorumModeTest, WritesNeedWNodes) {
  auto cluster = StartCluster(ReplicationMode::kQuorum, 3, 2, 3);
  ASSERT_NE(cluster, nullptr);
  ASSERT_TRUE(cluster->Kill("n3").ok());
  auto client = ClientFor(*cluster, "n1");
  StoreClient::Reply w = client->Write("x", 1, Soon());
  EXPECT_EQ(w.kind, Kind::kUnknown) << "stored on 2 of w=3; it stays visible: " << w.error;
  StoreClient::Reply r = client->Read("x", Soon());
  ASSERT_EQ(r.kind, Kind::kOk) << r.error;
  EXPECT_EQ(r.value, 1);
  EXPECT_EQ(cluster->Primary().status().code(), Status::Code::kUnsupported);
}

}  // namespace
}  // namespace faultline
