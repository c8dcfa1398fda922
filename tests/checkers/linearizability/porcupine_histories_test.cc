// The linearizability checker on Porcupine's own test histories (shared/histories/porcupine):
// one test per row of expected.tsv, read at test time, with the verdict Porcupine asserts.
#include <gtest/gtest.h>

#include <cctype>
#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "checkers/linearizability/checker.h"
#include "core/history_io.h"

namespace faultline {
namespace {

const std::string kDir = std::string(FAULTLINE_SHARED_DIR) + "/histories/porcupine";

struct Fixture {
  std::string file;   // relative to kDir, e.g. "jepsen/etcd_000.log"
  std::string model;  // our model name: "etcd" or "kv"
  bool linearizable = false;
};

void PrintTo(const Fixture& f, std::ostream* os) { *os << f.file; }

// "jepsen/etcd_000.log" → "jepsen_etcd_000_log" (gtest names allow [A-Za-z0-9_] only).
std::string TestName(const std::string& file) {
  std::string out;
  for (char c : file) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> cols;
  std::stringstream in(line);
  for (std::string col; std::getline(in, col, '\t');) cols.push_back(col);
  return cols;
}

// The rows of expected.tsv; an unreadable file yields no rows (ExpectedTableTest then fails).
std::vector<Fixture> ReadExpected() {
  std::ifstream in(kDir + "/expected.tsv");
  std::vector<Fixture> rows;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> cols = SplitTabs(line);
    if (cols.size() < 3) continue;
    const std::string model = cols[1].starts_with("kv") ? "kv" : "etcd";
    rows.push_back({cols[0], model, cols[2] == "linearizable"});
  }
  return rows;
}

std::vector<Fixture> RowsWhere(bool (*keep)(const Fixture&)) {
  std::vector<Fixture> out;
  for (const Fixture& f : ReadExpected()) {
    if (keep(f)) out.push_back(f);
  }
  return out;
}

bool IsC50(const Fixture& f) { return f.file.find("c50") != std::string::npos; }
bool IsC50Bad(const Fixture& f) { return f.file == "kv/c50-bad.txt"; }

std::string PrintName(const testing::TestParamInfo<Fixture>& info) {
  return TestName(info.param.file);
}

LinearizabilityResult CheckFile(const Fixture& f, const LinearizabilityOptions& options) {
  Result<LoadedHistory> loaded = ReadHistoryFile(kDir + "/" + f.file, HistoryFormat::kAuto);
  EXPECT_TRUE(loaded.ok()) << loaded.status().message();
  if (!loaded.ok()) return {};
  Result<LinearizabilityResult> r = CheckLinearizability(loaded->history, f.file, options);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? std::move(r).value() : LinearizabilityResult{};
}

void ExpectVerdict(const Fixture& f, const LinearizabilityResult& r) {
  const Verdict want = f.linearizable ? Verdict::kValid : Verdict::kInvalid;
  EXPECT_EQ(VerdictName(r.verdict), std::string(VerdictName(want))) << f.file;
  if (r.verdict != Verdict::kInvalid) return;
  EXPECT_FALSE(r.problems.empty());
  for (const KeyResult& k : r.problems) {
    EXPECT_NE(k.verdict, Verdict::kValid) << f.file << " key " << k.key.value_or("-");
    EXPECT_FALSE(k.explanation.empty()) << f.file << " key " << k.key.value_or("-");
    if (k.method == "search") {
      EXPECT_FALSE(k.unplaced.empty()) << f.file;
    }
  }
}

TEST(ExpectedTableTest, ListsEveryFixture) {
  std::vector<Fixture> rows = ReadExpected();
  ASSERT_EQ(rows.size(), 109u) << "cannot read " << kDir << "/expected.tsv";
  int linearizable = 0;
  for (const Fixture& f : rows) linearizable += f.linearizable;
  EXPECT_EQ(linearizable, 23 + 1 + 3);  // etcd (+ the empty etcd_095) and the three kv -ok
}

class PorcupineHistoryTest : public testing::TestWithParam<Fixture> {};

TEST_P(PorcupineHistoryTest, VerdictMatchesPorcupine) {
  LinearizabilityOptions options;
  options.model = GetParam().model;
  if (IsC50Bad(GetParam())) {
    // Two of its keys (50 clients, repeated values, an anomaly) need tens of millions of
    // states; bounded, they end unknown and the file is invalid from its other keys.
    options.timeout_seconds = 3;
    options.memory_budget_bytes = int64_t{512} << 20;
  }
  ExpectVerdict(GetParam(), CheckFile(GetParam(), options));
}

INSTANTIATE_TEST_SUITE_P(Porcupine, PorcupineHistoryTest, testing::ValuesIn(ReadExpected()),
                         PrintName);

// The search alone, without the polynomial path, must reach the same verdict. Not run on
// c50-bad: none of its keys qualifies for the polynomial path (each has a repeated append
// value), so this would only repeat its slow default check.
class SearchOnlyTest : public testing::TestWithParam<Fixture> {};

TEST_P(SearchOnlyTest, VerdictMatchesPorcupine) {
  LinearizabilityOptions options;
  options.model = GetParam().model;
  options.unique_values = false;
  LinearizabilityResult r = CheckFile(GetParam(), options);
  ExpectVerdict(GetParam(), r);
  EXPECT_EQ(r.unique_value_keys, 0u);
}

INSTANTIATE_TEST_SUITE_P(
    Porcupine, SearchOnlyTest,
    testing::ValuesIn(RowsWhere([](const Fixture& f) { return !IsC50Bad(f); })), PrintName);

// kv without P-compositionality (Porcupine's kvNoPartitionModel); c50 is too slow this way.
class PorcupineUnpartitionedTest : public testing::TestWithParam<Fixture> {};

TEST_P(PorcupineUnpartitionedTest, VerdictMatchesPorcupine) {
  LinearizabilityOptions options;
  options.model = GetParam().model;
  options.partition_by_key = false;
  LinearizabilityResult r = CheckFile(GetParam(), options);
  ExpectVerdict(GetParam(), r);
  EXPECT_EQ(r.keys, 1u);
}

INSTANTIATE_TEST_SUITE_P(Porcupine, PorcupineUnpartitionedTest,
                         testing::ValuesIn(RowsWhere([](const Fixture& f) {
                           return f.model == "kv" && !IsC50(f);
                         })),
                         PrintName);

// Keys whose put/append values are all distinct qualify for the polynomial path (the other
// keys repeat a value: a client appended the same "x C S y" twice).
TEST(PorcupineUniqueValuesTest, SettlesEveryKeyWithoutRepeatedValues) {
  const std::pair<const char*, size_t> kFiles[] = {
      {"kv/c01-ok.txt", 10}, {"kv/c01-bad.txt", 8}, {"kv/c10-ok.txt", 4},
      {"kv/c10-bad.txt", 6}, {"kv/c50-ok.txt", 1},
  };
  for (const auto& [file, keys] : kFiles) {
    LinearizabilityOptions options;
    options.model = "kv";
    const LinearizabilityResult r = CheckFile({file, "kv", false}, options);
    EXPECT_GE(r.unique_value_keys, keys) << file;
  }
}

// Porcupine stops at the first illegal partition; so does --fail-fast, in well under a second
// on c50-bad (its default check searches every key to the end of the memory budget).
TEST(PorcupineFailFastTest, C50BadIsInvalidQuickly) {
  const Fixture f{"kv/c50-bad.txt", "kv", false};
  LinearizabilityOptions options;
  options.model = "kv";
  options.fail_fast = true;
  const auto start = std::chrono::steady_clock::now();
  const LinearizabilityResult r = CheckFile(f, options);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ExpectVerdict(f, r);
  EXPECT_EQ(r.unknown_keys, 0u);
  EXPECT_LT(seconds, 10.0);
}

}  // namespace
}  // namespace faultline
