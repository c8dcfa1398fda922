// The crdt mode: adds are accepted by every node at once and reach the others by gossip; a
// node's counts survive its restart; everything but add and read is refused definitely.
// Also --read-from any: replicas of an async cluster answer reads from their own state.
#include <gtest/gtest.h>

#include <thread>

#include "db/builtin/server/node_options.h"
#include "tests/db/builtin/cluster_fixture.h"

namespace faultline {
namespace {

using Kind = StoreClient::Reply::Kind;
using std::chrono::milliseconds;

class CrdtModeTest : public ClusterTest {
 protected:
  // Reads `key` at `node` until it shows `want`, or `limit` passes; returns the last value.
  static std::optional<int64_t> ReadUntil(LocalCluster& cluster, const std::string& node,
                                          const std::string& key, int64_t want,
                                          milliseconds limit) {
    auto client = ClientFor(cluster, node);
    std::optional<int64_t> last;
    for (const Deadline end = In(limit); std::chrono::steady_clock::now() < end;) {
      StoreClient::Reply r = client->Read(key, Soon());
      if (r.kind == Kind::kOk) last = r.value;
      if (last == want) break;
      std::this_thread::sleep_for(milliseconds(20));
    }
    return last;
  }
};

TEST_F(CrdtModeTest, AddsAreLocalAtOnceAndEverywhereAfterGossip) {
  auto cluster = StartCluster(ReplicationMode::kCrdt, 3);
  ASSERT_NE(cluster, nullptr);
  auto n1 = ClientFor(*cluster, "n1");
  auto n2 = ClientFor(*cluster, "n2");
  ASSERT_EQ(n1->Add("c", 2, Soon()).kind, Kind::kOk);
  ASSERT_EQ(n2->Add("c", 3, Soon()).kind, Kind::kOk);
  StoreClient::Reply own = n1->Read("c", Soon());
  ASSERT_EQ(own.kind, Kind::kOk) << own.error;
  EXPECT_GE(own.value.value_or(0), 2) << "a node sees its own adds at once";
  for (const char* node : {"n1", "n2", "n3"}) {
    EXPECT_EQ(ReadUntil(*cluster, node, "c", 5, milliseconds(3000)), 5) << node;
  }
  EXPECT_EQ(n1->Read("other", Soon()).value, std::nullopt);
}

TEST_F(CrdtModeTest, RefusesEverythingButAddAndRead) {
  auto cluster = StartCluster(ReplicationMode::kCrdt, 3);
  ASSERT_NE(cluster, nullptr);
  auto client = ClientFor(*cluster, "n2");
  for (StoreClient::Reply r :
       {client->Write("x", 1, Soon()), client->Cas("x", 1, 2, Soon()),
        client->Transfer("a", "b", 1, false, Soon()), client->ReadAccounts({"a"}, Soon()),
        client->BankInit({{"a", 1}}, Soon())}) {
    EXPECT_EQ(r.kind, Kind::kFail) << r.error;
    EXPECT_NE(r.error.find("unsupported in crdt mode"), std::string::npos) << r.error;
  }
  StoreClient::Reply r = client->Add("c", 0, Soon());
  EXPECT_EQ(r.kind, Kind::kFail);
  EXPECT_NE(r.error.find("only grows"), std::string::npos) << r.error;
}

TEST_F(CrdtModeTest, ARestartedNodeReloadsItsCounts) {
  auto cluster = StartCluster(ReplicationMode::kCrdt, 3);
  ASSERT_NE(cluster, nullptr);
  ASSERT_TRUE(cluster->Kill("n2").ok());
  ASSERT_TRUE(cluster->Kill("n3").ok());
  ASSERT_EQ(ClientFor(*cluster, "n1")->Add("c", 4, Soon()).kind, Kind::kOk);
  ASSERT_TRUE(cluster->Kill("n1").ok());  // nobody else ever heard of the add
  ASSERT_TRUE(cluster->Restart("n2").ok());
  EXPECT_EQ(ClientFor(*cluster, "n2")->Read("c", Soon()).value, std::nullopt);
  ASSERT_TRUE(cluster->Restart("n1").ok());
  EXPECT_EQ(ClientFor(*cluster, "n1")->Read("c", Soon()).value, 4) << "reloaded from its file";
  EXPECT_EQ(ReadUntil(*cluster, "n2", "c", 4, milliseconds(3000)), 4) << "and gossiped";
}

class ReadFromAnyTest : public ClusterTest {};

TEST_F(ReadFromAnyTest, AsyncReplicasAnswerReadsFromTheirOwnLaggingState) {
  // Ship rarely and never fail over, so the replica lags for a while.
  auto cluster = StartCluster(
      ReplicationMode::kAsync, 3, 0, 0,
      {"--read-from", "any", "--replication-interval-ms=3000", "--election-timeout-ms=60000"});
  ASSERT_NE(cluster, nullptr);
  auto primary = ClientFor(*cluster, "n1");
  auto replica = ClientFor(*cluster, "n2");
  ASSERT_EQ(primary->Write("x", 1, Soon()).kind, Kind::kOk);
  StoreClient::Reply stale = replica->Read("x", Soon());
  ASSERT_EQ(stale.kind, Kind::kOk) << stale.error;
  EXPECT_EQ(stale.value, std::nullopt) << "the write is not shipped yet";
  EXPECT_EQ(replica->Write("x", 2, Soon()).kind, Kind::kFail) << "writes still need the primary";
  std::optional<int64_t> later;
  for (const Deadline end = In(milliseconds(5000)); std::chrono::steady_clock::now() < end;) {
    later = replica->Read("x", Soon()).value;
    if (later == 1) break;
    std::this_thread::sleep_for(milliseconds(50));
  }
  EXPECT_EQ(later, 1) << "the next shipment brings it";
}

TEST(ReadFromAnyOptions, OnlyForModesWithReplicas) {
  NodeOptions o;
  o.name = "n1";
  o.peers = {{"n1", {"127.0.0.1", 7001}}};
  o.data_dir = "/tmp/unused";
  o.read_from_any = true;
  for (ReplicationMode mode : {ReplicationMode::kQuorum, ReplicationMode::kCrdt}) {
    o.mode = mode;
    Status st = o.Validate();
    EXPECT_FALSE(st.ok()) << ReplicationModeName(mode);
    EXPECT_NE(st.message().find("--read-from any"), std::string::npos) << st.message();
  }
  o.mode = ReplicationMode::kAsync;
  EXPECT_TRUE(o.Validate().ok());
}

}  // namespace
}  // namespace faultline
