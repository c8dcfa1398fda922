// Tests of parsing JSON Lines text in ranges on several threads: wherever the text is cut, the
// ops, their line numbers, the errors and the truncated-last-line warning must be exactly
// those of one serial pass.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <string>
#include <vector>

#include "core/jsonl_reader.h"

namespace faultline {
namespace {

// Lines of varying length with CRLF endings, blank lines and lines only simdjson reads.
std::string Mixed(int n) {
  std::string text;
  for (int i = 0; i < n; ++i) {
    const std::string p = std::to_string(i % 5);
    switch (i % 7) {
      case 0:
        text += "{\"process\":" + p + ",\"type\":\"invoke\",\"f\":\"read\"}\n";
        break;
      case 1:
        text += "{\"process\":" + p + ",\"type\":\"ok\",\"f\":\"read\",\"value\":1.5}\r\n";
        break;
      case 2:  // blank lines, then spaces after a flat op
        text += "\n  \r\n{\"process\":" + p + ",\"type\":\"ok\",\"f\":\"read\"}  \n";
        break;
      case 3:
        text += " {\"process\": " + p + ", \"type\":\"invoke\",\"f\":\"w\\u0072\"}\n";
        break;
      case 4:
        text += "{\"process\":" + p + ",\"type\":\"fail\",\"f\":\"wr\",\"key\":\"k" +
                std::string(size_t(i % 13), 'x') + "\"}\n";
        break;
      case 5:  // a stray CR before the CRLF
        text += "{\"process\":" + p + ",\"type\":\"invoke\",\"f\":\"r\"}\r\r\n";
        break;
      default:
        text += "{\"process\":\"nemesis\",\"type\":\"info\",\"f\":\"kill\"}\n";
    }
  }
  return text;
}

// What one parse gave, as text: each op with its line, then the warning or the error.
std::string Outcome(const std::string& text, unsigned ranges, size_t min_range_bytes,
                    bool fast_path = true) {
  JsonlParseOptions options;
  options.fast_path = fast_path;
  options.max_ranges = ranges;
  options.min_range_bytes = min_range_bytes;
  std::string warning;
  Result<std::vector<Op>> ops = ParseJsonlText(text, "r.jsonl", &warning, options);
  if (!ops.ok()) return "error: " + ops.status().message();
  std::string out;
  for (const Op& op : *ops) out += std::to_string(op.line) + " " + op.ToJson() + "\n";
  return out + "warning: " + warning;
}

// Every cut: with 2..24 ranges over a text of ~100 lines, the boundaries land on most lines,
// among them ones cut exactly at a newline and ones next to blank lines and CRLFs.
void ExpectSameAnywhereCut(const std::string& text) {
  const std::string serial = Outcome(text, 1, 1);
  ASSERT_EQ(Outcome(text, 1, 1, /*fast_path=*/false), serial);
  for (unsigned n = 2; n <= 24; ++n) {
    ASSERT_EQ(Outcome(text, n, 1), serial) << n << " ranges";
  }
}

TEST(JsonlRangesTest, EveryCutGivesTheSerialResult) {
  const std::string text = Mixed(100);
  ASSERT_EQ(Outcome(text, 1, 1).find("error"), std::string::npos) << Outcome(text, 1, 1);
  ExpectSameAnywhereCut(text);
}

TEST(JsonlRangesTest, ErrorsNameTheirLineWhereverTheCut) {
  const std::string base = Mixed(60);
  for (size_t at : {size_t{0}, base.size() / 3, base.size() / 2, base.size() - 1}) {
    const size_t nl = base.find('\n', at);
    std::string text = base.substr(0, nl + 1) + "{\"type\":\n" + base.substr(nl + 1);
    const std::string serial = Outcome(text, 1, 1);
    ASSERT_EQ(serial.rfind("error: r.jsonl:", 0), 0u) << serial;
    ExpectSameAnywhereCut(text);
    // Two bad lines: the first in the file is the one reported, even if a later range fails
    // first.
    text += "{\"type\":\n";
    EXPECT_EQ(Outcome(text, 1, 1), serial);
    ExpectSameAnywhereCut(text);
  }
}

TEST(JsonlRangesTest, TruncatedTailOverARangeBoundary) {
  for (const char* tail : {"{\"type\":\"ok\",\"f\":\"re", "{\"type\":\"ok\"", "{"}) {
    const std::string text = Mixed(40) + tail;
    const std::string serial = Outcome(text, 1, 1);
    const size_t line = size_t(std::count(text.begin(), text.end(), '\n')) + 1;
    ASSERT_NE(serial.find("warning: r.jsonl:" + std::to_string(line) +
                          ": ignored an unterminated last line"),
              std::string::npos)
        << serial;
    ExpectSameAnywhereCut(text);
    // A cut right before the tail: its range holds nothing else.
    EXPECT_EQ(Outcome(Mixed(1) + tail, 2, 1), Outcome(Mixed(1) + tail, 1, 1));
  }
  // An unterminated last line that parses is kept.
  ExpectSameAnywhereCut(Mixed(40) + "{\"process\":1,\"type\":\"invoke\",\"f\":\"x\"}");
}

TEST(JsonlRangesTest, SmallTextIsOneRange) {
  std::atomic<int> released{0};
  JsonlParseOptions options;
  options.max_ranges = 8;  // min_range_bytes (4 MB) keeps a small text whole
  options.release = [&](const char*, const char*) { ++released; };
  Result<std::vector<Op>> ops = ParseJsonlText(Mixed(30), "r.jsonl", nullptr, options);
  ASSERT_TRUE(ops.ok()) << ops.status().message();
  EXPECT_EQ(released.load(), 1);
}

// simdjson reads SIMDJSON_PADDING bytes past a line: with no readable bytes after the text,
// the last lines are copied before they are parsed (ASan in the fuzz build checks the reads).
TEST(JsonlRangesTest, LinesAtTheEndOfReadableMemoryAreCopied) {
  const std::string text =
      Mixed(12) + "{\"process\":0,\"type\":\"invoke\",\"f\":\"x\",\"value\":0.5}";
  std::vector<char> exact(text.begin(), text.end());  // nothing readable after it
  JsonlParseOptions options;
  options.readable = exact.size();
  options.fast_path = false;
  Result<std::vector<Op>> ops =
      ParseJsonlText(std::string_view(exact.data(), exact.size()), "r.jsonl", nullptr, options);
  ASSERT_TRUE(ops.ok()) << ops.status().message();
  EXPECT_EQ(ops->back().value, Value::Double(0.5));
}

}  // namespace
}  // namespace faultline
