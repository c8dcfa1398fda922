// Tests of reading history files: regular files are mapped and JSON Lines in them parsed in
// ranges on several threads, pipes are read a chunk at a time; either way the ops, the line
// numbers in messages and the truncated-last-line warning must be exactly as when the whole
// text is parsed at once.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

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

// The same history through every way of reading it: ops and lines as from the text.
void ExpectSameAsText(const Result<LoadedHistory>& read, const std::string& text) {
  auto whole = ParseHistory(text, "x", HistoryFormat::kJsonl);
  ASSERT_TRUE(whole.ok()) << whole.status().message();
  ASSERT_TRUE(read.ok()) << read.status().message();
  ASSERT_EQ(read->history.size(), whole->history.size());
  for (size_t i = 0; i < read->history.size(); ++i) {
    ASSERT_EQ(read->history[i].ToJson(), whole->history[i].ToJson()) << "op " << i;
    ASSERT_EQ(read->history[i].line, whole->history[i].line) << "op " << i;
  }
}

// A mapping that ends exactly at a page end has nothing readable after it: a last line only
// simdjson reads must be copied to padded memory first (else it reads past the mapping).
TEST(JsonlFileTest, MappedFileEndingAtAPageBoundary) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  std::string text;
  while (text.size() < 8192 - 200) {
    text += "{\"process\":0,\"type\":\"invoke\",\"f\":\"read\"}\r\n";
    text += "{\"process\":0,\"type\":\"ok\",\"f\":\"read\",\"value\":1}\n\n";
  }
  std::string last = "{\"process\":1,\"type\":\"invoke\",\"f\":\"read\",\"value\":0.5 ";
  last += std::string(8192 - text.size() - last.size() - 1, ' ') + "}";
  text += last;
  ASSERT_EQ(text.size(), 8192u);
  const std::string file = dir.Write("page.jsonl", text);
  ExpectSameAsText(ReadHistoryFile(file, HistoryFormat::kAuto), text);
  // The same cut short: the unterminated tail is dropped with a warning.
  text.back() = ' ';
  auto cut = ReadHistoryFile(dir.Write("page.jsonl", text), HistoryFormat::kJsonl);
  ASSERT_TRUE(cut.ok()) << cut.status().message();
  EXPECT_NE(cut->warning.find("ignored an unterminated last line"), std::string::npos);
}

// The other readers get the mapping too, with nothing readable after its last byte.
TEST(JsonlFileTest, EdnAndEtcdLogsMappedToAPageBoundary) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  for (const char* op : {"{:process 0 :type :invoke :f :read :value nil}\n"
                         "{:process 0 :type :ok :f :read :value 1}\n",
                         "INFO  jepsen.util - 0\t:invoke\t:read\tnil\n"
                         "INFO  jepsen.util - 0\t:ok\t:read\t1\n"}) {
    std::string text;
    while (text.size() + 2 * std::strlen(op) < 8192) text += op;
    text += std::string(op).substr(0, std::string(op).find('\n'));  // an invoke, no newline
    text += std::string(8192 - text.size(), ' ');
    ASSERT_EQ(text.size(), 8192u);
    auto mapped = ReadHistoryFile(dir.Write("page.log", text), HistoryFormat::kAuto);
    auto whole = ParseHistory(text, "x", HistoryFormat::kAuto);
    ASSERT_TRUE(mapped.ok()) << mapped.status().message();
    ASSERT_TRUE(whole.ok()) << whole.status().message();
    EXPECT_EQ(mapped->format, whole->format);
    EXPECT_EQ(HistoryToJsonl(mapped->history), HistoryToJsonl(whole->history));
  }
}

TEST(JsonlFileTest, PipesAreReadAChunkAtATime) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  std::string text = BigHistory().substr(0, size_t{3} << 20);
  text.resize(text.rfind('\n') + 1);
  text += "{\"type\":\"ok\",\"f\":\"re";  // a truncated tail
  const std::string fifo = dir.Write("f", "") + ".fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  for (HistoryFormat f : {HistoryFormat::kJsonl, HistoryFormat::kAuto}) {
    std::thread writer([&] { std::ofstream(fifo, std::ios::binary) << text; });
    auto read = ReadHistoryFile(fifo, f);
    writer.join();
    ExpectSameAsText(read, text);
    EXPECT_NE(read->warning.find(":" + std::to_string(read->history.size() + 1) +
                                 ": ignored an unterminated last line"),
              std::string::npos)
        << read->warning;
  }
}

TEST(JsonlFileTest, ADirectoryIsRefused) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string path = dir.Write("x", "");
  auto r = ReadHistoryFile(path.substr(0, path.rfind('/')), HistoryFormat::kAuto);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("is a directory"), std::string::npos) << r.status().message();
}

TEST(JsonlFileTest, EmptyFileInEveryFormat) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string file = dir.Write("empty", "");
  for (HistoryFormat f : {HistoryFormat::kAuto, HistoryFormat::kJsonl}) {
    auto r = ReadHistoryFile(file, f);
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->history.size(), 0u);
  }
}

}  // namespace
}  // namespace faultline
