// The store's ops without processes: parsing the new client ops, deciding each op on given
// values (db/builtin/server/commands.h), and log entries that change several keys at once.
#include "db/builtin/server/commands.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <map>

#include "db/builtin/server/store_log.h"

namespace faultline {
namespace {

using nlohmann::json;
using Kind = KeyChange::Kind;

ClientRequest Parse(const json& j) {
  Result<ClientRequest> r = ParseClientRequest(j);
  EXPECT_TRUE(r.ok()) << j.dump() << ": " << r.status().message();
  return r.ok() ? *r : ClientRequest{};
}

// A Lookup over a fixed map.
Lookup Over(const std::map<std::string, int64_t>& values) {
  return [values](const std::string& key) -> std::optional<int64_t> {
    auto it = values.find(key);
    return it == values.end() ? std::nullopt : std::optional<int64_t>(it->second);
  };
}

TEST(StoreOps, ParsesCounterAndBankOps) {
  ClientRequest add = Parse(json{{"op", "add"}, {"key", "c"}, {"delta", 3}});
  EXPECT_EQ(add.op, ClientOp::kAdd);
  EXPECT_EQ(add.delta, 3);
  ClientRequest t = Parse(json{
      {"op", "transfer"}, {"from", "a"}, {"to", "b"}, {"amount", 4}, {"allow_negative", true}});
  EXPECT_EQ(t.op, ClientOp::kTransfer);
  EXPECT_EQ(t.from_key, "a");
  EXPECT_EQ(t.to_key, "b");
  EXPECT_EQ(t.amount, 4);
  EXPECT_TRUE(t.allow_negative);
  ClientRequest r = Parse(json{{"op", "read-accounts"}, {"keys", {"a", "b"}}});
  EXPECT_EQ(r.keys, (std::vector<std::string>{"a", "b"}));
  ClientRequest init = Parse(json{{"op", "bank-init"}, {"balances", {{"a", 10}, {"b", 5}}}});
  EXPECT_EQ(init.balances.size(), 2u);
  EXPECT_EQ(std::string(ClientOpName(ClientOp::kReadAccounts)), "read-accounts");
  EXPECT_TRUE(IsClientOp("bank-init"));
  EXPECT_FALSE(IsClientOp("gossip"));
}

TEST(StoreOps, RejectsMalformedCounterAndBankOps) {
  for (const json& bad : {
           json{{"op", "add"}, {"key", "c"}},
           json{{"op", "add"}, {"key", "c"}, {"delta", "1"}},
           json{{"op", "transfer"}, {"from", "a"}, {"to", "a"}, {"amount", 1}},
           json{{"op", "transfer"}, {"from", "a"}, {"to", "b"}, {"amount", 0}},
           json{{"op", "transfer"}, {"from", 1}, {"to", "b"}, {"amount", 1}},
           json{{"op", "read-accounts"}, {"keys", json::array()}},
           json{{"op", "read-accounts"}, {"keys", {"a", 2}}},
           json{{"op", "bank-init"}, {"balances", {{"a", "ten"}}}},
           json{{"op", "bank-init"}, {"balances", json::array()}},
       }) {
    Result<ClientRequest> r = ParseClientRequest(bad);
    EXPECT_FALSE(r.ok()) << bad.dump();
  }
  Result<ClientRequest> same =
      ParseClientRequest(json{{"op", "transfer"}, {"from", "a"}, {"to", "a"}, {"amount", 1}});
  EXPECT_NE(same.status().message().find("different accounts"), std::string::npos);
}

TEST(StoreOps, WriteCasAndAdd) {
  Decision w = Decide(Parse(json{{"op", "write"}, {"key", "x"}, {"value", 5}}), Over({}));
  EXPECT_FALSE(w.refused());
  EXPECT_EQ(w.changes, (std::vector<KeyChange>{{"x", Kind::kSet, 5}}));
  ClientRequest cas = Parse(json{{"op", "cas"}, {"key", "x"}, {"from", 1}, {"to", 2}});
  EXPECT_EQ(Decide(cas, Over({{"x", 1}})).changes, (std::vector<KeyChange>{{"x", Kind::kSet, 2}}));
  Decision mismatch = Decide(cas, Over({{"x", 7}}));
  EXPECT_TRUE(mismatch.refused());
  EXPECT_TRUE(mismatch.changes.empty());
  EXPECT_EQ(mismatch.reply["error"], "cas-mismatch");
  EXPECT_EQ(mismatch.reply["value"], 7);
  EXPECT_TRUE(mismatch.reply["definite"]);
  EXPECT_EQ(Decide(cas, Over({})).reply["value"], nullptr);
  Decision add = Decide(Parse(json{{"op", "add"}, {"key", "c"}, {"delta", 3}}), Over({}));
  ASSERT_EQ(add.changes.size(), 1u);
  EXPECT_EQ(ApplyChange(add.changes[0], std::nullopt), 3);
  EXPECT_EQ(ApplyChange(add.changes[0], 10), 13);
}

TEST(StoreOps, TransferMovesMoneyOrRefusesDefinitely) {
  ClientRequest t = Parse(json{{"op", "transfer"}, {"from", "a"}, {"to", "b"}, {"amount", 4}});
  Decision ok = Decide(t, Over({{"a", 4}, {"b", 0}}));
  EXPECT_FALSE(ok.refused());
  EXPECT_EQ(ok.changes, (std::vector<KeyChange>{{"a", Kind::kAdd, -4}, {"b", Kind::kAdd, 4}}));
  Decision poor = Decide(t, Over({{"a", 3}, {"b", 0}}));
  EXPECT_TRUE(poor.refused());
  EXPECT_EQ(poor.reply["error"], "insufficient-funds");
  EXPECT_EQ(poor.reply["balance"], 3);
  EXPECT_TRUE(poor.reply["definite"]);
  Decision missing = Decide(t, Over({{"a", 10}}));
  EXPECT_EQ(missing.reply["error"], "not-found");
  EXPECT_NE(missing.reply["message"].get<std::string>().find("'b'"), std::string::npos);
  t.allow_negative = true;
  EXPECT_FALSE(Decide(t, Over({{"a", 3}, {"b", 0}})).refused());
}

TEST(StoreOps, BankInitIsIdempotent) {
  ClientRequest init = Parse(json{{"op", "bank-init"}, {"balances", {{"a", 10}, {"b", 5}}}});
  Decision fresh = Decide(init, Over({}));
  EXPECT_FALSE(fresh.refused());
  EXPECT_EQ(fresh.reply["initialized"], true);
  EXPECT_EQ(fresh.changes.size(), 2u);
  Decision again = Decide(init, Over({{"a", 7}, {"b", 8}}));
  EXPECT_FALSE(again.refused());
  EXPECT_EQ(again.reply["initialized"], false);
  EXPECT_TRUE(again.changes.empty());
}

TEST(StoreOps, ReadRepliesAndRequestKeys) {
  ClientRequest r = Parse(json{{"op", "read-accounts"}, {"keys", {"a", "b"}}});
  EXPECT_TRUE(IsReadOnly(r.op));
  json reply = ReadReply(r, Over({{"a", 1}}));
  EXPECT_EQ(reply["values"], (json{{"a", 1}, {"b", nullptr}}));
  EXPECT_EQ(RequestKeys(r), (std::vector<std::string>{"a", "b"}));
  ClientRequest t = Parse(json{{"op", "transfer"}, {"from", "a"}, {"to", "b"}, {"amount", 1}});
  EXPECT_FALSE(IsReadOnly(t.op));
  EXPECT_EQ(RequestKeys(t), (std::vector<std::string>{"a", "b"}));
}

TEST(StoreOps, MultiKeyLogEntriesRoundTripAndReload) {
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("faultline-store-ops-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  LogEntry transfer(3, {{"a", Kind::kAdd, -4}, {"b", Kind::kAdd, 4}});
  EXPECT_EQ(transfer.ToJson(), json::parse(R"([3,[["add","a",-4],["add","b",4]]])"));
  EXPECT_EQ(LogEntry(1, "x", 5).ToJson(), json::parse(R"([1,"x",5])"));  // the original form
  Result<LogEntry> back = LogEntry::FromJson(transfer.ToJson());
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_EQ(back->changes, transfer.changes);
  EXPECT_FALSE(LogEntry::FromJson(json::parse(R"([3,[["mul","a",2]]])")).ok());
  {
    auto log = StoreLog::Open(dir);
    ASSERT_TRUE(log.ok());
    ASSERT_TRUE((*log)->Append(LogEntry(1, {{"a", Kind::kSet, 10}, {"b", Kind::kSet, 0}})).ok());
    ASSERT_TRUE((*log)->Append(transfer).ok());
    ASSERT_TRUE((*log)->Append(LogEntry(1, {{"c", Kind::kAdd, 2}})).ok());
    EXPECT_EQ((*log)->Get("a"), 6);
  }
  auto log = StoreLog::Open(dir);
  ASSERT_TRUE(log.ok()) << log.status().message();
  EXPECT_EQ((*log)->Get("a"), 6);
  EXPECT_EQ((*log)->Get("b"), 4);
  EXPECT_EQ((*log)->Get("c"), 2);
  ASSERT_TRUE((*log)->TruncateFrom(2).ok());
  EXPECT_EQ((*log)->Get("a"), 10);
  EXPECT_EQ((*log)->Get("c"), std::nullopt);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace faultline
