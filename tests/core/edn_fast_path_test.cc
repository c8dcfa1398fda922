// Differential tests of ParseEdnOps's two paths (core/edn_reader.h): the fast path (op maps
// taken entry by entry by a visitor) must give exactly the ops the general path gives (every
// form read as a Value, then converted), or exactly the same error — on every fixture, on
// tricky hand-written input, on generated op maps and on fixtures with random bytes changed.
#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "core/edn_reader.h"
#include "core/random.h"
#include "tests/core/fixtures.h"

namespace faultline {
namespace {

std::string Describe(const Op& op) {
  return op.ToJson() + " line " + std::to_string(op.line) + " index " + std::to_string(op.index);
}

// Both paths on `text`: the same ops (every field, lines included) or the same message.
// Returns whether the fast path read the text (for tests that want some successes).
bool ExpectSamePaths(const std::string& text, const std::string& what) {
  Result<std::vector<Op>> fast = ParseEdnOpsVia(text, "t.edn", EdnOpPath::kFast);
  Result<std::vector<Op>> general = ParseEdnOpsVia(text, "t.edn", EdnOpPath::kGeneral);
  EXPECT_EQ(fast.ok(), general.ok()) << what << "\nfast: " << fast.status().message()
                                     << "\ngeneral: " << general.status().message();
  if (!fast.ok() || !general.ok()) {
    EXPECT_EQ(fast.status().message(), general.status().message()) << what;
    return false;
  }
  EXPECT_EQ(fast->size(), general->size()) << what;
  for (size_t i = 0; i < fast->size() && i < general->size(); ++i) {
    const Op &a = (*fast)[i], &b = (*general)[i];
    const bool same = a.index == b.index && a.time == b.time && a.process == b.process &&
                      a.type == b.type && a.final == b.final && a.f == b.f && a.key == b.key &&
                      a.value == b.value && a.node == b.node && a.error == b.error &&
                      a.line == b.line;
    EXPECT_TRUE(same) << what << "\nop " << i << "\nfast:    " << Describe(a)
                      << "\ngeneral: " << Describe(b);
    if (!same) return false;
  }
  return true;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Porcupine's kv files and the fuzzers' seed corpora for the EDN readers.
std::vector<std::string> FixturePaths() {
  std::vector<std::string> paths;
  for (const PorcupineFixture& f : PorcupineFixtures("kv/")) paths.push_back(f.path());
  for (const char* dir : {"/fuzz/corpus/edn", "/fuzz/corpus/porcupine_kv"}) {
    for (const auto& e :
         std::filesystem::directory_iterator(FAULTLINE_SOURCE_DIR + std::string(dir))) {
      paths.push_back(e.path().string());
    }
  }
  return paths;
}

TEST(EdnFastPathTest, FixturesReadTheSame) {
  const std::vector<std::string> paths = FixturePaths();
  ASSERT_GE(paths.size(), 11u);
  for (const std::string& path : paths) {
    const std::string text = ReadFile(path);
    ASSERT_FALSE(text.empty()) << path;
    EXPECT_TRUE(ExpectSamePaths(text, path)) << path;
  }
}

TEST(EdnFastPathTest, TrickyInputReadsTheSame) {
  const char* kCases[] = {
      // [k v] tuples, which the fast path splits while reading and puts back together when
      // the history is not independent after all (or the op is the nemesis's).
      "{:process 0 :type :invoke :f :read :value [:k nil]}\n"
      "{:process 0 :type :ok :f :read :value [\"k 2\" 3]}",
      "{:process 0 :type :invoke :f :cas :value [7 [1 2]]}\n"
      "{:process 1 :type :invoke :f :read :value nil}",
      "{:process 0 :type :invoke :f :cas :value [-7 [1 2]]}\n"
      "{:process :nemesis :type :info :f :start :value [1 2]}",
      "{:process :nemesis :type :info :f :start :value [1 2]}",
      "{:process 0 :type :invoke :f :cas :value [1 2] :key 5}\n"
      "{:process 1 :type :invoke :f :cas :key 5 :value [1 2]}",
      "{:process 0 :type :invoke :f :cas :value [1 2] :key nil}",
      "{:process 0 :type :invoke :f :cas :value [1 2 3]}",
      "{:process 0 :type :invoke :f :cas :value [1.5 2]}",
      "{:process 0 :type :invoke :f :cas :value [1 #_ 9 ; c\n 2]}",
      "{:process 0 :type :invoke :f :cas :value [1 2}",
      "{:process 0 :type :invoke :f :cas :value [1]}",
      "{:process 0 :type :invoke :f :cas :value [\"a\\nb\" 2]}",
      "{:process 0 :type :invoke :f :cas :value [007 \"x\"]}",
      "{:process 0, :type :invoke, :f :read, :value nil}",
      "[{:type :invoke, :f :cas, :value [1 [2 4]], :process 3, :time 12, :index 0}\n"
      " {:type :ok, :f :read, :value [2 nil], :process 4, :time 13, :index 1}]",
      "#jepsen.history.Op{:index 0, :time 5, :type :invoke, :process 0, :f :read, :value nil}",
      "#jepsen.history.Op {:process 0 :type :ok :f :read :value 3}",
      "#jepsen.history.Op ; c\n #_ x {:process 0 :type :ok :f :read :value 3}",
      "{:process :nemesis, :type :info, :f :start, :value \"cut\"}",
      "{:process nemesis, :type :info, :f :start, :value nil}",
      "{:process \"nemesis\", :type :info, :f :start}",
      "{:process 0 :type :invoke :f :write :value 42N}",
      "{:process +7 :type :invoke :f :write :value -0}",
      "{:process 0 :type :invoke :f :write :value 1.5}",
      "{:process 0 :type :invoke :f :write :value 99999999999999999999}",
      "{:process 0 :type :invoke :f :write :value 1/2}",
      "{:process 0 :type :invoke :f :write :value \"a\\nb\\u00e9\"}",
      "{:process 0 :type :invoke :f :write :value \"two\nlines\"}\n{:process 1 :type :ok :f :x}",
      "{:process 0 :type :invoke :f :write :value \\a}",
      "{:process 0 :type :invoke :f :write :value #{1 2}}",
      "{:process 0 :type :invoke :f :write :value ##Inf}",
      "{:process 0 :type :invoke :f :write :value #inst \"2020-01-01\"}",
      "{:process 0 :type :invoke :f :write :value {:a 1, :b [2]}}",
      "{:process 0 :type :invoke :f :txn :value [[:r 1 nil] [:w 2 3]]}",
      "{:process 0 :type :invoke :f :read :key \"k\" :node :n1 :error nil}",
      "{:process 0 :type :fail :f :read :key 7 :node 3 :error :timeout}",
      "{:process 0 :type :fail :f :read :error [:a \"b\"]}",
      "{:process 0 :type :fail :f :read :error true}",
      "{:process 0 :type :fail :f :read :key nil :node nil}",
      "{:process 0 :type :fail :f :read :key true}",
      "{:process 0 :type :fail :f :read :key [1]}",
      "{:process 0, :type :invoke, :f :read, :process 1}",
      "{:process 0, :type :invoke, :f :read, \"process\" 1}",
      "{:process 0, :type :invoke, :f :read, process 1}",
      "{:process 0, :type :invoke, :f :read, :ns/process 1}",
      "{:process 0, :type :invoke, :f :read, :index 3, :index 4}",
      "{:process 0, :type :invoke}",
      "{:type :invoke, :f :read}",
      "{:process -1, :type :invoke, :f :read}",
      "{:process 1.0, :type :invoke, :f :read}",
      "{:process 0, :type :begin, :f :read}",
      "{:process 0, :type \"ok\", :f :read}",
      "{:process 0, :type :ok, :f \"\"}",
      "{:process 0, :type :ok, :f 3}",
      "{:process 0, :type :ok, :f :read, :time 1.5}",
      "{:process 0, :type :ok, :f :read, :time nil}",
      "{:process 0, :type :ok, :f :read :value}",
      "{:process 0, :type :ok, :f :read, :value [1 2}",
      "{:process 0, :type :ok, :f :read, :value \"open",
      "{:process 0, :type :ok, :f :read, :value \"\\q\"}",
      "{:process 0, :type :ok, :f :read, :value ::auto}",
      "{:process 0, :type :ok, :f :read, :value :}",
      "{:process 0, :type :ok, :f :read, :value a@b}",
      "{:process 0, :type :ok, :f :read, :value #_}",
      "{:process 0, :type :ok, :f :read, ::x 1}",
      "{:process 0, :type :ok, :f :read, :a@b 1}",
      "{:process 0, :type :ok, :f :read, : 1}",
      "{:process 0 :type :ok :f :read}}",
      "{:process 0 :type :ok :f :read} extra",
      "[{:process 0 :type :ok :f :read}] {:process 1 :type :ok :f :read}",
      "[{:process 0 :type :ok :f :read}",
      "({:process 0 :type :ok :f :read}\n{:process 1 :type :ok :f :read})",
      "[1 2]",
      "#tag",
      "#tag }",
      "#{:process 0 :type :ok :f :read}",
      "{:process 0 :type :ok :f :read ; comment }\n}",
      "{:process 0 :type :ok :f :read #_ :value 3}",
      "{:process 0 :type :ok :f :read #_#_ :a :b :value 3}",
      "\n\n  {:process 0\n :type :ok\n :f :read\n :value\n [1\n 2]}\n{:process 1 :type :ok :f "
      ":read}",
      "{:process 0 :type :invoke :f :read :value [0 nil]}\n"
      "{:process 0 :type :ok :f :read :value [0 5]}\n"
      "{:process :nemesis :type :info :f :kill :value nil}",
      "{:process 0 :type :invoke :f :read :value [\"k\" nil]}\n"
      "{:process 0 :type :ok :f :read :key \"x\" :value [\"k\" 5]}",
  };
  for (const char* text : kCases) ExpectSamePaths(text, text);
}

// Pieces of op maps, usual and unusual, for GeneratedOpMapsReadTheSame.
const char* const kKeys[] = {":process", ":type",  ":f",    ":value", ":key",
                             ":time",    ":index", ":node", ":error", ":extra",
                             ":ns/f",    "\"f\"",  "f",     "3",      ":"};
const char* const kValues[] = {"0",
                               "3",
                               "-1",
                               "42N",
                               "+5",
                               "1.5",
                               "nil",
                               "true",
                               ":invoke",
                               ":ok",
                               ":info",
                               ":fail",
                               ":read",
                               ":nemesis",
                               "\"x\"",
                               "\"\"",
                               "\"a\\tb\"",
                               "\"l1\nl2\"",
                               "[1 2]",
                               "[0 [1 4]]",
                               "[:k nil]",
                               "{:a 1}",
                               "#{1}",
                               "\\a",
                               "#inst \"2020\"",
                               "##-Inf",
                               "1/2",
                               "::x",
                               "#_ 5 7",
                               "9223372036854775808",
                               "-9223372036854775808",
                               "123456789012345678",
                               "1234567890123456789",
                               "x@y",
                               "[",
                               "}"};
const char* const kBlanks[] = {" ", ", ", "\n", " ; note\n", ",\n  ", " #_ :skip "};

std::string Pick(Random& rng, const char* const* items, size_t n) { return items[rng.Uniform(n)]; }

// One op map: usually a well-formed one, sometimes with a field changed, dropped or added.
std::string GenerateOpMap(Random& rng) {
  const auto blank = [&] { return Pick(rng, kBlanks, std::size(kBlanks)); };
  const auto value = [&] { return Pick(rng, kValues, std::size(kValues)); };
  std::vector<std::pair<std::string, std::string>> entries = {
      {":process", rng.OneIn(0.1) ? ":nemesis" : std::to_string(rng.Uniform(5))},
      {":type", rng.OneIn(0.5) ? ":invoke" : ":ok"},
      {":f", rng.OneIn(0.5) ? ":read" : ":write"},
      {":value", rng.OneIn(0.5) ? "nil" : "[" + std::to_string(rng.Uniform(3)) + " 4]"}};
  if (rng.OneIn(0.3)) entries.push_back({":time", std::to_string(rng.Uniform(1000))});
  if (rng.OneIn(0.3)) entries.push_back({":key", "\"" + std::to_string(rng.Uniform(3)) + "\""});
  for (int i = 0; i < 2; ++i) {
    if (rng.OneIn(0.25)) entries[rng.Uniform(entries.size())].second = value();
    if (rng.OneIn(0.15))
      entries[rng.Uniform(entries.size())].first = Pick(rng, kKeys, std::size(kKeys));
    if (rng.OneIn(0.1))
      entries.erase(entries.begin() + static_cast<int64_t>(rng.Uniform(entries.size())));
    if (rng.OneIn(0.1)) entries.push_back({Pick(rng, kKeys, std::size(kKeys)), value()});
  }
  for (size_t i = entries.size(); i > 1; --i) std::swap(entries[i - 1], entries[rng.Uniform(i)]);
  std::string map = rng.OneIn(0.2) ? "#jepsen.history.Op" + blank() + "{" : "{";
  for (const auto& [k, v] : entries) map += k + blank() + v + blank();
  return map + "}";
}

TEST(EdnFastPathTest, GeneratedOpMapsReadTheSame) {
  Random rng(19);
  int read = 0;
  for (int h = 0; h < 3000; ++h) {
    const bool vector = rng.OneIn(0.5);
    std::string text = vector ? "[" : "";
    const int64_t n = 1 + static_cast<int64_t>(rng.Uniform(6));
    for (int64_t i = 0; i < n; ++i) text += GenerateOpMap(rng) + (rng.OneIn(0.8) ? "\n" : " ");
    if (vector) text += "]";
    if (ExpectSamePaths(text, text)) ++read;
    if (::testing::Test::HasFailure()) return;  // one mismatch tells it all
  }
  EXPECT_GT(read, 300);  // enough successes, not only errors
}

TEST(EdnFastPathTest, MutatedFixturesReadTheSame) {
  Random rng(7);
  const std::string base = ReadFile(PorcupineFixtureDir() + "/kv/c01-ok.txt").substr(0, 2000);
  ASSERT_FALSE(base.empty());
  const std::string kBytes = " ,\n{}[]()#_:;\"\\0123456789-+.Na/@x";
  for (int m = 0; m < 2000; ++m) {
    std::string text = base;
    for (uint64_t e = 0, edits = 1 + rng.Uniform(3); e < edits; ++e) {
      const size_t at = rng.Uniform(text.size());
      const char c = kBytes[rng.Uniform(kBytes.size())];
      switch (rng.Uniform(3)) {
        case 0:
          text.erase(at, 1);
          break;
        case 1:
          text.insert(text.begin() + static_cast<int64_t>(at), c);
          break;
        default:
          text[at] = c;
      }
    }
    ExpectSamePaths(text, "mutation " + std::to_string(m));
    if (::testing::Test::HasFailure()) return;
  }
}

}  // namespace
}  // namespace faultline
