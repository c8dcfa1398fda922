// Tests of reading JSON Lines histories from files, which is done a chunk (8 MB) at a time:
// lines cut by a chunk boundary, line numbers in messages and the truncated-last-line warning
// must be exactly as when the whole text is parsed at once.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "core/history_io.h"

namespace faultline {
namespace {

// A temporary directory, removed with everything in it when the test ends, pass or fail.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "faultline-jsonl-XXXXXX").string();
    if (mkdtemp(tmpl.data()) != nullptr) path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  std::string Write(const std::string& name, const std::string& text) const {
    const std::string file = path_ + "/" + name;
    std::ofstream(file, std::ios::binary) << text;
    return file;
  }
  bool ok() const { return !path_.empty(); }

 private:
  std::string path_;
};

// ~20 MB of invoke/ok pairs with lines of varying length, so lines straddle chunk boundaries.
std::string BigHistory() {
  std::string text;
  for (int i = 0; text.size() < (size_t{20} << 20); ++i) {
    const std::string p = std::to_string(i % 7);
    std::string pad(size_t(i % 53), 'x');
    text += "{\"time\":" + std::to_string(i) + ",\"process\":" + p +
            ",\"type\":\"invoke\",\"f\":\"transfer\",\"value\":{\"from\":1,\"to\":2,\"note\":\"" +
            pad + "\"}}\n";
    text += "{\"time\":" + std::to_string(i + 1) + ",\"process\":" + p +
            ",\"type\":\"ok\",\"f\":\"transfer\",\"value\":[1,2,\"" + pad + "\"]}\n";
  }
  return text;
}

TEST(JsonlFileTest, ChunkedReadEqualsParsingTheWholeText) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string text = BigHistory();
  const std::string file = dir.Write("big.jsonl", text);
  auto whole = ParseHistory(text, file, HistoryFormat::kJsonl);
  ASSERT_TRUE(whole.ok()) << whole.status().message();
  for (HistoryFormat f : {HistoryFormat::kJsonl, HistoryFormat::kAuto}) {
    auto read = ReadHistoryFile(file, f);
    ASSERT_TRUE(read.ok()) << read.status().message();
    EXPECT_EQ(read->format, HistoryFormat::kJsonl);
    ASSERT_EQ(read->history.size(), whole->history.size());
    for (size_t i = 0; i < read->history.size(); ++i) {
      const Op& a = read->history[i];
      const Op& b = whole->history[i];
      ASSERT_EQ(a.ToJson(), b.ToJson()) << "op " << i;
      ASSERT_EQ(a.line, b.line) << "op " << i;
    }
  }
}

TEST(JsonlFileTest, ErrorsAfterTheFirstChunkNameTheRightLine) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  std::string text = BigHistory();
  const size_t lines = size_t(std::count(text.begin(), text.end(), '\n'));
  text += "{\"type\":\n";  // line lines + 1
  auto r = ReadHistoryFile(dir.Write("bad.jsonl", text), HistoryFormat::kAuto);
  ASSERT_FALSE(r.ok());
  const std::string want = ":" + std::to_string(lines + 1) + ": malformed JSON";
  EXPECT_NE(r.status().message().find(want), std::string::npos) << r.status().message();
}

TEST(JsonlFileTest, UnterminatedLastLineAfterManyChunksIsAWarning) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  std::string text = BigHistory();
  const size_t lines = size_t(std::count(text.begin(), text.end(), '\n'));
  text += "{\"type\":\"ok\",\"f\":\"re";
  auto r = ReadHistoryFile(dir.Write("cut.jsonl", text), HistoryFormat::kJsonl);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->history.size(), lines);
  EXPECT_NE(r->warning.find(":" + std::to_string(lines + 1) + ": ignored an unterminated"),
            std::string::npos)
      << r->warning;
}

TEST(JsonlFileTest, OtherFormatsAndSmallFilesAreStillDetected) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  auto edn = ReadHistoryFile(dir.Write("h.edn", "{:process 0 :type :invoke :f :read :value nil}\n"),
                             HistoryFormat::kAuto);
  ASSERT_TRUE(edn.ok()) << edn.status().message();
  EXPECT_EQ(edn->format, HistoryFormat::kEdn);
  auto empty = ReadHistoryFile(dir.Write("empty.jsonl", ""), HistoryFormat::kAuto);
  ASSERT_TRUE(empty.ok()) << empty.status().message();
  EXPECT_EQ(empty->history.size(), 0u);
  auto missing = ReadHistoryFile(dir.Write("x", "") + ".missing", HistoryFormat::kAuto);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("cannot open"), std::string::npos)
      << missing.status().message();
}

}  // namespace
}  // namespace faultline
