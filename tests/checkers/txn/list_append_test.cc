// The list-append checker (checkers/txn/) on small histories that each show one anomaly of
// Adya's (or none), and on input it must refuse.
#include "checkers/txn/list_append.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <sstream>

#include "checkers/registry.h"
#include "core/random.h"
#include "core/history_io.h"

namespace faultline {
namespace {

// Transactions run one after another, 1 ms apart, one per line: "PROCESS TYPE MOPS", MOPS the
// JSON of the micro-ops as the completion gives them ([["append","x",1],["r","y",[1]]]).
History Txns(const std::string& script) {
  std::string text;
  int64_t t = 0;
  std::istringstream lines(script);
  for (std::string line; std::getline(lines, line);) {
    if (line.empty()) continue;
    std::istringstream words(line);
    std::string process, type, mops;
    words >> process >> type;
    std::getline(words, mops);
    for (const std::string& phase : {std::string("invoke"), type}) {
      text += "{\"time\":" + std::to_string(++t * 1000000) + ",\"process\":" + process +
              ",\"type\":\"" + phase + "\",\"f\":\"txn\",\"value\":" + mops + "}\n";
    }
  }
  auto loaded = ParseHistory(text, "test", HistoryFormat::kJsonl);
  EXPECT_TRUE(loaded.ok()) << loaded.status().message();
  return loaded.ok() ? std::move(loaded->history) : History();
}

TxnResult Check(const std::string& script) {
  auto r = CheckListAppend(Txns(script), "test");
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : TxnResult();
}

std::vector<std::string> Names(const TxnResult& r) {
  std::vector<std::string> names;
  for (const TxnAnomaly& a : r.anomalies) names.push_back(a.name);
  return names;
}

using Names_ = std::vector<std::string>;

TEST(ListAppend, ASerialHistoryIsValidAndConsistentWithStrictSerializable) {
  const TxnResult r = Check(R"(0 ok [["append","x",1]]
1 ok [["r","x",[1]],["append","x",2]]
2 ok [["r","x",[1,2]],["r","y",null]]
3 fail [["append","y",5]]
4 info [["append","y",6]])");
  EXPECT_EQ(r.verdict, Verdict::kValid);
  EXPECT_EQ(r.txns, 5);
  EXPECT_EQ(r.ok, 3);
  EXPECT_EQ(r.keys, 2);
  EXPECT_TRUE(r.anomalies.empty());
  EXPECT_EQ(r.consistent_with, "strict-serializable");
  EXPECT_EQ(r.explanation,
            "no anomaly found: consistent with strict-serializable (the session models, which "
            "need the process order, are not checked yet)");
}

TEST(ListAppend, AReadMissingAnAppendCompletedBeforeItBeganIsGSingleRealtime) {
  // Serializable (the read can go first), but not in real time: op 0 completed before op 2.
  const TxnResult r = Check(R"(0 ok [["append","x",1]]
1 ok [["r","x",null]]
2 ok [["r","x",[1]]])");
  EXPECT_EQ(Names(r), Names_{"G-single-realtime"});
  EXPECT_EQ(r.violates, std::vector<std::string>{"strict-serializable"});
  EXPECT_EQ(r.explanation, "violates strict-serializable; consistent with serializable");
  EXPECT_EQ(r.anomalies[0].explanation,
            "a cycle of 2 transactions: op 0 (process 0) completed before op 2 (process 1) began "
            "(real time); op 2 (process 1) read key x = [], without 1, which op 0 (process 0) "
            "appended next (rw)");
}

TEST(ListAppend, ConcurrentTransactionsHaveNoRealTimeOrder) {
  // The read overlaps the append, so it may have gone first.
  auto loaded = ParseHistory(
      R"({"time":1,"process":0,"type":"invoke","f":"txn","value":[["append","x",1]]}
{"time":2,"process":1,"type":"invoke","f":"txn","value":[["r","x",null]]}
{"time":3,"process":0,"type":"ok","f":"txn","value":[["append","x",1]]}
{"time":4,"process":1,"type":"ok","f":"txn","value":[["r","x",null]]}
{"time":5,"process":2,"type":"invoke","f":"txn","value":[["r","x",null]]}
{"time":6,"process":2,"type":"ok","f":"txn","value":[["r","x",[1]]]}
)",
      "test", HistoryFormat::kJsonl);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  auto r = CheckListAppend(loaded->history, "test");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->verdict, Verdict::kValid);
  EXPECT_EQ(r->consistent_with, "strict-serializable");
}

TEST(ListAppend, TwoTransactionsAppendingInOppositeOrdersOnTwoKeysAreG0) {
  const TxnResult r = Check(R"(0 ok [["append","x",1],["append","y",4]]
1 ok [["append","x",2],["append","y",3]]
2 ok [["r","x",[1,2]]]
3 ok [["r","y",[3,4]]])");
  EXPECT_EQ(Names(r), Names_{"G0"});
  EXPECT_EQ(r.violates.front(), "read-uncommitted");
  EXPECT_EQ(r.consistent_with, "");
  ASSERT_EQ(r.anomalies.size(), 1u);
  EXPECT_EQ(r.anomalies[0].explanation,
            "a cycle of 2 transactions: op 0 (process 0) appended 1 to key x just before op 2 "
            "(process 1) appended 2 (ww); op 2 (process 1) appended 3 to key y just before op 0 "
            "(process 0) appended 4 (ww)");
}

TEST(ListAppend, AReadOfAFailedAppendIsG1a) {
  const TxnResult r = Check(R"(0 fail [["append","x",1]]
1 ok [["r","x",[1]]])");
  EXPECT_EQ(Names(r), Names_{"G1a"});
  EXPECT_EQ(r.explanation,
            "violates read-committed, so not snapshot-isolation, repeatable-read, serializable or "
            "anything stronger; consistent with read-uncommitted");
}

TEST(ListAppend, AReadEndingInAValueItsWriterAppendedPastIsG1b) {
  const TxnResult r = Check(R"(0 ok [["append","x",1],["append","x",2]]
1 ok [["r","x",[1]]])");
  EXPECT_EQ(Names(r), Names_{"G1b"});
}

TEST(ListAppend, TwoTransactionsReadingEachOthersAppendsAreG1c) {
  const TxnResult r = Check(R"(0 ok [["append","x",1],["r","y",[2]]]
1 ok [["append","y",2],["r","x",[1]]])");
  EXPECT_EQ(Names(r), Names_{"G1c"});
}

TEST(ListAppend, ReadSkewIsGSingleAndRulesOutSnapshotIsolation) {
  // Process 1 saw op 0's append to y but not its append to x.
  const TxnResult r = Check(R"(0 ok [["append","x",1],["append","y",1]]
1 ok [["r","x",null],["r","y",[1]]]
2 ok [["r","x",[1]]])");
  EXPECT_EQ(Names(r), Names_{"G-single"});
  EXPECT_EQ(r.explanation,
            "violates snapshot-isolation and repeatable-read, so not serializable or anything "
            "stronger; consistent with read-committed");
  EXPECT_NE(r.anomalies[0].explanation.find("read key x = [], without 1, which op 0 (process "
                                            "0) appended next (rw)"),
            std::string::npos)
      << r.anomalies[0].explanation;
}

TEST(ListAppend, WriteSkewIsG2ItemAndStaysConsistentWithSnapshotIsolation) {
  const TxnResult r = Check(R"(0 ok [["r","x",null],["r","y",null],["append","x",1]]
1 ok [["r","x",null],["r","y",null],["append","y",2]]
2 ok [["r","x",[1]],["r","y",[2]]])");
  EXPECT_EQ(Names(r), Names_{"G2-item"});
  EXPECT_EQ(r.consistent_with, "snapshot-isolation");
  EXPECT_EQ(r.violates.front(), "repeatable-read");
}

TEST(ListAppend, ReadsThatDisagreeWithTheTransactionsOwnWritesAreInternal) {
  const TxnResult r = Check(R"(0 ok [["append","x",1],["r","x",[]]])");
  EXPECT_EQ(Names(r), Names_{"internal"});
  EXPECT_EQ(r.anomalies[0].explanation,
            "op 0 (process 0) read key x = [], but its own earlier appends [1] must end it");
}

TEST(ListAppend, AReadHoldingTheTransactionsOwnLaterAppendIsInternal) {
  const TxnResult r = Check(R"(0 ok [["r","x",[1]],["append","x",1]])");
  EXPECT_EQ(Names(r), Names_{"internal"});
  EXPECT_EQ(r.anomalies[0].explanation,
            "op 0 (process 0) read key x = [1], holding 1, which it appended only later");
}

TEST(ListAppend, ATransactionsAppendsInTheOtherOrderAreInternal) {
  const TxnResult r = Check(R"(0 ok [["append","x",1],["append","x",2]]
1 ok [["r","x",[2,1]]])");
  // The read also ends in a value its writer appended more after: intermediate, as well.
  EXPECT_EQ(Names(r), (Names_{"G1b", "internal"}));
  EXPECT_EQ(r.anomalies[1].explanation,
            "op 0 (process 0) appended 1 to key x before a value the key's order [2 1] puts "
            "ahead of it");
}

TEST(ListAppend, ReadsNeitherAPrefixOfTheOtherAreIncompatible) {
  const TxnResult r = Check(R"(0 ok [["append","x",1]]
1 ok [["append","x",2]]
2 ok [["r","x",[1,2]]]
3 ok [["r","x",[2,1]]])");
  EXPECT_EQ(Names(r), Names_{"incompatible-order"});
}

TEST(ListAppend, AValueNobodyAppendedIsAGarbageRead) {
  const TxnResult r = Check(R"(0 ok [["r","x",[9]]])");
  EXPECT_EQ(Names(r), Names_{"garbage-read"});
}

TEST(ListAppend, AnInfoAppendMayBeSeenAndItsReaderDependsOnIt) {
  // The info txn's append was read: it committed. No anomaly.
  const TxnResult r = Check(R"(0 info [["append","x",1]]
1 ok [["r","x",[1]]])");
  EXPECT_EQ(r.verdict, Verdict::kValid);
}

TEST(ListAppend, RefusesWhatItCannotCheck) {
  auto refused = [](const std::string& jsonl, const std::string& says) {
    auto h = ParseHistory(jsonl, "bad.jsonl", HistoryFormat::kJsonl);
    ASSERT_TRUE(h.ok()) << h.status().message();
    auto r = CheckListAppend(h->history, "bad.jsonl");
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.status().message().find(says), std::string::npos) << r.status().message();
  };
  refused(R"({"process":0,"type":"invoke","f":"read","value":null}
)",
          R"(bad.jsonl:1: a "read" op; expected only "txn" ops)");
  refused(R"({"process":0,"type":"invoke","f":"txn","value":[["write","x",1]]}
{"process":0,"type":"ok","f":"txn","value":[["write","x",1]]}
)",
          R"(bad.jsonl:2: unknown micro-op "write"; expected ["append", key, value])");
  refused(R"({"process":0,"type":"invoke","f":"txn","value":[["append","x",1]]}
{"process":0,"type":"ok","f":"txn","value":[["append","x",1]]}
{"process":1,"type":"invoke","f":"txn","value":[["append","x",1]]}
{"process":1,"type":"ok","f":"txn","value":[["append","x",1]]}
)",
          "bad.jsonl:3: appends 1 to key x, as op 0 (process 0) did; expected every value "
          "appended to a key once");
}

// ---- differential: the checker against a brute-force search for a serial order ----------

struct SmallTxn {
  std::vector<std::tuple<bool, int, std::vector<int>>> mops;  // append?, key, value(s)
  int begin = 0, end = 1;  // invoke and completion times (begins even, ends odd: no ties)
};

// Some serial order of the txns replays every read exactly (list-append semantics); with
// `real_time`, one where a txn that completed before another began comes first.
bool Serializable(const std::vector<SmallTxn>& txns, int keys, bool real_time) {
  std::vector<size_t> order(txns.size());
  std::iota(order.begin(), order.end(), 0);
  do {
    std::vector<std::vector<int>> state(static_cast<size_t>(keys));
    bool fits = true;
    for (size_t i = 0; real_time && i < order.size(); ++i) {
      for (size_t j = i + 1; j < order.size(); ++j) {
        if (txns[order[j]].end < txns[order[i]].begin) fits = false;
      }
    }
    for (size_t t : order) {
      for (const auto& [append, k, v] : txns[t].mops) {
        if (append) {
          state[size_t(k)].push_back(v[0]);
        } else if (state[size_t(k)] != v) {
          fits = false;
        }
      }
    }
    if (fits) return true;
  } while (std::next_permutation(order.begin(), order.end()));
  return false;
}

// `keys` keys, `count` txns of 1-3 micro-ops; each key's appends in a random final order, each read a
// random prefix of it (so any anomaly may appear), and a last txn reading every key whole (so
// every version order is known). All txns are concurrent: no real-time order.
std::vector<SmallTxn> RandomTxns(Random& rng, int keys, size_t count) {
  std::vector<SmallTxn> txns(count);
  std::vector<std::vector<int>> appended(static_cast<size_t>(keys));
  int value = 1, latest = 0;
  for (SmallTxn& t : txns) {
    t.begin = 2 * int(rng.Uniform(12));
    t.end = t.begin + 1 + 2 * int(rng.Uniform(4));
    latest = std::max(latest, t.end);
    for (uint64_t n = 1 + rng.Uniform(3); n > 0; --n) {
      const int k = int(rng.Uniform(uint64_t(keys)));
      if (rng.OneIn(0.5)) {
        t.mops.emplace_back(true, k, std::vector<int>{value});
        appended[size_t(k)].push_back(value++);
      } else {
        t.mops.emplace_back(false, k, std::vector<int>{});
      }
    }
  }
  for (auto& a : appended) {  // a random final order of each key's appends
    for (size_t i = a.size(); i > 1; --i) std::swap(a[i - 1], a[rng.Uniform(i)]);
  }
  for (SmallTxn& t : txns) {
    for (auto& [append, k, v] : t.mops) {
      if (!append) {
        const auto& a = appended[size_t(k)];
        v.assign(a.begin(), a.begin() + ptrdiff_t(rng.Uniform(a.size() + 1)));
      }
    }
  }
  SmallTxn last;  // after every other txn, in real time too
  last.begin = latest + 1;
  last.end = latest + 2;
  for (int k = 0; k < keys; ++k) last.mops.emplace_back(false, k, appended[size_t(k)]);
  txns.push_back(last);
  return txns;
}

// The txns as a history: all invoked before any completes, or (`timed`) at their times.
History ToHistory(const std::vector<SmallTxn>& txns, bool timed) {
  auto mops = [](const SmallTxn& t, bool with_reads) {
    std::string s = "[";
    for (const auto& [append, k, v] : t.mops) {
      if (s.size() > 1) s += ",";
      s += "[\"" + std::string(append ? "append" : "r") + "\"," + std::to_string(k) + ",";
      if (append) {
        s += std::to_string(v[0]);
      } else if (!with_reads) {
        s += "null";
      } else {
        s += "[";
        for (size_t i = 0; i < v.size(); ++i) s += (i ? "," : "") + std::to_string(v[i]);
        s += "]";
      }
      s += "]";
    }
    return s + "]";
  };
  std::vector<std::pair<int, std::string>> lines;  // time, line
  for (size_t p = 0; p < txns.size(); ++p) {
    const int begin = timed ? txns[p].begin : 0, end = timed ? txns[p].end : 1;
    for (bool done : {false, true}) {
      lines.emplace_back(done ? end : begin,
                         "{\"time\":" + std::to_string(done ? end : begin) + ",\"process\":" +
                             std::to_string(p) + ",\"type\":\"" + (done ? "ok" : "invoke") +
                             "\",\"f\":\"txn\",\"value\":" + mops(txns[p], done) + "}\n");
    }
  }
  std::stable_sort(lines.begin(), lines.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string text;
  for (const auto& [time, line] : lines) text += line;
  auto loaded = ParseHistory(text, "random", HistoryFormat::kJsonl);
  EXPECT_TRUE(loaded.ok()) << loaded.status().message();
  return loaded.ok() ? std::move(loaded->history) : History();
}

// Keys, txns (besides the final read), and whether they have times (then the model compared
// is strict serializability).
class ListAppendDifferential : public ::testing::TestWithParam<std::tuple<int, size_t, bool>> {};

TEST_P(ListAppendDifferential, AgreesWithABruteForceSerialOrderSearch) {
  const auto [keys, count, timed] = GetParam();
  const std::string model = timed ? "strict-serializable" : "serializable";
  Random rng(20261208 + uint64_t(keys) * 100 + count * 10 + timed);
  int serializable = 0, not_serializable = 0;
  for (int i = 0; i < 3000; ++i) {
    const std::vector<SmallTxn> txns = RandomTxns(rng, keys, count);
    const History h = ToHistory(txns, timed);
    auto r = CheckListAppend(h, "random");
    ASSERT_TRUE(r.ok()) << r.status().message();
    const bool checker =
        std::find(r->violates.begin(), r->violates.end(), model) == r->violates.end();
    const bool brute = Serializable(txns, keys, timed);
    (brute ? serializable : not_serializable)++;
    std::string text;
    for (const Op& op : h.ops()) text += op.ToJson() + "\n";
    ASSERT_EQ(checker, brute) << r->explanation << "\n" << text;
  }
  // Both outcomes are well represented, or the comparison would prove little.
  EXPECT_GT(serializable, 200);
  EXPECT_GT(not_serializable, 200);
}

// 2 keys and 3 txns (plus the final read); 3 keys and 4 txns; each concurrent and timed.
INSTANTIATE_TEST_SUITE_P(Sizes, ListAppendDifferential,
                         ::testing::Values(std::tuple{2, size_t{3}, false},
                                           std::tuple{3, size_t{4}, false},
                                           std::tuple{2, size_t{3}, true},
                                           std::tuple{3, size_t{4}, true}));

TEST(ListAppend, IsRegisteredAsTheTxnChecker) {
  auto checker = MakeChecker("txn", nlohmann::json::object());
  ASSERT_TRUE(checker.ok());
  auto r = (*checker)->Check(Txns(R"(0 ok [["append","x",1],["r","y",[2]]]
1 ok [["append","y",2],["r","x",[1]]])"),
                             "test");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->verdict, Verdict::kInvalid);
  EXPECT_TRUE(r->summary.starts_with("txn (list-append): invalid (2 txns, 2 keys; G1c ×1): "))
      << r->summary;
  ASSERT_EQ(r->problems.size(), 1u);
  EXPECT_EQ(r->problems[0].kind, "G1c");
  EXPECT_EQ(r->problems[0].op_indices, (std::vector<int64_t>{0, 2}));
}

}  // namespace
}  // namespace faultline
