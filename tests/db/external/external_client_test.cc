// ExternalClient, ClientPool and ExternalClientDb against tiny /bin/sh fake clients: replies
// become completions; a client that hangs, exits, garbles or answers another id makes the op
// info and is killed (reaped), and the next op gets a fresh process; the preflight and the
// ready line catch clients that cannot start.
#include "db/external/external_client.h"

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cerrno>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "db/external/external_protocol.h"
#include "tests/db/external/process_util.h"
#include "tests/harness/fake_db.h"

namespace faultline {
namespace {

using std::chrono::milliseconds;
using testing::NotRunning;
using testing::ZombieChildren;

// A fake client: says it is ready, then runs `reply` for every request, with $line the
// request, $id its id, $n its number (1, 2, …) and $$ its pid.
std::string FakeClient(const std::string& reply) {
  return "echo '{\"type\":\"ready\"}'; n=0; while read -r line; do n=$((n+1)); "
         "id=${line#*\\\"id\\\":}; id=${id%%,*}; " +
         reply + "; done";
}

// The usual answer: ok, the value being the process's pid.
const char kOkPid[] = "echo \"{\\\"id\\\":$id,\\\"type\\\":\\\"ok\\\",\\\"value\\\":$$}\"";

class ExternalClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("faultline-external-client-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override {
    pool_.reset();
    EXPECT_TRUE(ZombieChildren().empty());
    std::filesystem::remove_all(dir_);
  }

  ExternalClientOptions Options(const std::string& command) {
    ExternalClientOptions o;
    o.command = command;
    o.log_dir = dir_.string();
    o.nodes = {{"n1", "127.0.0.1", 7001}, {"n2", "127.0.0.1", 7002}};
    return o;
  }
  ClientPool& Pool(const std::string& command) {
    pool_ = std::make_unique<ClientPool>(Options(command));
    Status s = pool_->WaitReady(milliseconds(30000));
    EXPECT_TRUE(s.ok()) << s.message();
    return *pool_;
  }
  std::unique_ptr<Client> Open(const std::string& node = "n1") {
    Status ready = pool_->WaitReady(milliseconds(30000));
    EXPECT_TRUE(ready.ok()) << ready.message();
    auto c = NewExternalClient(*pool_, node);
    EXPECT_TRUE(c.ok()) << c.status().message();
    return c.ok() ? std::move(c).value() : nullptr;
  }
  static Completion Call(Client& c, milliseconds timeout = milliseconds(30000)) {
    OpRequest req{"write", std::string("k"), Value::Int(5), {}};
    return c.Invoke(req, Clock::now() + timeout);
  }
  // Invokes until the pool has a ready process again (nothing is sent while it has none).
  static Completion CallWhenReady(Client& c) {
    for (int i = 0; i < 3000; ++i) {
      Completion done = Call(c);
      if (!(done.type == OpType::kFail && done.unavailable)) return done;
      std::this_thread::sleep_for(milliseconds(10));
    }
    return Completion{};
  }
  std::string Log(const std::string& name) {
    std::ifstream in(dir_ / (name + ".log"));
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  }

  std::filesystem::path dir_;
  std::unique_ptr<ClientPool> pool_;
};

TEST_F(ExternalClientTest, AReplyBecomesTheCompletion) {
  Pool(
      FakeClient("echo \"{\\\"id\\\":$id,\\\"type\\\":\\\"fail\\\",\\\"error\\\":\\\"nope\\\","
                 "\\\"unavailable\\\":true,\\\"node\\\":\\\"n2\\\",\\\"value\\\":[1,2]}\""));
  auto c = Open();
  ASSERT_TRUE(c);
  Completion done = Call(*c);
  EXPECT_EQ(done.type, OpType::kFail);
  EXPECT_EQ(done.error, "nope");
  EXPECT_TRUE(done.unavailable);
  EXPECT_EQ(done.node, "n2");
  EXPECT_EQ(done.value.ToJson(), "[1,2]");
}

TEST_F(ExternalClientTest, RequestsAreTheDocumentedLinesWithTheirEnvironment) {
  const std::string requests = (dir_ / "requests").string();
  Pool(FakeClient("printf '%s %s %s\\n' \"$FAULTLINE_NODE\" \"$FAULTLINE_NODES\" \"$line\" >> " +
                  requests + "; " + kOkPid));
  auto c = Open("n2");
  ASSERT_TRUE(c);
  OpRequest cas{"cas", std::string("7"), Value::MakeList({Value::Int(1), Value::Int(4)}), {}};
  ASSERT_EQ(c->Invoke(cas, Clock::now() + milliseconds(30000)).type, OpType::kOk);
  OpRequest read{"read", std::nullopt, Value(), {}};
  ASSERT_EQ(c->Invoke(read, Clock::now() + milliseconds(30000)).type, OpType::kOk);
  std::ifstream in(requests);
  std::string node, nodes, line;
  in >> node >> nodes >> std::ws;
  std::getline(in, line);
  EXPECT_EQ(node, "n2");
  EXPECT_EQ(nodes, "n1=127.0.0.1:7001,n2=127.0.0.1:7002");
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["id"], 1);
  EXPECT_EQ(j["f"], "cas");
  EXPECT_EQ(j["key"], "7");
  EXPECT_EQ(j["value"], nlohmann::json::parse("[1,4]"));
  EXPECT_EQ(j["node"], "n2");
  EXPECT_GT(j["timeout_ms"].get<int>(), 0);
  EXPECT_LE(j["timeout_ms"].get<int>(), 30000);
  in >> node >> nodes >> std::ws;
  std::getline(in, line);
  j = nlohmann::json::parse(line);
  EXPECT_EQ(j["id"], 2);
  EXPECT_FALSE(j.contains("key"));
  EXPECT_TRUE(j["value"].is_null());
}

TEST_F(ExternalClientTest, AHangingClientIsInfoAfterTheTimeoutAndIsReplaced) {
  Pool(FakeClient(std::string("if [ $n -ge 2 ]; then sleep 30; fi; ") + kOkPid));
  auto c = Open();
  ASSERT_TRUE(c);
  Completion first = Call(*c);
  ASSERT_EQ(first.type, OpType::kOk) << first.error;
  const pid_t pid = static_cast<pid_t>(first.value.as_int());
  Completion hung = Call(*c, milliseconds(100));
  EXPECT_EQ(hung.type, OpType::kInfo);
  EXPECT_NE(hung.error.find("no reply"), std::string::npos) << hung.error;
  EXPECT_NE(hung.error.find("killed by signal 9"), std::string::npos) << hung.error;
  EXPECT_TRUE(NotRunning(pid));
  EXPECT_EQ(::waitpid(pid, nullptr, WNOHANG), -1);  // reaped already
  EXPECT_NE(Log("n1").find("faultline: external client on n1 (pid " + std::to_string(pid)),
            std::string::npos);
  Completion next = CallWhenReady(*c);
  ASSERT_EQ(next.type, OpType::kOk) << next.error;
  EXPECT_NE(next.value.as_int(), pid);
}

TEST_F(ExternalClientTest, AClientThatExitsIsInfoAndIsReplaced) {
  Pool(FakeClient(std::string("if [ $n -ge 2 ]; then echo dying >&2; exit 4; fi; ") + kOkPid));
  auto c = Open();
  ASSERT_TRUE(c);
  Completion first = Call(*c);
  ASSERT_EQ(first.type, OpType::kOk) << first.error;
  Completion gone = Call(*c);
  EXPECT_EQ(gone.type, OpType::kInfo);
  EXPECT_NE(gone.error.find("end of file"), std::string::npos) << gone.error;
  EXPECT_NE(gone.error.find("exited with status 4"), std::string::npos) << gone.error;
  EXPECT_NE(Log("n1").find("dying"), std::string::npos);
  Completion next = CallWhenReady(*c);
  ASSERT_EQ(next.type, OpType::kOk) << next.error;
  EXPECT_NE(next.value.as_int(), first.value.as_int());
}

TEST_F(ExternalClientTest, AGarbledReplyIsInfoAndTheProcessIsKilled) {
  Pool(FakeClient(std::string("if [ $n -ge 2 ]; then echo 'all good'; sleep 30; fi; ") + kOkPid));
  auto c = Open();
  ASSERT_TRUE(c);
  Completion first = Call(*c);
  ASSERT_EQ(first.type, OpType::kOk) << first.error;
  Completion garbled = Call(*c);
  EXPECT_EQ(garbled.type, OpType::kInfo);
  EXPECT_NE(garbled.error.find("malformed JSON"), std::string::npos) << garbled.error;
  EXPECT_TRUE(NotRunning(static_cast<pid_t>(first.value.as_int())));
  EXPECT_EQ(CallWhenReady(*c).type, OpType::kOk);
}

TEST_F(ExternalClientTest, AReplyWithAnotherIdIsInfo) {
  Pool(FakeClient(std::string("if [ $n -ge 2 ]; then id=$((id+1)); fi; ") + kOkPid));
  auto c = Open();
  ASSERT_TRUE(c);
  ASSERT_EQ(Call(*c).type, OpType::kOk);
  Completion wrong = Call(*c);
  EXPECT_EQ(wrong.type, OpType::kInfo);
  EXPECT_NE(wrong.error.find("a reply with id 3 to request 2"), std::string::npos) << wrong.error;
}

TEST_F(ExternalClientTest, AnInfoReplyIsInfo) {
  Pool(FakeClient(
      "echo \"{\\\"id\\\":$id,\\\"type\\\":\\\"info\\\",\\\"error\\\":\\\"timed out\\\"}\""));
  auto c = Open();
  ASSERT_TRUE(c);
  Completion done = Call(*c);
  EXPECT_EQ(done.type, OpType::kInfo);
  EXPECT_EQ(done.error, "timed out");
}

TEST_F(ExternalClientTest, DestroyingAClientEndsItsProcess) {
  Pool(FakeClient(kOkPid));
  pid_t pid = 0;
  {
    auto c = Open();
    ASSERT_TRUE(c);
    Completion done = Call(*c);
    ASSERT_EQ(done.type, OpType::kOk);
    pid = static_cast<pid_t>(done.value.as_int());
  }
  EXPECT_TRUE(NotRunning(pid));
  EXPECT_EQ(::waitpid(pid, nullptr, WNOHANG), -1);
}

TEST_F(ExternalClientTest, EachWorkerGetsItsOwnProcess) {
  Pool(FakeClient(kOkPid));
  auto a = Open();
  auto b = Open();
  ASSERT_TRUE(a && b);
  EXPECT_NE(Call(*a).value.as_int(), Call(*b).value.as_int());
}

TEST_F(ExternalClientTest, AClientThatNeverSaysReadyIsNotHandedOut) {
  ExternalClientOptions o = Options("sleep 30");
  o.ready_timeout = milliseconds(100);
  pool_ = std::make_unique<ClientPool>(o);
  Status s = pool_->WaitReady(milliseconds(30000));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("{\"type\":\"ready\"}"), std::string::npos) << s.message();
  auto c = NewExternalClient(*pool_, "n1");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), Status::Code::kNotReady);
  EXPECT_NE(c.status().message().find("no external client process for n1 was ready in time"),
            std::string::npos);
}

TEST_F(ExternalClientTest, AWrongFirstLineFailsTheSpare) {
  pool_ = std::make_unique<ClientPool>(Options("echo hello; sleep 30"));
  Status s = pool_->WaitReady(milliseconds(30000));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("first line `hello`"), std::string::npos) << s.message();
}

TEST_F(ExternalClientTest, PreflightPassesAGoodClient) {
  ClientPool pool([&] {
    ExternalClientOptions o = Options(FakeClient(kOkPid));
    o.spares_per_node = 1;
    return o;
  }());
  Status s = PreflightExternalClient(pool, milliseconds(30000));
  EXPECT_TRUE(s.ok()) << s.message();
}

TEST_F(ExternalClientTest, PreflightShowsWhyAClientCannotStart) {
  ClientPool pool(Options("echo 'ImportError: no module named x' >&2; exit 1"));
  Status s = PreflightExternalClient(pool, milliseconds(30000));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("exited with status 1"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("ImportError: no module named x"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("preflight.log"), std::string::npos) << s.message();
}

TEST_F(ExternalClientTest, PreflightRefusesAClientThatDoesNotExitAtTheEndOfItsInput) {
  ClientPool pool(Options("echo '{\"type\":\"ready\"}'; exec 0<&-; sleep 30"));
  // Long enough for /bin/sh to start and say it is ready on a loaded machine.
  Status s = PreflightExternalClient(pool, milliseconds(2000));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("did not exit"), std::string::npos) << s.message();
}

TEST_F(ExternalClientTest, PreflightRefusesANonZeroExit) {
  ClientPool pool(Options("echo '{\"type\":\"ready\"}'; read x; exit 2"));
  Status s = PreflightExternalClient(pool, milliseconds(30000));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("exited with status 2 once its stdin closed"), std::string::npos)
      << s.message();
}

// A Db that says where its nodes are.
class EndpointDb : public testing::MemoryDb {
 public:
  EndpointDb() : MemoryDb(testing::MemoryMode::kLinearizable, 2) {}
  Result<std::vector<NodeAddress>> ClientEndpoints() const override {
    return std::vector<NodeAddress>{{"n1", "10.0.0.1", 9}, {"n2", "10.0.0.2", 9}};
  }
};

TEST_F(ExternalClientTest, TheDbDecoratorReplacesOnlyTheClients) {
  auto db = ExternalClientDb::Wrap(std::make_unique<EndpointDb>(), Options(FakeClient(kOkPid)));
  ASSERT_TRUE(db.ok()) << db.status().message();
  EXPECT_EQ((*db)->Nodes(), (std::vector<std::string>{"n1", "n2"}));
  EXPECT_EQ((*db)->Primary(), "n1");
  auto endpoints = (*db)->ClientEndpoints();
  ASSERT_TRUE(endpoints.ok());
  EXPECT_EQ(endpoints->at(1).host, "10.0.0.2");
  auto client = (*db)->OpenClient("n2");
  ASSERT_TRUE(client.ok()) << client.status().message();
  Completion done = Call(**client);
  EXPECT_EQ(done.type, OpType::kOk);
  EXPECT_TRUE(done.value.is_int());  // the fake's pid, not the memory store's answer
  EXPECT_FALSE((*db)->OpenClient("n9").ok());
  EXPECT_NE((*db)->Describe().find("with external clients"), std::string::npos);
}

TEST_F(ExternalClientTest, TheDecoratorNeedsADbThatSaysWhereItsNodesAre) {
  auto db = ExternalClientDb::Wrap(
      std::make_unique<testing::MemoryDb>(testing::MemoryMode::kLinearizable),
      Options(FakeClient(kOkPid)));
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.status().message().find("does not say where clients reach its nodes"),
            std::string::npos);
}

TEST_F(ExternalClientTest, TheDecoratorFailsWhenItsClientsCannotStart) {
  auto db = ExternalClientDb::Wrap(std::make_unique<EndpointDb>(), Options("exit 127"));
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.status().message().find("127"), std::string::npos) << db.status().message();
}

TEST_F(ExternalClientTest, TakeWaitsForAClientThatIsStillStarting) {
  pool_ = std::make_unique<ClientPool>(Options("sleep 0.3; " + FakeClient(kOkPid)));
  auto p = pool_->Take("n1", ClientPool::Clock::now() + milliseconds(5000));
  ASSERT_TRUE(p.ok()) << p.status().message();
}

TEST_F(ExternalClientTest, TakeSaysNotReadyWhenNoClientBecameReadyInTime) {
  pool_ = std::make_unique<ClientPool>(Options("sleep 5; " + FakeClient(kOkPid)));
  const auto start = ClientPool::Clock::now();
  auto p = pool_->Take("n1", start + milliseconds(100));
  ASSERT_FALSE(p.ok());
  EXPECT_EQ(p.status().code(), Status::Code::kNotReady);
  EXPECT_GE(ClientPool::Clock::now() - start, milliseconds(100));
  EXPECT_NE(p.status().message().find("no external client process for n1 was ready in time"),
            std::string::npos)
      << p.status().message();
}

}  // namespace
}  // namespace faultline
