// CheckCounter at the edges of its bounds, with info and failed adds, on bad input, its JSON
// form, and on simulated linearizable counters: every simulated history passes, and planted
// faults are found at their ops.
#include "checkers/counter/counter.h"

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

std::string Line(int64_t process, const char* type, const char* f, const std::string& value,
                 const std::string& extra = "") {
  return "{\"process\":" + std::to_string(process) + ",\"type\":\"" + type + "\",\"f\":\"" + f +
         "\",\"value\":" + value + extra + "}\n";
}
std::string Inv(int64_t p, const char* f, const std::string& v = "null") {
  return Line(p, "invoke", f, v);
}
std::string Ok(int64_t p, const char* f, const std::string& v = "null") {
  return Line(p, "ok", f, v);
}
std::string Final(int64_t p, const std::string& node, int64_t v) {
  return Line(p, "invoke", "read", "null", ",\"final\":true") +
         Line(p, "ok", "read", std::to_string(v), ",\"final\":true,\"node\":\"" + node + "\"");
}

CounterResult Check(const std::string& text,
                    CounterConsistency c = CounterConsistency::kLinearizable) {
  auto r = CheckCounter(Parse(text), "h.jsonl", {.consistency = c});
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? std::move(*r) : CounterResult();
}

std::vector<std::string> Names(const CounterResult& r) {
  std::vector<std::string> out;
  for (const CounterProblem& p : r.problems) out.push_back(p.name);
  return out;
}

TEST(Counter, EmptyHistoryIsUnknownAndSaysWhy) {
  CounterResult r = Check("");
  EXPECT_EQ(r.verdict, Verdict::kUnknown);
  EXPECT_EQ(r.final_verdict, Verdict::kUnknown);
  EXPECT_EQ(Names(r), std::vector<std::string>{"no-final-reads"});
  EXPECT_NE(r.explanation.find("no final reads"), std::string::npos) << r.explanation;
}

TEST(Counter, FinalReadsThatAllFailedAreNoFinalReads) {
  CounterResult r = Check(Line(0, "invoke", "read", "null", ",\"final\":true") +
                          Line(0, "fail", "read", "null", ",\"final\":true"));
  EXPECT_EQ(r.verdict, Verdict::kUnknown);
  EXPECT_NE(r.explanation.find("1 final reads, none of them ok"), std::string::npos)
      << r.explanation;
}

// add 1 is invoked before the read and completes during it; add 2 is invoked during the read
// and completes after it; add 4 completes just before the read's invoke: bounds [4, 7].
const std::string kAroundTheRead = Inv(0, "add", "4") + Ok(0, "add", "4") + Inv(1, "add", "1") +
                                   Inv(9, "read") + Ok(1, "add", "1") + Inv(2, "add", "2");
const std::string kAfterTheRead = Ok(2, "add", "2") + Inv(3, "add", "8") + Ok(3, "add", "8");

TEST(CounterBounds, ConcurrentAddsCountInTheUpperBoundOnly) {
  for (int64_t v : {4, 5, 6, 7}) {
    CounterResult r = Check(kAroundTheRead + Ok(9, "read", std::to_string(v)) + kAfterTheRead +
                            Final(10, "n1", 15));
    EXPECT_EQ(r.verdict, Verdict::kValid) << v << ": " << r.explanation;
    ASSERT_EQ(r.bounds.size(), 2u);
    EXPECT_EQ(r.bounds[0].lower, 4);
    EXPECT_EQ(r.bounds[0].upper, 7);
    EXPECT_EQ(r.bounds[0].op_index, 3);
  }
  for (int64_t v : {3, 8}) {
    CounterResult r = Check(kAroundTheRead + Ok(9, "read", std::to_string(v)) + kAfterTheRead +
                            Final(10, "n1", 15));
    EXPECT_EQ(Names(r), std::vector<std::string>{"out-of-bounds"}) << v;
    EXPECT_EQ(r.problems[0].op_indices, std::vector<int64_t>{3});
    EXPECT_EQ(r.problems[0].value, v);
    EXPECT_EQ(r.problems[0].lower, 4);
    EXPECT_EQ(r.problems[0].upper, 7);
  }
}

TEST(CounterBounds, EventualConsistencyNotesLowReadsButNotHighOnes) {
  CounterResult low =
      Check(kAroundTheRead + Ok(9, "read", "3") + kAfterTheRead + Final(10, "n1", 15),
            CounterConsistency::kEventual);
  EXPECT_EQ(low.verdict, Verdict::kValid) << low.explanation;
  EXPECT_EQ(Names(low), std::vector<std::string>{"stale-read"});
  EXPECT_FALSE(low.problems[0].error);
  EXPECT_EQ(low.notes, 1);
  CounterResult high =
      Check(kAroundTheRead + Ok(9, "read", "8") + kAfterTheRead + Final(10, "n1", 15),
            CounterConsistency::kEventual);
  EXPECT_EQ(high.verdict, Verdict::kInvalid);
  EXPECT_EQ(Names(high), std::vector<std::string>{"out-of-bounds"});
}

TEST(CounterBounds, InfoAndPendingAddsMayCountFailedOnesNever) {
  const std::string h = Inv(0, "add", "1") + Line(0, "info", "add", "1") + Inv(1, "add", "2") +
                        Line(1, "fail", "add", "2") + Inv(2, "add", "4") + Inv(3, "read");
  CounterResult r = Check(h + Ok(3, "read", "5") + Final(10, "n1", 1));
  EXPECT_EQ(r.adds, 3);
  EXPECT_EQ(r.adds_ok, 0);
  EXPECT_EQ(r.adds_fail, 1);
  EXPECT_EQ(r.adds_info, 2);
  EXPECT_EQ(r.info_sum, 5);
  ASSERT_EQ(r.bounds.size(), 2u);
  EXPECT_EQ(r.bounds[0].lower, 0);
  EXPECT_EQ(r.bounds[0].upper, 5);
  // 5, then a final 1 (only the info add of 1 happened): different processes, so no
  // monotonicity problem, and 1 is a possible total.
  EXPECT_EQ(r.verdict, Verdict::kValid) << r.explanation;
  EXPECT_EQ(Names(r), std::vector<std::string>{});
}

TEST(CounterFinal, AnyTotalTheInfoAddsCanMakeUp) {
  const std::string adds = Inv(0, "add", "10") + Ok(0, "add", "10") + Inv(1, "add", "3") +
                           Line(1, "info", "add", "3") + Inv(2, "add", "5") +
                           Line(2, "info", "add", "5");
  for (int64_t v : {10, 13, 15, 18}) {
    CounterResult r = Check(adds + Final(3, "n1", v) + Final(4, "n2", v) + Final(5, "n2", v));
    EXPECT_EQ(r.verdict, Verdict::kValid) << v << ": " << r.explanation;
    EXPECT_EQ(r.final_reads, 3);
  }
  for (int64_t v : {9, 11, 14, 19}) {
    CounterResult r = Check(adds + Final(3, "n1", v) + Final(4, "n2", v));
    EXPECT_EQ(r.final_verdict, Verdict::kInvalid) << v;
    auto p = std::find_if(r.problems.begin(), r.problems.end(),
                          [](const CounterProblem& x) { return x.name == "final-impossible"; });
    ASSERT_NE(p, r.problems.end()) << v;
    EXPECT_EQ(p->op_indices, (std::vector<int64_t>{6, 8}));
    EXPECT_EQ(p->lower, 10);
    EXPECT_EQ(p->upper, 18);
  }
}

TEST(CounterFinal, DivergenceNamesEveryNodeAndValue) {
  CounterResult r = Check(Inv(0, "add", "2") + Ok(0, "add", "2") + Final(1, "n1", 2) +
                          Final(2, "n2", 2) + Final(3, "n3", 1));
  ASSERT_GE(r.problems.size(), 2u);
  EXPECT_EQ(r.problems[0].name, "final-divergent");
  EXPECT_EQ(r.problems[0].op_indices, (std::vector<int64_t>{2, 4, 6}));
  EXPECT_NE(r.problems[0].explanation.find("1 on n3 (op 6); 2 on n1, n2 (ops 2, 4)"),
            std::string::npos)
      << r.problems[0].explanation;
  EXPECT_EQ(Names(r),
            (std::vector<std::string>{"final-divergent", "out-of-bounds", "final-impossible"}));
}

TEST(CounterMonotonic, OnlyWithinOneProcess) {
  const std::string adds = Inv(0, "add", "2") + Line(0, "info", "add", "2");
  EXPECT_EQ(Names(Check(adds + Inv(1, "read") + Ok(1, "read", "2") + Inv(2, "read") +
                        Ok(2, "read", "0") + Final(3, "n1", 2))),
            std::vector<std::string>{});
  CounterResult r = Check(adds + Inv(1, "read") + Ok(1, "read", "2") + Inv(1, "read") +
                          Ok(1, "read", "0") + Final(3, "n1", 2));
  EXPECT_EQ(Names(r), std::vector<std::string>{"non-monotonic"});
  EXPECT_EQ(r.problems[0].op_indices, (std::vector<int64_t>{2, 4}));
}

TEST(CounterInput, MalformedOpsAreInvalidInputWithTheirLine) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {Inv(0, "add", "\"x\""), "h.jsonl:1: add value is string"},
      {Inv(0, "add", "-3"), "h.jsonl:1: add value is -3"},
      {Inv(0, "add", "1") + Ok(0, "add", "1") + Inv(0, "read") + Ok(0, "read", "[1]"),
       "h.jsonl:4: ok read value is list"},
      {Inv(0, "read") + Ok(0, "read", "null"), "h.jsonl:2: ok read value is null"},
      {Inv(0, "transfer", "{}"), "h.jsonl:1: unknown counter op \"transfer\""},
      {R"({"process":0,"type":"invoke","f":"add","key":"c","value":1})"
       "\n",
       "h.jsonl:1: counter op with key \"c\""},
  };
  for (const auto& [text, prefix] : cases) {
    auto r = CheckCounter(Parse(text), "h.jsonl", {});
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidInput);
    EXPECT_TRUE(r.status().message().starts_with(prefix)) << r.status().message();
    EXPECT_NE(r.status().message().find("; expected "), std::string::npos) << r.status().message();
  }
}

// A linearizable counter simulated in time: each op takes effect at an instant inside its
// interval; an info add takes effect or not; the final reads come after everything.
struct SimulatedCounter {
  std::vector<Op> ops;
  std::vector<size_t> read_completions;  // vector indices of ok (non-final) read completions
  int64_t total = 0;
};

SimulatedCounter Simulate(uint64_t seed, int processes, int calls) {
  Random rng(seed);
  struct Call {
    int64_t start, effect, end, process, value;
    bool read;
    OpType outcome;
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
    c.read = rng.OneIn(0.5);
    c.value = c.read ? 0 : 1 + static_cast<int64_t>(rng.Uniform(5));
    c.outcome = c.read            ? OpType::kOk
                : rng.OneIn(0.05) ? OpType::kFail
                : rng.OneIn(0.05) ? OpType::kInfo
                                  : OpType::kOk;
    if (c.outcome == OpType::kInfo) id[p] = next_id++;
    cs.push_back(c);
  }
  std::vector<size_t> order(cs.size());
  for (size_t i = 0; i < cs.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(),
            [&](size_t a, size_t b) { return cs[a].effect < cs[b].effect; });
  SimulatedCounter sim;
  for (size_t i : order) {
    Call& c = cs[i];
    if (c.read) {
      c.value = sim.total;
    } else if (c.outcome == OpType::kOk || (c.outcome == OpType::kInfo && rng.OneIn(0.5))) {
      sim.total += c.value;
    }
  }
  std::vector<std::tuple<int64_t, bool, size_t>> events;  // time, completion?, call
  for (size_t i = 0; i < cs.size(); ++i) {
    events.push_back({cs[i].start, false, i});
    events.push_back({cs[i].end, true, i});
  }
  std::sort(events.begin(), events.end());
  for (auto [time, done, i] : events) {
    Op op;
    op.time = time;
    op.process = cs[i].process;
    op.type = done ? cs[i].outcome : OpType::kInvoke;
    op.f = cs[i].read ? "read" : "add";
    if (!cs[i].read || done) op.value = Value::Int(cs[i].value);
    if (cs[i].read && done) sim.read_completions.push_back(sim.ops.size());
    sim.ops.push_back(std::move(op));
  }
  for (int n = 0; n < 3; ++n) {
    Op op;
    op.process = next_id + n;
    op.f = "read";
    op.final = true;
    sim.ops.push_back(op);
    op.type = OpType::kOk;
    op.value = Value::Int(sim.total);
    op.node = "n" + std::to_string(n + 1);
    sim.ops.push_back(op);
  }
  return sim;
}

TEST(CounterSimulated, LinearizableHistoriesPassAndPlantedFaultsAreFound) {
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    SimulatedCounter sim = Simulate(seed, 8, 600);
    auto h = History::Make(sim.ops, "sim");
    ASSERT_TRUE(h.ok()) << h.status().message();
    auto r = CheckCounter(*h, "sim", {});
    ASSERT_TRUE(r.ok()) << r.status().message();
    ASSERT_EQ(r->verdict, Verdict::kValid) << "seed " << seed << ": " << r->explanation;
    EXPECT_EQ(r->final_reads, 3);

    // A read above its upper bound.
    const size_t at = sim.read_completions[seed * 13 % sim.read_completions.size()];
    const auto point = std::find_if(r->bounds.begin(), r->bounds.end(),
                                    [&](const auto& b) { return b.op_index == h->partner(at); });
    ASSERT_NE(point, r->bounds.end());
    std::vector<Op> ops = sim.ops;
    ops[at].value = Value::Int(point->upper + 1);
    auto planted = CheckCounter(*History::Make(ops, "sim"), "sim", {});
    ASSERT_TRUE(planted.ok());
    ASSERT_FALSE(planted->problems.empty());
    EXPECT_EQ(planted->problems[0].name, "out-of-bounds");
    EXPECT_EQ(planted->problems[0].op_indices, std::vector<int64_t>{h->partner(at)});

    // One node's final read lags by one increment.
    ops = sim.ops;
    ops.back().value = Value::Int(sim.total - 1);
    auto lagging = CheckCounter(*History::Make(ops, "sim"), "sim",
                                {.consistency = CounterConsistency::kEventual});
    ASSERT_TRUE(lagging.ok());
    EXPECT_EQ(lagging->verdict, Verdict::kInvalid);
    ASSERT_FALSE(lagging->problems.empty());
    EXPECT_EQ(lagging->problems[0].name, "final-divergent") << lagging->explanation;
  }
}

TEST(CounterJson, ProblemsAndADownSampledBoundsSeries) {
  std::string text;
  for (int i = 0; i < 3000; ++i) {
    text += Inv(0, "add", "1") + Ok(0, "add", "1") + Inv(1, "read") +
            Ok(1, "read", std::to_string(i == 1234 ? i : i + 1));
  }
  CounterResult r = Check(text + Final(2, "n1", 3000));
  const nlohmann::json j = ToJson(r);
  EXPECT_EQ(j["checker"], "counter");
  EXPECT_EQ(j["consistency"], "linearizable");
  EXPECT_EQ(j["verdict"], "invalid");
  EXPECT_EQ(j["final_verdict"], "valid");
  ASSERT_EQ(j["problems"].size(), 1u);
  EXPECT_EQ(j["problems"][0]["name"], "out-of-bounds");
  const int64_t bad_op = j["problems"][0]["op_indices"][0];
  EXPECT_LE(j["bounds"].size(), 2010u);
  bool drawn = false, final_drawn = false;
  for (const auto& row : j["bounds"]) {
    drawn |= row[4] == bad_op && row[3] == 1234 && row[1] == 1235;
    final_drawn |= row[3] == 3000 && row[1] == 3000;
  }
  EXPECT_TRUE(drawn);
  EXPECT_TRUE(final_drawn);
}

}  // namespace
}  // namespace faultline
