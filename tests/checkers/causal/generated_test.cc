// Generated register histories: linearizable by construction (each op takes effect at its
// invoke, several processes overlap, written values unique per key), so causally consistent;
// then single mutations of a read that must be caught under the right name.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <tbb/global_control.h>

#include "checkers/causal/causal.h"
#include "core/random.h"

namespace faultline {
namespace {

// One generated client op: where its invoke and completion sit, and what it did.
struct GenOp {
  size_t invoke = 0, done = 0;
  int64_t process = 0;
  std::string f, key;
  OpType type = OpType::kOk;
  Value read, wrote;  // read: the value returned; write/cas: the value written
};

struct Generated {
  std::vector<Op> ops;
  std::vector<GenOp> gen;  // in invoke order
};

Op MakeOp(int64_t process, OpType type, const std::string& f, const std::string& key, Value v) {
  Op op;
  op.process = process;
  op.type = type;
  op.f = f;
  op.key = key;
  op.value = std::move(v);
  return op;
}

Generated Generate(uint64_t seed, int workers, int keys, int ops) {
  Random rng(seed);
  Generated g;
  std::map<std::string, Value> state;
  std::map<std::string, int64_t> next_value;
  std::vector<int64_t> process(workers);
  for (int w = 0; w < workers; ++w) process[w] = w;
  std::vector<int> open(workers, -1);  // index into g.gen of the worker's open op
  auto complete = [&](int w) {
    GenOp& o = g.gen[open[w]];
    o.done = g.ops.size();
    Value v = o.f == "read" ? o.read : o.f == "cas" ? g.ops[o.invoke].value : o.wrote;
    g.ops.push_back(MakeOp(o.process, o.type, o.f, o.key, std::move(v)));
    if (o.type == OpType::kInfo) process[w] += workers;  // retired: a fresh process id
    open[w] = -1;
  };
  for (int n = 0; n < ops; ++n) {
    const int w = int(rng.Uniform(workers));
    if (open[w] >= 0) complete(w);
    GenOp o;
    o.invoke = g.ops.size();
    o.process = process[w];
    o.key = "k" + std::to_string(rng.Uniform(keys));
    Value& cur = state[o.key];
    const uint64_t dice = rng.Uniform(10);
    Value invoke_value;
    if (dice < 5) {
      o.f = "read";
      o.read = cur;
    } else {
      o.wrote = Value::Int(++next_value[o.key]);
      if (dice < 8) {
        o.f = "write";
        invoke_value = o.wrote;
      } else {
        o.f = "cas";
        const bool hit = rng.OneIn(0.7);
        invoke_value = Value::MakeList({hit ? cur : Value::Int(-1), o.wrote});
        if (!hit) o.type = OpType::kFail;
      }
      if (o.type != OpType::kFail && rng.OneIn(0.03)) o.type = OpType::kInfo;
      const bool applies = o.type == OpType::kOk || (o.type == OpType::kInfo && rng.OneIn(0.5));
      if (applies) cur = o.wrote;
    }
    g.ops.push_back(MakeOp(o.process, OpType::kInvoke, o.f, o.key, std::move(invoke_value)));
    open[w] = int(g.gen.size());
    g.gen.push_back(std::move(o));
  }
  for (int w = 0; w < workers; ++w) {
    if (open[w] >= 0 && rng.OneIn(0.8)) complete(w);  // the rest stay pending
  }
  return g;
}

Result<CausalResult> Check(const std::vector<Op>& ops) {
  auto h = History::Make(ops, "generated");
  if (!h.ok()) return h.status();
  return CheckCausal(*h, "generated");
}

TEST(CausalGenerated, LargeLinearizableHistoryIsValid) {
  for (uint64_t seed : {1, 2, 3}) {
    Generated g = Generate(seed, 8, 5, 20000);
    auto r = Check(g.ops);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->verdict, Verdict::kValid)
        << "seed " << seed << ": " << (r->violations.empty() ? "" : r->violations[0].explanation);
    EXPECT_GT(r->ops, 15000u);
    EXPECT_EQ(r->keys, 5u);
  }
}

// The mutations: each turns one ok read into a named anomaly.
enum class Mutation { kNullAfterOwnWrite, kNullAfterRead, kFutureOwnWrite, kUnwritten };

// Picks a read to mutate (nullopt: none fits) and the value it should now return.
std::optional<std::pair<size_t, Value>> Pick(const Generated& g, Mutation m, Random* rng) {
  std::vector<std::pair<size_t, Value>> fits;
  std::map<std::pair<int64_t, std::string>, bool> wrote, read_non_null;
  for (size_t i = 0; i < g.gen.size(); ++i) {
    const GenOp& o = g.gen[i];
    if (o.type == OpType::kFail || o.done == 0) continue;
    const auto pk = std::make_pair(o.process, o.key);
    if (o.f == "read" && o.type == OpType::kOk) {
      if (m == Mutation::kNullAfterOwnWrite && wrote[pk]) fits.push_back({i, Value()});
      if (m == Mutation::kNullAfterRead && !wrote[pk] && read_non_null[pk])
        fits.push_back({i, Value()});
      if (m == Mutation::kUnwritten) fits.push_back({i, Value::Int(1'000'000'000)});
      if (m == Mutation::kFutureOwnWrite) {
        for (size_t j = i + 1; j < g.gen.size(); ++j) {
          const GenOp& later = g.gen[j];
          if (later.process == o.process && later.key == o.key && later.f == "write" &&
              later.type == OpType::kOk) {
            fits.push_back({i, later.wrote});
            break;
          }
        }
      }
      if (!o.read.is_null()) read_non_null[pk] = true;
    }
    if (o.f != "read" && o.type == OpType::kOk) wrote[pk] = true;
  }
  if (fits.empty()) return std::nullopt;
  return fits[rng->Uniform(fits.size())];
}

TEST(CausalGenerated, RandomMutationsAreFoundByName) {
  const std::map<Mutation, std::string> kName = {{Mutation::kNullAfterOwnWrite, "read-your-writes"},
                                                 {Mutation::kNullAfterRead, "monotonic-reads"},
                                                 {Mutation::kFutureOwnWrite, "cycle"},
                                                 {Mutation::kUnwritten, "unwritten-value"}};
  for (uint64_t seed = 10; seed < 30; ++seed) {
    Random rng(seed);
    Generated g = Generate(seed, 5, 3, 2000);
    const auto m = Mutation(seed % 4);
    auto pick = Pick(g, m, &rng);
    ASSERT_TRUE(pick.has_value()) << "seed " << seed;
    const GenOp& read = g.gen[pick->first];
    g.ops[read.done].value = pick->second;
    auto r = Check(g.ops);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->verdict, Verdict::kInvalid) << "seed " << seed;
    const bool found =
        std::any_of(r->violations.begin(), r->violations.end(), [&](const CausalViolation& v) {
          return v.name == kName.at(m) && (v.key == read.key || v.name == "cycle") &&
                 std::count(v.op_indices.begin(), v.op_indices.end(), int64_t(read.invoke));
        });
    EXPECT_TRUE(found) << "seed " << seed << ": expected " << kName.at(m) << " at op "
                       << read.invoke << "; got "
                       << (r->violations.empty() ? "nothing" : r->violations[0].name);
  }
}

// The per-session checks run in parallel; the result must not depend on it. With one thread
// TBB walks the sessions in order, as the checker did before it was parallel.
TEST(CausalGenerated, ParallelChecksGiveTheSequentialViolationsInOrder) {
  for (uint64_t seed : {40, 41, 42}) {
    Random rng(seed);
    Generated g = Generate(seed, 12, 4, 30000);
    for (int i = 0; i < 60; ++i) {  // many stale (null) reads: many violations, many sessions
      const GenOp& o = g.gen[rng.Uniform(g.gen.size())];
      if (o.f == "read" && o.type == OpType::kOk && o.done > 0) g.ops[o.done].value = Value();
    }
    auto h = History::Make(g.ops, "generated");
    ASSERT_TRUE(h.ok()) << h.status().message();
    std::string sequential;
    {
      tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);
      auto r = CheckCausal(*h, "generated");
      ASSERT_TRUE(r.ok()) << r.status().message();
      EXPECT_GT(r->violations.size(), 10u) << "seed " << seed;
      EXPECT_GT(r->sessions, 12u) << "seed " << seed;
      sequential = ToJson(*r).dump();
    }
    for (int run = 0; run < 3; ++run) {
      auto r = CheckCausal(*h, "generated");
      ASSERT_TRUE(r.ok()) << r.status().message();
      EXPECT_EQ(ToJson(*r).dump(), sequential) << "seed " << seed << ", run " << run;
    }
  }
}

}  // namespace
}  // namespace faultline
