// Register semantics every mode shares, on 3- and 5-node clusters: absent keys read null,
// read-your-write at the node that serves writes, cas success and definite cas failure,
// "not primary" refusals with a hint, malformed requests, and many concurrent clients.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "db/builtin/server/net.h"
#include "tests/db/builtin/cluster_fixture.h"

namespace faultline {
namespace {

using Kind = StoreClient::Reply::Kind;

struct ModeAndSize {
  ReplicationMode mode;
  int nodes;
};

void PrintTo(const ModeAndSize& p, std::ostream* os) {
  *os << ReplicationModeName(p.mode) << " mode, " << p.nodes << " nodes";
}

class StoreBasicsTest : public ClusterTest, public ::testing::WithParamInterface<ModeAndSize> {};

TEST_P(StoreBasicsTest, RegisterSemanticsAtTheServingNode) {
  auto cluster = StartCluster(GetParam().mode, GetParam().nodes);
  ASSERT_NE(cluster, nullptr);
  auto client = ClientFor(*cluster, "n1");  // n1 is the primary in primary and async modes
  ASSERT_NE(client, nullptr);

  StoreClient::Reply r = client->Read("x", Soon());
  ASSERT_EQ(r.kind, Kind::kOk) << r.error;
  EXPECT_EQ(r.value, std::nullopt);
  ASSERT_EQ(client->Write("x", 3, Soon()).kind, Kind::kOk);
  r = client->Read("x", Soon());
  ASSERT_EQ(r.kind, Kind::kOk) << r.error;
  EXPECT_EQ(r.value, 3);

  r = client->Cas("x", 3, 4, Soon());
  EXPECT_EQ(r.kind, Kind::kOk) << r.error;
  r = client->Cas("x", 3, 5, Soon());
  EXPECT_EQ(r.kind, Kind::kFail) << r.error;
  EXPECT_EQ(r.value, 4);  // the value the compare found
  r = client->Cas("absent", 0, 1, Soon());
  EXPECT_EQ(r.kind, Kind::kFail) << "cas on an absent key compares against null";
  r = client->Read("x", Soon());
  EXPECT_EQ(r.value, 4);
}

// Only the modes with a primary: in quorum mode every node coordinates.
class NonPrimaryTest : public StoreBasicsTest {};

TEST_P(NonPrimaryTest, RefusesUpFrontWithAHint) {
  auto cluster = StartCluster(GetParam().mode, GetParam().nodes);
  ASSERT_NE(cluster, nullptr);
  const std::string last = "n" + std::to_string(GetParam().nodes);
  auto replica = ClientFor(*cluster, last);
  ASSERT_NE(replica, nullptr);
  for (StoreClient::Reply r : {replica->Write("x", 1, Soon()), replica->Read("x", Soon()),
                               replica->Cas("x", 1, 2, Soon())}) {
    EXPECT_EQ(r.kind, Kind::kFail) << r.error;
    EXPECT_EQ(r.primary_hint, "n1");
    EXPECT_EQ(r.primary_address,
              cluster->Endpoints()[0].host + ":" + std::to_string(cluster->Endpoints()[0].port));
  }
  auto primary = ClientFor(*cluster, "n1");
  StoreClient::Reply r = primary->Read("x", Soon());
  EXPECT_EQ(r.kind, Kind::kOk);
  EXPECT_EQ(r.value, std::nullopt) << "the refused write must not have happened";
  EXPECT_EQ(*cluster->Primary(), "n1");
}

TEST_P(StoreBasicsTest, MalformedRequestsGetErrorsAndTheNodeKeepsServing) {
  auto cluster = StartCluster(GetParam().mode, GetParam().nodes);
  ASSERT_NE(cluster, nullptr);
  const NodeAddress n1 = cluster->Endpoints()[0];
  auto sock = ConnectTcp(TcpEndpoint{n1.host, n1.port}, Soon());
  ASSERT_TRUE(sock.ok());
  LineConnection conn(std::move(*sock));
  for (std::string_view line : {"hello", "{\"op\":\"write\",\"key\":\"x\",\"value\":\"seven\"}",
                                "{\"op\":\"append\"}", "{\"op\":\"q_put\",\"key\":1}", "[]"}) {
    ASSERT_TRUE(conn.WriteLine(line, Soon()).ok());
    auto reply = conn.ReadLine(Soon());
    ASSERT_TRUE(reply.ok()) << line;
    auto j = nlohmann::json::parse(*reply);
    EXPECT_EQ(j["ok"], false) << line;
    EXPECT_EQ(j["error"], "malformed") << line << " → " << *reply;
  }
  // An over-long line is refused, and the connection goes on with the next line.
  ASSERT_TRUE(conn.WriteLine(std::string(5 << 20, 'x'), In(std::chrono::seconds(5))).ok());
  // The node reads all 5 MB before it answers: as long as the write may take (under ASan on
  // a loaded CI machine that is more than Soon()).
  auto reply = conn.ReadLine(In(std::chrono::seconds(5)));
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(nlohmann::json::parse(*reply)["error"], "malformed");
  ASSERT_TRUE(conn.WriteLine(R"({"op":"status","id":"s"})", Soon()).ok());
  reply = conn.ReadLine(Soon());
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(nlohmann::json::parse(*reply)["id"], "s");
  auto client = ClientFor(*cluster, "n1");
  EXPECT_EQ(client->Write("x", 1, Soon()).kind, Kind::kOk);
  EXPECT_EQ(client->Read("x", Soon()).value, 1);
}

TEST_P(StoreBasicsTest, ManyConcurrentClients) {
  auto cluster = StartCluster(GetParam().mode, GetParam().nodes);
  ASSERT_NE(cluster, nullptr);
  constexpr int kClients = 40;
  constexpr int kOpsEach = 25;
  std::atomic<int> ok{0};
  std::vector<std::thread> workers;
  for (int c = 0; c < kClients; ++c) {
    workers.emplace_back([&, c] {
      auto client = ClientFor(*cluster, "n1");
      if (client == nullptr) return;
      const std::string key = "k" + std::to_string(c % 8);
      for (int i = 0; i < kOpsEach; ++i) {
        StoreClient::Reply r = i % 2 == 0
                                   ? client->Write(key, c * 1000 + i, In(std::chrono::seconds(3)))
                                   : client->Read(key, In(std::chrono::seconds(3)));
        if (r.kind == Kind::kOk) ++ok;
      }
    });
  }
  for (std::thread& t : workers) t.join();
  EXPECT_EQ(ok.load(), kClients * kOpsEach);
}

std::string ParamName(const ::testing::TestParamInfo<ModeAndSize>& info) {
  return std::string(ReplicationModeName(info.param.mode)) + std::to_string(info.param.nodes);
}

INSTANTIATE_TEST_SUITE_P(Modes, StoreBasicsTest,
                         ::testing::Values(ModeAndSize{ReplicationMode::kPrimary, 3},
                                           ModeAndSize{ReplicationMode::kPrimary, 5},
                                           ModeAndSize{ReplicationMode::kAsync, 3},
                                           ModeAndSize{ReplicationMode::kAsync, 5},
                                           ModeAndSize{ReplicationMode::kQuorum, 3},
                                           ModeAndSize{ReplicationMode::kQuorum, 5}),
                         ParamName);
INSTANTIATE_TEST_SUITE_P(Modes, NonPrimaryTest,
                         ::testing::Values(ModeAndSize{ReplicationMode::kPrimary, 3},
                                           ModeAndSize{ReplicationMode::kPrimary, 5},
                                           ModeAndSize{ReplicationMode::kAsync, 3},
                                           ModeAndSize{ReplicationMode::kAsync, 5}),
                         ParamName);

}  // namespace
}  // namespace faultline
