// Differential test: CheckLinearizability against a brute-force reference checker on
// thousands of random tiny histories per model, with the unique-values path on and off and
// partitioning by key on and off. Every case has its own seed (kBaseSeed + salt + case), printed
// with the history on a disagreement, together with a shrunk history that still disagrees.
// FAULTLINE_DIFFERENTIAL_SCALE=N runs N times as many cases; FAULTLINE_DIFFERENTIAL_MAX_OPS=M
// makes histories of up to M ops (default 9; the brute force copes with ~14);
// FAULTLINE_DIFFERENTIAL_CASE=K runs only case K of each family (with --gtest_filter, one).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "checkers/linearizability/checker.h"
#include "core/history_io.h"
#include "tests/checkers/linearizability/history_generator.h"
#include "tests/checkers/linearizability/reference_checker.h"

namespace faultline {
namespace {

using generator::Generator;
using generator::GenOptions;
using reference::ReferenceChecker;
using reference::RefOptions;

constexpr uint64_t kBaseSeed = 0x5eed'2024'0000ULL;
constexpr int kShownFailures = 3;

int EnvInt(const char* name, int fallback) {
  const char* s = std::getenv(name);
  return s && std::atoi(s) >= 0 ? std::atoi(s) : fallback;
}

struct Family {
  const char* name;
  std::string model;
  bool unique;
  bool keyed;  // 1 or 2 keys, checked with and without partitioning
  int cases;
  uint64_t salt;
};

void PrintTo(const Family& f, std::ostream* os) { *os << f.name; }

// One way of running the checker on a case.
struct Run {
  bool unique_values;
  bool partition_by_key;
};

struct Case {
  uint64_t seed = 0;
  GenOptions gen;
  RefOptions ref;
};

Case MakeCase(const Family& fam, int n) {
  Case c;
  c.seed = kBaseSeed + fam.salt + static_cast<uint64_t>(n);
  std::mt19937_64 rng(c.seed);
  c.gen.model = fam.model;
  c.gen.unique = fam.unique;
  c.gen.keys = fam.keyed && rng() % 2 ? 2 : 1;
  c.gen.max_ops = std::max(1, EnvInt("FAULTLINE_DIFFERENTIAL_MAX_OPS", 9));
  const bool reg = fam.model != "kv" && fam.model != "mutex";
  if (reg && rng() % 4 == 0) c.gen.initial = 0;  // unique values start at 1
  c.ref.model = fam.model;
  c.ref.initial = c.gen.initial;
  c.ref.nil_read_matches_any = reg && rng() % 10 == 0;
  return c;
}

std::vector<Op> Generate(const Case& c) {
  std::mt19937_64 rng(c.seed ^ 0x9e3779b97f4a7c15ULL);  // apart from MakeCase's draws
  return Generator(&rng, c.gen).Run();
}

LinearizabilityOptions CheckerOptions(const Case& c, const Run& run) {
  LinearizabilityOptions o;
  o.model = c.ref.model;
  if (c.ref.initial) o.model_options.initial = Value::Int(*c.ref.initial);
  o.model_options.nil_read_matches_any = c.ref.nil_read_matches_any;
  o.unique_values = run.unique_values;
  o.partition_by_key = run.partition_by_key;
  return o;
}

struct Outcome {
  Verdict reference = Verdict::kValid;
  LinearizabilityResult checker;
  bool Agree() const { return checker.verdict == reference; }
};

Outcome CheckBoth(const std::vector<Op>& ops, const Case& c, const Run& run) {
  Outcome out;
  Result<History> h = History::Make(ops, "generated");
  EXPECT_TRUE(h.ok()) << h.status().message();
  if (!h.ok()) return out;
  out.reference = ReferenceChecker(*h, c.ref).Linearizable() ? Verdict::kValid : Verdict::kInvalid;
  Result<LinearizabilityResult> r = CheckLinearizability(*h, "generated", CheckerOptions(c, run));
  EXPECT_TRUE(r.ok()) << r.status().message();
  if (r.ok()) out.checker = std::move(r).value();
  return out;
}

// What is wrong with the explanation of an invalid result ("" when nothing): every problem
// has a sentence and names ops that could not be placed, and its prefix is a legal sequence
// of real ops that respects real time.
std::string ExplanationFault(const std::vector<Op>& ops, const Case& c, const Outcome& o) {
  if (o.checker.verdict != Verdict::kInvalid) return "";
  if (o.checker.problems.empty()) return "no problems listed";
  const History h = std::move(History::Make(ops, "generated")).value();
  for (const KeyResult& k : o.checker.problems) {
    if (k.explanation.empty()) return "empty explanation";
    if (k.unplaced.empty()) return "no unplaced ops (" + k.method + ")";
    std::vector<int64_t> prefix;
    for (const ExplainedOp& e : k.prefix) prefix.push_back(e.op_index);
    for (const ExplainedOp& e : k.unplaced) prefix.push_back(e.op_index);
    for (int64_t i : prefix) {
      if (i < 0 || i >= static_cast<int64_t>(h.size()) || h[i].type != OpType::kInvoke) {
        return "op_index " + std::to_string(i) + " is no invoke";
      }
    }
    prefix.resize(k.prefix.size());
    if (k.prefix_length != prefix.size()) return "prefix_length differs from the prefix shown";
    const std::string fault = ReferenceChecker(h, c.ref).Replay(prefix);
    if (!fault.empty()) return "prefix (" + k.method + "): " + fault;
  }
  return "";
}

// Why the case fails ("" if it does not): the verdicts differ, or an invalid verdict is
// badly explained.
std::string Failure(const std::vector<Op>& ops, const Case& c, const Outcome& o) {
  if (!o.Agree()) return "checker and brute force disagree";
  const std::string fault = ExplanationFault(ops, c, o);
  return fault.empty() ? "" : "bad explanation: " + fault;
}

// Drops `op` and its completion; with `keep_invoke`, only the completion (it becomes pending).
std::vector<Op> Without(const std::vector<Op>& ops, size_t op, bool keep_invoke) {
  Result<History> h = History::Make(ops, "shrink");
  const int64_t partner = h.ok() && !ops[op].is_nemesis() ? h->partner(op) : -1;
  std::vector<Op> out;
  for (size_t i = 0; i < ops.size(); ++i) {
    if ((i == op && !keep_invoke) || static_cast<int64_t>(i) == partner) continue;
    out.push_back(ops[i]);
  }
  return out;
}

// Greedily removes ops (or just their completions) while the case still fails.
std::vector<Op> Shrink(std::vector<Op> ops, const Case& c, const Run& run) {
  for (bool progress = true; progress;) {
    progress = false;
    for (size_t i = ops.size(); i-- > 0 && !progress;) {
      if (ops[i].type != OpType::kInvoke && !ops[i].is_nemesis()) continue;
      for (bool keep_invoke : {false, true}) {
        std::vector<Op> smaller = Without(ops, i, keep_invoke);
        if (smaller.size() == ops.size() || !History::Make(smaller, "shrink").ok()) continue;
        if (!Failure(smaller, c, CheckBoth(smaller, c, run)).empty()) {
          ops = std::move(smaller);
          progress = true;
          break;
        }
      }
    }
  }
  return ops;
}

std::string Jsonl(const std::vector<Op>& ops) {
  Result<History> h = History::Make(ops, "print");
  return h.ok() ? HistoryToJsonl(*h) : "(unpairable history)\n";
}

std::string Describe(const Family& fam, int n, const Case& c, const Run& run,
                     const std::vector<Op>& ops) {
  const Outcome o = CheckBoth(ops, c, run);
  std::ostringstream out;
  out << fam.name << " case " << n << " seed " << c.seed << ": model " << c.ref.model
      << (c.ref.initial ? " initial 0" : "") << (c.ref.nil_read_matches_any ? " nil-any" : "")
      << " unique_values=" << run.unique_values << " partition_by_key=" << run.partition_by_key
      << "\n  reference: " << VerdictName(o.reference)
      << "  checker: " << VerdictName(o.checker.verdict);
  for (const KeyResult& k : o.checker.problems) {
    out << "\n  key " << k.key.value_or("-") << " (" << k.method << "): " << k.explanation;
  }
  out << "\nshrunk history:\n" << Jsonl(Shrink(ops, c, run)) << "original history:\n" << Jsonl(ops);
  return out.str();
}

struct Tally {
  int cases = 0, valid = 0, fast = 0, impossible = 0, failures = 0;
};

void RunCase(const Family& fam, int n, Tally* tally) {
  const Case c = MakeCase(fam, n);
  const std::vector<Op> ops = Generate(c);
  std::vector<Run> runs = {{true, true}, {false, true}};
  if (c.gen.keys > 1 || n % 4 == 0) {
    runs.push_back({true, false});
    runs.push_back({false, false});
  }
  ++tally->cases;
  for (const Run& run : runs) {
    const Outcome o = CheckBoth(ops, c, run);
    if (run.unique_values && run.partition_by_key) {
      tally->valid += o.reference == Verdict::kValid;
      tally->fast += o.checker.unique_value_keys > 0;
      tally->impossible += o.checker.impossible_op_keys > 0;
    }
    const std::string failure = Failure(ops, c, o);
    if (failure.empty()) continue;
    if (++tally->failures <= kShownFailures) {
      ADD_FAILURE() << failure << "\n" << Describe(fam, n, c, run, ops);
    }
    break;
  }
}

class DifferentialTest : public testing::TestWithParam<Family> {};

TEST_P(DifferentialTest, CheckerAgreesWithBruteForce) {
  const Family& fam = GetParam();
  Tally tally;
  if (const int only = EnvInt("FAULTLINE_DIFFERENTIAL_CASE", -1); only >= 0) {
    RunCase(fam, only, &tally);  // reproduce one case
    EXPECT_EQ(tally.failures, 0);
    return;
  }
  const int cases = fam.cases * EnvInt("FAULTLINE_DIFFERENTIAL_SCALE", 1);
  for (int n = 0; n < cases; ++n) RunCase(fam, n, &tally);
  std::printf("%s: %d cases, %d valid, %d settled by unique-values, %d with an impossible op\n",
              fam.name, tally.cases, tally.valid, tally.fast, tally.impossible);
  EXPECT_EQ(tally.failures, 0) << "of " << tally.cases << " cases";
  // The generator must produce both verdicts, and the unique families must reach the
  // polynomial path, or this test checks little.
  EXPECT_GT(tally.valid, tally.cases / 10) << "too few valid histories";
  EXPECT_LT(tally.valid, tally.cases * 9 / 10) << "too few invalid histories";
  if (fam.unique && fam.model != "etcd") {
    EXPECT_GT(tally.fast, tally.cases / 4) << "unique-values path rarely taken";
  }
  // The register families with repeated values must reach the impossible-op witness, so
  // its soundness is tested against the brute force.
  if (!fam.unique && fam.model != "kv" && fam.model != "mutex") {
    EXPECT_GT(tally.impossible, tally.cases / 20) << "impossible-op witness rarely taken";
  }
}

const Family kFamilies[] = {
    {"register", "register", false, true, 6000, 1'000'000},
    {"cas_register", "cas-register", false, true, 12000, 2'000'000},
    {"etcd", "etcd", false, true, 12000, 3'000'000},
    {"unique_register", "register", true, true, 6000, 4'000'000},
    {"unique_cas_register", "cas-register", true, true, 12000, 5'000'000},
    {"unique_etcd", "etcd", true, false, 4000, 6'000'000},
    {"kv", "kv", false, true, 9000, 7'000'000},
    {"unique_kv", "kv", true, true, 12000, 8'000'000},
    {"mutex", "mutex", false, true, 8000, 9'000'000},
};

INSTANTIATE_TEST_SUITE_P(Models, DifferentialTest, testing::ValuesIn(kFamilies),
                         [](const testing::TestParamInfo<Family>& info) {
                           return std::string(info.param.name);
                         });

}  // namespace
}  // namespace faultline
