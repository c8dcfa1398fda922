// CheckBank on edge cases, bad input, its JSON form, and simulated serializable banks: every
// simulated history passes, and one planted bad read is found at its op.
#include "checkers/bank/bank.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/history_io.h"
#include "core/random.h"

namespace faultline {
namespace {

History Parse(const std::string& text) {
  auto loaded = ParseHistory(text, "h.jsonl", HistoryFormat::kJsonl);
  EXPECT_TRUE(loaded.ok()) << loaded.status().message();
  return loaded.ok() ? std::move(loaded->history) : History();
}

std::string Line(int64_t process, const char* type, const char* f, const std::string& value) {
  return "{\"process\":" + std::to_string(process) + ",\"type\":\"" + type + "\",\"f\":\"" + f +
         "\",\"value\":" + value + "}\n";
}

std::string Read(int64_t process, const std::string& balances) {
  return Line(process, "invoke", "read", "null") + Line(process, "ok", "read", balances);
}

BankResult Check(const std::string& text, BankOptions options = {.accounts = 2, .total = 10}) {
  auto r = CheckBank(Parse(text), "h.jsonl", options);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? std::move(*r) : BankResult();
}

TEST(Bank, EmptyHistoryIsUnknown) {
  BankResult r = Check("");
  EXPECT_EQ(r.verdict, Verdict::kUnknown);
  EXPECT_EQ(r.reads, 0);
  EXPECT_NE(r.explanation.find("no ok read"), std::string::npos) << r.explanation;
}

TEST(Bank, CountsTransfersByOutcomeAndIgnoresUnfinishedReadsAndNemesis) {
  const std::string t = R"({"from":0,"to":1,"amount":3})";
  BankResult r = Check(Line(0, "invoke", "transfer", t) + Line(0, "ok", "transfer", t) +
                       Line(1, "invoke", "transfer", t) + Line(1, "fail", "transfer", t) +
                       Line(2, "invoke", "transfer", t) + Line(2, "info", "transfer", t) +
                       Line(3, "invoke", "read", "null") + Line(3, "info", "read", "\"garbage\"") +
                       Line(4, "invoke", "read", "null") + Line(4, "fail", "read", "null") +
                       R"({"process":"nemesis","type":"info","f":"kill","value":"n1"})"
                       "\n" +
                       Read(5, R"({"0":2,"1":8})") + Line(6, "invoke", "transfer", t));
  EXPECT_EQ(r.verdict, Verdict::kValid) << r.explanation;
  EXPECT_EQ(r.transfers, 4);
  EXPECT_EQ(r.transfers_ok, 1);
  EXPECT_EQ(r.transfers_fail, 1);
  EXPECT_EQ(r.transfers_info, 2);  // one info, one still pending
  EXPECT_EQ(r.reads, 1);
  ASSERT_EQ(r.totals.size(), 1u);
  EXPECT_EQ(r.totals[0].total, 10);
  EXPECT_EQ(r.totals[0].op_index, 11);
}

TEST(Bank, OneReadCanBreakSeveralRulesListedInKindOrder) {
  BankResult r = Check(Read(0, R"({"2":4,"0":-1})"));
  ASSERT_EQ(r.bad_reads.size(), 4u);
  EXPECT_EQ(r.bad_reads[0].kind, "wrong-total");
  EXPECT_EQ(r.bad_reads[0].total, 3);
  EXPECT_EQ(r.bad_reads[1].kind, "negative");
  ASSERT_EQ(r.bad_reads[1].details.size(), 1u);
  EXPECT_EQ(r.bad_reads[1].details[0].account, "0");
  EXPECT_EQ(r.bad_reads[1].details[0].balance, -1);
  EXPECT_EQ(r.bad_reads[2].kind, "missing-accounts");
  EXPECT_EQ(r.bad_reads[2].details[0].account, "1");
  EXPECT_EQ(r.bad_reads[3].kind, "unexpected-account");
  EXPECT_EQ(r.bad_reads[3].details[0].account, "2");
  EXPECT_EQ(r.verdict, Verdict::kInvalid);
  EXPECT_NE(r.explanation.find("1 of 1 ok reads"), std::string::npos) << r.explanation;
}

TEST(Bank, NegativeBalancesCanBeAllowed) {
  const std::string h = Read(0, R"({"0":-5,"1":15})");
  EXPECT_EQ(Check(h).verdict, Verdict::kInvalid);
  EXPECT_EQ(Check(h, {.accounts = 2, .total = 10, .allow_negative = true}).verdict,
            Verdict::kValid);
}

TEST(Bank, NullBalanceCountsAsMissing) {
  BankResult r = Check(Read(0, R"({"0":10,"1":null})"));
  ASSERT_EQ(r.bad_reads.size(), 1u);
  EXPECT_EQ(r.bad_reads[0].kind, "missing-accounts");
  EXPECT_EQ(r.bad_reads[0].details[0].account, "1");
}

TEST(Bank, AccountsFromTheFirstReadAndTotalZero) {
  BankResult r =
      Check(Read(0, R"({"5":0,"7":0})") + Read(0, R"({"5":1,"7":-1})") + Read(0, R"({"5":0})"),
            {.accounts = 0, .total = 0, .allow_negative = true});
  EXPECT_EQ(r.accounts, 2);
  ASSERT_EQ(r.bad_reads.size(), 1u);
  EXPECT_EQ(r.bad_reads[0].kind, "missing-accounts");
  EXPECT_EQ(r.bad_reads[0].op_index, 4);
  EXPECT_EQ(r.bad_reads[0].details[0].account, "7");
}

// Bad input: the message names the file and line, what is wrong and what was expected.
TEST(BankInput, MalformedOpsAreInvalidInputWithTheirLine) {
  const std::string ok_read = Read(0, R"({"0":5,"1":5})");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {ok_read + Line(1, "invoke", "transfer", "[0,1,3]"), "h.jsonl:3: transfer value is list"},
      {Line(1, "invoke", "transfer", R"({"from":0,"to":1})"),
       "h.jsonl:1: transfer field \"amount\""},
      {Line(1, "invoke", "transfer", R"({"from":"x","to":1,"amount":1})"),
       "h.jsonl:1: transfer field \"from\" is not an account id"},
      {Line(1, "invoke", "transfer", R"({"from":0,"to":1,"amount":1.5})"),
       "h.jsonl:1: transfer amount is not an integer"},
      {Read(0, "[5,5]"), "h.jsonl:2: ok read value is list"},
      {Read(0, R"({"a":5,"1":5})"), "h.jsonl:2: account id \"a\" is not an integer"},
      {Read(0, R"({"0":"5","1":5})"), "h.jsonl:2: balance of account 0 is string"},
      {Read(0, R"({"0":5,"0":5})"), "h.jsonl:2: account 0 appears twice"},
      {Line(0, "invoke", "add", "1") + Line(0, "ok", "add", "1"),
       "h.jsonl:1: unknown bank op \"add\""},
      {R"({"process":0,"type":"invoke","f":"read","key":"k","value":null})"
       "\n",
       "h.jsonl:1: bank op with key \"k\""},
  };
  for (const auto& [text, prefix] : cases) {
    auto r = CheckBank(Parse(text), "h.jsonl", {.accounts = 2, .total = 10});
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidInput);
    EXPECT_TRUE(r.status().message().starts_with(prefix)) << r.status().message();
    EXPECT_NE(r.status().message().find("; expected "), std::string::npos) << r.status().message();
  }
  auto r = CheckBank(Parse(ok_read), "h.jsonl", {.accounts = -1});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
}

// A serializable bank simulated in time: each op takes effect at an instant inside its
// interval; a transfer that would overdraw fails; an info transfer takes effect or not.
struct SimulatedBank {
  std::vector<Op> ops;
  std::vector<int64_t> read_completions;  // vector indices of ok read completions
};

SimulatedBank Simulate(uint64_t seed, int processes, int calls, int accounts, int64_t total) {
  Random rng(seed);
  struct Call {
    int64_t start, effect, end, process;
    bool read, info_applies;
    OpType outcome;
    int from, to;
    int64_t amount;
    Value result;
  };
  std::vector<Call> cs;
  std::vector<int64_t> clock(processes, 0), id(processes);
  for (int p = 0; p < processes; ++p) id[p] = p;
  int64_t next_id = processes;
  for (int i = 0; i < calls; ++i) {
    const int p = static_cast<int>(rng.Uniform(processes));
    Call c{};
    c.start = clock[p] + 1 + static_cast<int64_t>(rng.Uniform(100));
    c.effect = c.start + 1 + static_cast<int64_t>(rng.Uniform(100));
    c.end = c.effect + 1 + static_cast<int64_t>(rng.Uniform(100));
    clock[p] = c.end;
    c.process = id[p];
    c.read = rng.OneIn(0.4);
    c.outcome = OpType::kOk;
    if (!c.read && rng.OneIn(0.1)) {
      c.outcome = OpType::kInfo;
      c.info_applies = rng.OneIn(0.5);
      id[p] = next_id++;
    }
    c.from = static_cast<int>(rng.Uniform(accounts));
    c.to = static_cast<int>((c.from + 1 + rng.Uniform(accounts - 1)) % accounts);
    c.amount = 1 + static_cast<int64_t>(rng.Uniform(5));
    cs.push_back(c);
  }
  std::vector<size_t> by_effect(cs.size());
  for (size_t i = 0; i < cs.size(); ++i) by_effect[i] = i;
  std::sort(by_effect.begin(), by_effect.end(),
            [&](size_t a, size_t b) { return cs[a].effect < cs[b].effect; });
  std::vector<int64_t> balance(accounts, 0);
  balance[0] = total;
  for (size_t i : by_effect) {
    Call& c = cs[i];
    if (c.read) {
      Value::Map m;
      for (int a = 0; a < accounts; ++a) m.push_back({std::to_string(a), Value::Int(balance[a])});
      c.result = Value::MakeMap(std::move(m));
    } else if (balance[c.from] < c.amount) {
      if (c.outcome == OpType::kOk) c.outcome = OpType::kFail;
    } else if (c.outcome == OpType::kOk || c.info_applies) {
      balance[c.from] -= c.amount;
      balance[c.to] += c.amount;
    }
  }
  struct Event {
    int64_t time;
    size_t call;
    bool invoke;
  };
  std::vector<Event> events;
  for (size_t i = 0; i < cs.size(); ++i) {
    events.push_back({cs[i].start, i, true});
    events.push_back({cs[i].end, i, false});
  }
  std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
    return a.time != b.time ? a.time < b.time : a.invoke < b.invoke;
  });
  SimulatedBank sim;
  for (const Event& e : events) {
    const Call& c = cs[e.call];
    Op op;
    op.time = e.time;
    op.process = c.process;
    op.type = e.invoke ? OpType::kInvoke : c.outcome;
    op.f = c.read ? "read" : "transfer";
    if (!c.read) {
      op.value = Value::MakeMap({{"from", Value::Int(c.from)},
                                 {"to", Value::Int(c.to)},
                                 {"amount", Value::Int(c.amount)}});
    } else if (!e.invoke) {
      op.value = c.result;
      sim.read_completions.push_back(static_cast<int64_t>(sim.ops.size()));
    }
    sim.ops.push_back(std::move(op));
  }
  return sim;
}

TEST(BankSimulated, SerializableHistoriesPassAndAPlantedBadReadIsFound) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    SimulatedBank sim = Simulate(seed, 6, 400, 4, 100);
    auto h = History::Make(sim.ops, "sim");
    ASSERT_TRUE(h.ok()) << h.status().message();
    auto r = CheckBank(*h, "sim", {.accounts = 4, .total = 100});
    ASSERT_TRUE(r.ok()) << r.status().message();
    ASSERT_EQ(r->verdict, Verdict::kValid) << "seed " << seed << ": " << r->explanation;
    ASSERT_GT(r->reads, 50);
    EXPECT_GT(r->transfers_fail + r->transfers_info, 0);

    // Plant: one read loses 1 from account 1.
    const int64_t at = sim.read_completions[seed * 7 % sim.read_completions.size()];
    Value::Map m = sim.ops[at].value.as_map();
    m[1].second = Value::Int(m[1].second.as_int() - 1);
    sim.ops[at].value = Value::MakeMap(std::move(m));
    auto planted = History::Make(sim.ops, "sim");
    ASSERT_TRUE(planted.ok());
    auto bad = CheckBank(*planted, "sim", {.accounts = 4, .total = 100});
    ASSERT_TRUE(bad.ok());
    EXPECT_EQ(bad->verdict, Verdict::kInvalid);
    ASSERT_GE(bad->bad_reads.size(), 1u);
    EXPECT_EQ(bad->bad_reads[0].kind, "wrong-total");
    EXPECT_EQ(bad->bad_reads[0].total, 99);
    EXPECT_EQ(bad->bad_reads[0].op_index, planted->partner(at));
  }
}

TEST(BankJson, ListsBadReadsAndDownSamplesTheSeries) {
  std::string text;
  for (int i = 0; i < 5000; ++i) {
    text += Read(i % 7, i % 1000 == 500 ? R"({"0":3,"1":3})" : R"({"0":4,"1":6})");
  }
  BankResult r = Check(text);
  ASSERT_EQ(r.bad_reads.size(), 5u);
  const nlohmann::json j = ToJson(r);
  EXPECT_EQ(j["checker"], "bank");
  EXPECT_EQ(j["verdict"], "invalid");
  EXPECT_EQ(j["bad_reads_total"], 5);
  EXPECT_EQ(j["bad_reads"][0]["kind"], "wrong-total");
  EXPECT_EQ(j["bad_reads"][0]["op_index"], 1000);
  EXPECT_EQ(j["bad_reads"][0]["total"], 6);
  EXPECT_LE(j["totals"].size(), 2005u);
  // Every bad read is a row of the plot, with its total.
  for (const auto& b : j["bad_reads"]) {
    bool found = false;
    for (const auto& row : j["totals"]) found |= row[2] == b["op_index"] && row[1] == 6;
    EXPECT_TRUE(found) << b.dump();
  }
}

TEST(BankJson, CapsTheListOfBadReads) {
  std::string text;
  for (int i = 0; i < 1500; ++i) text += Read(0, R"({"0":4,"1":5})");
  const nlohmann::json j = ToJson(Check(text));
  EXPECT_EQ(j["bad_reads_total"], 1500);
  EXPECT_EQ(j["bad_reads"].size(), 1000u);
}

}  // namespace
}  // namespace faultline
