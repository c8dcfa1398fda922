// Quorum mode's textbook settings on real 3-node clusters: versioned writes (the highest
// version of R nodes, plus one), write-back reads (ABD: what a read returns is first on W
// nodes) against plain reads (a read can see a partly applied write and a later read miss
// it), majority-vote reads (an old value outvotes a newer one), and lww.jsonl's round trip.
// A partly applied write is planted with a peer's q_put on one node, as if its coordinator
// had reached only that node.
#include <gtest/gtest.h>

#include "tests/db/builtin/cluster_fixture.h"

namespace faultline {
namespace {

using Kind = StoreClient::Reply::Kind;
using nlohmann::json;

class QuorumVersionsTest : public ClusterTest {
 protected:
  // A 3-node quorum cluster with these settings.
  std::unique_ptr<LocalCluster> Start(int r, int w, std::string versions, std::string reads) {
    return StartCluster(ReplicationMode::kQuorum, 3, r, w,
                        {"--quorum-versions", versions, "--quorum-reads", reads});
  }

  // One node-to-node message to `node`, and its reply.
  static json Peer(const LocalCluster& cluster, const std::string& node, const json& message) {
    for (const NodeAddress& e : cluster.Endpoints()) {
      if (e.name != node) continue;
      auto sock = ConnectTcp(TcpEndpoint{e.host, e.port}, Soon());
      EXPECT_TRUE(sock.ok()) << node;
      if (!sock.ok()) return json();
      LineConnection conn(std::move(*sock));
      EXPECT_TRUE(conn.WriteLine(message.dump(), Soon()).ok());
      Result<std::string> reply = conn.ReadLine(Soon());
      EXPECT_TRUE(reply.ok()) << node;
      return reply.ok() ? json::parse(*reply) : json();
    }
    ADD_FAILURE() << "no node " << node;
    return json();
  }
  // What `node` stores for `key`: {"value", "ts", "writer"}.
  static json Stored(const LocalCluster& cluster, const std::string& node, const char* key) {
    return Peer(cluster, node, {{"op", "q_get"}, {"key", key}});
  }
  // Stores (value, ts, writer) on `node` alone: a write that reached only it.
  static void Plant(const LocalCluster& cluster, const std::string& node, const char* key,
                    int64_t value, int64_t ts, const char* writer) {
    json reply =
        Peer(cluster, node,
             {{"op", "q_put"}, {"key", key}, {"value", value}, {"ts", ts}, {"writer", writer}});
    ASSERT_EQ(reply.value("ok", false), true) << reply.dump();
  }
  std::optional<int64_t> ReadOn(const LocalCluster& cluster, const std::string& node) {
    StoreClient::Reply r = ClientFor(cluster, node)->Read("x", Soon());
    EXPECT_EQ(r.kind, Kind::kOk) << node << ": " << r.error;
    return r.value;
  }
};

TEST_F(QuorumVersionsTest, VersionedWritesTakeTheHighestVersionOfRNodesPlusOne) {
  auto cluster = Start(2, 2, "versioned", "plain");
  ASSERT_NE(cluster, nullptr);
  // n2 holds version 41; a write coordinated by n1 reads n1 and n2 (r=2) and writes 42.
  Plant(*cluster, "n2", "x", 7, 41, "zz");
  ASSERT_EQ(ClientFor(*cluster, "n1")->Write("x", 8, Soon()).kind, Kind::kOk);
  json stored = Stored(*cluster, "n1", "x");
  EXPECT_EQ(stored["value"], 8);
  EXPECT_EQ(stored["ts"], 42) << "a version, not the wall clock";
  EXPECT_EQ(stored["writer"], "n1.1");
  EXPECT_EQ(Stored(*cluster, "n2", "x")["ts"], 42) << "w=2: n1 and then n2";
  ASSERT_EQ(ClientFor(*cluster, "n3")->Write("x", 9, Soon()).kind, Kind::kOk);
  EXPECT_EQ(Stored(*cluster, "n3", "x")["ts"], 43);
  EXPECT_EQ(Stored(*cluster, "n3", "x")["writer"], "n3.1");
  // A replica keeps the greater (version, writer): an older put changes nothing.
  Plant(*cluster, "n3", "x", 1, 40, "zz");
  EXPECT_EQ(Stored(*cluster, "n3", "x")["value"], 9);
  EXPECT_EQ(ReadOn(*cluster, "n2"), 9);
}

TEST_F(QuorumVersionsTest, LastWriterWinsStampsTheWallClock) {
  auto cluster = Start(2, 2, "lww", "plain");
  ASSERT_NE(cluster, nullptr);
  Plant(*cluster, "n2", "x", 7, 41, "zz");
  ASSERT_EQ(ClientFor(*cluster, "n1")->Write("x", 8, Soon()).kind, Kind::kOk);
  json stored = Stored(*cluster, "n1", "x");
  EXPECT_GT(stored["ts"].get<int64_t>(), int64_t{1'000'000'000'000'000'000}) << stored.dump();
  EXPECT_EQ(stored["writer"], "n1");
}

TEST_F(QuorumVersionsTest, PlainReadsCanSeeAWriteAndALaterReadMissIt) {
  auto cluster = Start(2, 2, "versioned", "plain");
  ASSERT_NE(cluster, nullptr);
  Plant(*cluster, "n2", "x", 5, 1, "n9.1");        // a write still on its way, on n2 alone
  EXPECT_EQ(ReadOn(*cluster, "n2"), 5);            // n2 and n3: the new value
  EXPECT_EQ(ReadOn(*cluster, "n3"), std::nullopt)  // n3 and n1: the old one
      << "a later read missed what an earlier one returned: not linearizable";
}

TEST_F(QuorumVersionsTest, WriteBackReadsStoreWhatTheyReturnOnWNodes) {
  auto cluster = Start(2, 2, "versioned", "write-back");
  ASSERT_NE(cluster, nullptr);
  Plant(*cluster, "n2", "x", 5, 1, "n9.1");
  EXPECT_EQ(ReadOn(*cluster, "n2"), 5);
  json on_n3 = Stored(*cluster, "n3", "x");  // the read pushed it to n3 before answering
  EXPECT_EQ(on_n3["value"], 5);
  EXPECT_EQ(on_n3["ts"], 1);
  EXPECT_EQ(on_n3["writer"], "n9.1") << "written back with its own version";
  EXPECT_EQ(ReadOn(*cluster, "n3"), 5) << "every later read quorum meets it";
  EXPECT_EQ(ReadOn(*cluster, "n1"), 5);
}

TEST_F(QuorumVersionsTest, AWriteBackThatCannotReachWNodesFailsTheRead) {
  auto cluster = Start(2, 3, "versioned", "write-back");
  ASSERT_NE(cluster, nullptr);
  Plant(*cluster, "n2", "x", 5, 1, "n9.1");
  ASSERT_TRUE(cluster->Kill("n3").ok());
  StoreClient::Reply r = ClientFor(*cluster, "n1")->Read("x", Soon());
  EXPECT_EQ(r.kind, Kind::kFail) << "reached n1 and n2 of w=3; a read that fails changed nothing "
                                    "a client could have seen: "
                                 << r.error;
  EXPECT_NE(r.error.find("write-back reached 2 of w=3"), std::string::npos) << r.error;
}

TEST_F(QuorumVersionsTest, MajorityVoteLetsAnOldValueOutvoteANewerOne) {
  auto cluster = Start(3, 1, "lww", "majority-vote");
  ASSERT_NE(cluster, nullptr);
  Plant(*cluster, "n1", "x", 1, 10, "a");
  Plant(*cluster, "n2", "x", 2, 20, "a");  // the newest, on one node
  Plant(*cluster, "n3", "x", 1, 10, "a");
  for (const char* node : {"n1", "n2", "n3"}) EXPECT_EQ(ReadOn(*cluster, node), 1) << node;
}

TEST_F(QuorumVersionsTest, MajorityVoteTiesGoToTheCoordinatorsStaleCopy) {
  auto cluster = Start(2, 2, "versioned", "majority-vote");
  ASSERT_NE(cluster, nullptr);
  // Acknowledged on n1 and n2 (w=2); n3 never got it.
  ASSERT_EQ(ClientFor(*cluster, "n1")->Write("x", 1, Soon()).kind, Kind::kOk);
  EXPECT_EQ(ReadOn(*cluster, "n1"), 1);            // n1 and n2 agree
  EXPECT_EQ(ReadOn(*cluster, "n3"), std::nullopt)  // n3 and n1: one vote each, n3's first
      << "a stale read of an acknowledged write";
}

TEST_F(QuorumVersionsTest, StoredVersionsSurviveARestart) {
  for (const char* versions : {"versioned", "lww"}) {
    SCOPED_TRACE(versions);
    auto cluster = Start(2, 2, versions, "write-back");
    ASSERT_NE(cluster, nullptr);
    ASSERT_EQ(ClientFor(*cluster, "n1")->Write("x", 1, Soon()).kind, Kind::kOk);
    ASSERT_EQ(ClientFor(*cluster, "n1")->Write("x", 2, Soon()).kind, Kind::kOk);
    const json before = Stored(*cluster, "n1", "x");
    ASSERT_TRUE(cluster->Kill("n1").ok());
    ASSERT_TRUE(cluster->Restart("n1").ok());
    EXPECT_EQ(Stored(*cluster, "n1", "x"), before) << "lww.jsonl reloaded";
    // The restarted node's count starts again, but its versions go on above the stored ones.
    ASSERT_EQ(ClientFor(*cluster, "n1")->Write("x", 3, Soon()).kind, Kind::kOk);
    const json after = Stored(*cluster, "n1", "x");
    EXPECT_GT(after["ts"].get<int64_t>(), before["ts"].get<int64_t>());
    if (std::string(versions) == "versioned") {
      EXPECT_EQ(before["ts"], 2);
      EXPECT_EQ(after["ts"], 3);
      EXPECT_EQ(after["writer"], "n1.1");
    }
    EXPECT_EQ(ReadOn(*cluster, "n3"), 3);
  }
}

TEST_F(QuorumVersionsTest, OtherModesRefuseTheQuorumSettings) {
  LocalClusterOptions o;
  o.node_count = 1;
  o.replication = ReplicationMode::kPrimary;
  o.quorum_reads = "write-back";
  o.store_binary = FAULTLINE_STORE_BIN;
  o.run_dir = run_dir_ / "refused";
  Result<std::unique_ptr<LocalCluster>> cluster = LocalCluster::Start(o);
  ASSERT_FALSE(cluster.ok());
  EXPECT_NE(cluster.status().message().find("n1"), std::string::npos) << cluster.status().message();
}

TEST_F(QuorumVersionsTest, LocalClusterPassesTheSettings) {
  LocalClusterOptions o;
  o.node_count = 3;
  o.replication = ReplicationMode::kQuorum;
  o.quorum_versions = "versioned";
  o.quorum_reads = "write-back";
  o.store_binary = FAULTLINE_STORE_BIN;
  o.run_dir = run_dir_ / "passed";
  Result<std::unique_ptr<LocalCluster>> cluster = LocalCluster::Start(o);
  ASSERT_TRUE(cluster.ok()) << cluster.status().message();
  Plant(**cluster, "n2", "x", 5, 1, "n9.1");
  EXPECT_EQ(ReadOn(**cluster, "n2"), 5);
  EXPECT_EQ(Stored(**cluster, "n3", "x")["value"], 5) << "written back: write-back reads";
}

}  // namespace
}  // namespace faultline
