// FindInvalidUtf8 against the well-formed byte sequences of Unicode's table 3-7, and the
// round trip that fuzzing found broken: a history read from EDN or a Porcupine log, written as
// JSON Lines, must read back (fuzz/history_fuzzer.h checks the same on random input).
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "core/history_io.h"
#include "core/utf8.h"

namespace faultline {
namespace {

constexpr size_t kValid = std::string_view::npos;

TEST(Utf8Test, AcceptsEveryWellFormedRange) {
  for (std::string_view s : {"", "plain ascii\n\t", "\xC2\x80", "\xDF\xBF", "\xE0\xA0\x80",
                             "\xED\x9F\xBF", "\xEE\x80\x80", "\xEF\xBF\xBF", "\xF0\x90\x80\x80",
                             "\xF4\x8F\xBF\xBF", "caf\xC3\xA9 \xF0\x9F\x98\x80"}) {
    EXPECT_EQ(FindInvalidUtf8(s), kValid) << s;
  }
}

TEST(Utf8Test, FindsTheFirstIllFormedByte) {
  EXPECT_EQ(FindInvalidUtf8("ab\x80"), 2u);               // a lone continuation byte
  EXPECT_EQ(FindInvalidUtf8("\xC1\xBF"), 0u);             // overlong 2-byte form
  EXPECT_EQ(FindInvalidUtf8("x\xE0\x9F\xBF"), 1u);        // overlong 3-byte form
  EXPECT_EQ(FindInvalidUtf8("\xED\xA0\x80"), 0u);         // a surrogate, U+D800
  EXPECT_EQ(FindInvalidUtf8("\xF0\x8F\xBF\xBF"), 0u);     // overlong 4-byte form
  EXPECT_EQ(FindInvalidUtf8("\xF4\x90\x80\x80"), 0u);     // above U+10FFFF
  EXPECT_EQ(FindInvalidUtf8("\xF5\x80\x80\x80"), 0u);     // no such lead byte
  EXPECT_EQ(FindInvalidUtf8("ok\xE2\x82"), 2u);           // cut short by the end
  EXPECT_EQ(FindInvalidUtf8("\xC3\xA9\xE2\x28\xA1"), 2u); // bad continuation after a good char
}

TEST(Utf8Test, CheckNamesLineAndColumn) {
  Status s = CheckUtf8("first\nsecond \xFF\n", "h.edn");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), Status::Code::kInvalidInput);
  EXPECT_TRUE(s.message().starts_with("h.edn:2: byte 0xFF at column 8 is not valid UTF-8"))
      << s.message();
  EXPECT_TRUE(CheckUtf8("caf\xC3\xA9\n", "h.edn").ok());
}

// Non-ASCII text, escaped and raw, survives EDN → JSON Lines → the JSON Lines reader.
TEST(Utf8Test, EdnTextRoundTripsThroughJsonl) {
  const std::string edn =
      "{:process 0 :type :invoke :f :write :key \"caf\xC3\xA9\" :value \"\\uD83D\\uDE00 \\u00e9\"}\n"
      "{:process 0 :type :ok :f :write :key \"caf\xC3\xA9\" :value \"\\uD83D\\uDE00 \\u00e9\"}\n";
  Result<LoadedHistory> h = ParseHistory(edn, "h.edn", HistoryFormat::kEdn);
  ASSERT_TRUE(h.ok()) << h.status().message();
  const std::string jsonl = HistoryToJsonl(h->history);
  Result<LoadedHistory> back = ParseHistory(jsonl, "h.jsonl", HistoryFormat::kJsonl);
  ASSERT_TRUE(back.ok()) << back.status().message() << "\n" << jsonl;
  ASSERT_EQ(back->history.size(), 2u);
  EXPECT_EQ(*back->history[1].key, "caf\xC3\xA9");
  EXPECT_EQ(back->history[1].value.as_string(), "\xF0\x9F\x98\x80 \xC3\xA9");
}

// Regression: a node that answered with bytes that are not UTF-8 ("unparseable reply: …" in
// the op's error) made the recorder write a history line that faultline's own JSON Lines
// reader refused, so `faultline check` and `analyze` could not read the stored run. Now each
// such byte is written as U+FFFD and the line reads back.
TEST(Utf8Test, OpsWithBytesThatAreNotUtf8AreWrittenAsReadableJson) {
  Op invoke;
  invoke.process = 0;
  invoke.type = OpType::kInvoke;
  invoke.f = "read";
  invoke.key = std::string("k\xFF");
  invoke.value = Value::String("\xC3\xA9\xC3 \xED\xA0\x80!");  // é, a cut sequence, a surrogate
  Op fail = invoke;
  fail.type = OpType::kFail;
  fail.error = std::string("unparseable reply: \xFE\xFF{\"ok\"\x80");
  const std::string jsonl = invoke.ToJson() + "\n" + fail.ToJson() + "\n";
  EXPECT_EQ(FindInvalidUtf8(jsonl), std::string_view::npos) << jsonl;
  Result<LoadedHistory> back = ParseHistory(jsonl, "h.jsonl", HistoryFormat::kJsonl);
  ASSERT_TRUE(back.ok()) << back.status().message() << "\n" << jsonl;
  ASSERT_EQ(back->history.size(), 2u);
  const std::string r = "\xEF\xBF\xBD";  // U+FFFD
  EXPECT_EQ(*back->history[0].key, "k" + r);
  EXPECT_EQ(back->history[0].value.as_string(), "\xC3\xA9" + r + " " + r + r + r + "!");
  EXPECT_EQ(*back->history[1].error, "unparseable reply: " + r + r + "{\"ok\"" + r);
}

}  // namespace
}  // namespace faultline
