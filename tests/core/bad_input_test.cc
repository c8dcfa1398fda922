// Bad input for every history reader and for pairing: each must fail with
// "SOURCE:LINE: what; expected …" naming the right line, and never crash.
#include <gtest/gtest.h>

#include <string>

#include "core/history_io.h"

namespace faultline {
namespace {

enum class Reader { kJsonl, kEdn, kEtcd };

struct BadCase {
  const char* name;
  Reader reader;
  bool pair;  // false: the reader alone; true: ParseHistory (reader + History::Make)
  std::string text;
  int64_t line;          // the line the message must name
  const char* fragment;  // a part of the message that says what is wrong
};

const char* SourceOf(Reader r) {
  switch (r) {
    case Reader::kJsonl:
      return "bad.jsonl";
    case Reader::kEdn:
      return "bad.edn";
    case Reader::kEtcd:
      return "bad.log";
  }
  return "?";
}

HistoryFormat FormatOf(Reader r) {
  switch (r) {
    case Reader::kJsonl:
      return HistoryFormat::kJsonl;
    case Reader::kEdn:
      return HistoryFormat::kEdn;
    case Reader::kEtcd:
      return HistoryFormat::kPorcupineEtcd;
  }
  return HistoryFormat::kAuto;
}

Status ParseBad(const BadCase& c) {
  const std::string source = SourceOf(c.reader);
  if (c.pair) return ParseHistory(c.text, source, FormatOf(c.reader)).status();
  switch (c.reader) {
    case Reader::kJsonl:
      return ParseJsonlOps(c.text, source).status();
    case Reader::kEdn:
      return ParseEdnOps(c.text, source).status();
    case Reader::kEtcd:
      return ParsePorcupineEtcdOps(c.text, source).status();
  }
  return Status::Internal("unknown reader");
}

// Names the case in GoogleTest's messages instead of dumping its bytes.
void PrintTo(const BadCase& c, std::ostream* os) { *os << c.name; }

class BadInputTest : public ::testing::TestWithParam<BadCase> {};

TEST_P(BadInputTest, FailsNamingFileAndLine) {
  const BadCase& c = GetParam();
  Status s = ParseBad(c);
  ASSERT_FALSE(s.ok()) << c.text;
  EXPECT_EQ(s.code(), Status::Code::kInvalidInput);
  const std::string prefix = std::string(SourceOf(c.reader)) + ":" + std::to_string(c.line) + ":";
  EXPECT_TRUE(s.message().starts_with(prefix))
      << "want prefix " << prefix << "\ngot " << s.message();
  EXPECT_NE(s.message().find(c.fragment), std::string::npos)
      << "want \"" << c.fragment << "\"\ngot " << s.message();
}

std::string CaseName(const ::testing::TestParamInfo<BadCase>& info) { return info.param.name; }

// Ops for building inputs.
const std::string kJsonInvoke = R"({"process":0,"type":"invoke","f":"read","value":null})";
const std::string kEdnInvoke = "{:process 0 :type :invoke :f :read :value nil}";
const std::string kEtcdInvoke = "INFO  jepsen.util - 0\t:invoke\t:read\tnil";

INSTANTIATE_TEST_SUITE_P(
    Jsonl, BadInputTest,
    ::testing::Values(
        BadCase{"Malformed", Reader::kJsonl, false,
                kJsonInvoke + "\n" + R"({"process":0,"type":"ok","f":"read","value":[1,})", 2,
                "malformed JSON"},
        BadCase{"Truncated", Reader::kJsonl, false, "{\"process\":0,", 1, "malformed JSON"},
        BadCase{"TrailingContent", Reader::kJsonl, false, kJsonInvoke + " {}", 1, "malformed JSON"},
        BadCase{"NotAnObject", Reader::kJsonl, false, "\n\n[1,2]", 3,
                "expected one JSON object per line"},
        BadCase{"UnknownType", Reader::kJsonl, false, R"({"process":0,"type":"done","f":"read"})",
                1, "unknown type \"done\""},
        BadCase{"FinalNotABool", Reader::kJsonl, false,
                R"({"process":0,"type":"invoke","f":"read","final":1})", 1,
                "\"final\" must be true or false"},
        BadCase{"MissingType", Reader::kJsonl, false, R"({"process":0,"f":"read"})", 1,
                "missing \"type\""},
        BadCase{"MissingF", Reader::kJsonl, false, R"({"process":0,"type":"ok"})", 1,
                "missing \"f\""},
        BadCase{"MissingProcess", Reader::kJsonl, false,
                kJsonInvoke + "\n" + R"({"type":"ok","f":"read"})", 2, "missing \"process\""},
        BadCase{"ProcessName", Reader::kJsonl, false, R"({"process":"p1","type":"ok","f":"read"})",
                1, "expected a non-negative integer or \"nemesis\""},
        BadCase{"NegativeProcess", Reader::kJsonl, false,
                R"({"process":-2,"type":"ok","f":"read"})", 1,
                "process -2; expected a non-negative integer"},
        BadCase{"TimeNotInteger", Reader::kJsonl, false,
                R"({"process":0,"type":"ok","f":"read","time":"soon"})", 1, "\"time\""},
        BadCase{"IntegerTooLarge", Reader::kJsonl, false,
                R"({"process":0,"type":"ok","f":"read","value":18446744073709551615})", 1,
                "integer out of range"},
        BadCase{"TooDeep", Reader::kJsonl, false,
                R"({"process":0,"type":"ok","f":"read","value":)" + std::string(70, '[') +
                    std::string(70, ']') + "}",
                1, "deeper than 64"}),
    CaseName);

INSTANTIATE_TEST_SUITE_P(
    Edn, BadInputTest,
    ::testing::Values(
        BadCase{"UnterminatedString", Reader::kEdn, false,
                kEdnInvoke + "\n{:process 1 :type :invoke :f :write :value \"abc}\n\n", 2,
                "unterminated string"},
        BadCase{"UnclosedMap", Reader::kEdn, false, kEdnInvoke + "\n{:process 0 :type :ok\n:f", 2,
                "'{' is never closed; expected '}'"},
        BadCase{"UnclosedVector", Reader::kEdn, false, "[" + kEdnInvoke + "\n" + kEdnInvoke, 1,
                "'[' is never closed; expected ']'"},
        BadCase{"MismatchedCloser", Reader::kEdn, false,
                "\n{:process 0 :type :invoke :f :read :value [1 2}}", 2,
                "unexpected '}'; expected ']' to close the '[' at line 2"},
        BadCase{"StrayCloser", Reader::kEdn, false, kEdnInvoke + "\n]", 2, "unexpected ']'"},
        BadCase{"UnknownType", Reader::kEdn, false,
                "\n\n{:process 0 :type :foo :f :read :value nil}", 3, "unknown type :foo"},
        BadCase{"MissingType", Reader::kEdn, false, "{:process 0 :f :read}", 1, "missing :type"},
        BadCase{"MissingF", Reader::kEdn, false, "{:process 0 :type :ok}", 1, "missing :f"},
        BadCase{"MissingProcess", Reader::kEdn, false, kEdnInvoke + "\n{:type :ok :f :read}", 2,
                "missing :process"},
        BadCase{"ProcessKeyword", Reader::kEdn, false, "{:process :client :type :ok :f :read}", 1,
                "process \"client\" is not valid"},
        BadCase{"TopLevelNotAMap", Reader::kEdn, false, kEdnInvoke + "\n:foo", 2,
                "top-level form \"foo\" is not a map"},
        BadCase{"VectorOfNonMaps", Reader::kEdn, false, "[\n1 2]", 2,
                "top-level form 1 is not a map"},
        BadCase{"ContentAfterVector", Reader::kEdn, false, "[" + kEdnInvoke + "]\n" + kEdnInvoke, 2,
                "content after the top-level vector"},
        BadCase{"Ratio", Reader::kEdn, false, "{:process 0 :type :ok :f :r :value 1/2}", 1,
                "ratio 1/2 is not supported"},
        BadCase{"BigInt", Reader::kEdn, false,
                "{:process 0 :type :ok :f :r :value 99999999999999999999N}", 1,
                "does not fit in 64 bits"},
        BadCase{"MalformedNumber", Reader::kEdn, false, "{:process 0 :value 1.2.3}", 1,
                "malformed number 1.2.3"},
        BadCase{"TooDeep", Reader::kEdn, false, "{:value " + std::string(70, '['), 1,
                "nested deeper than 64 levels"},
        BadCase{"OddMap", Reader::kEdn, false, "{:process 0 :type}", 1, "key with no value"},
        BadCase{"DuplicateKey", Reader::kEdn, false, "{:f :a :f :b}", 1, "key \"f\" twice"},
        BadCase{"BadEscape", Reader::kEdn, false, "{:value \"a\\qb\"}", 1, "unknown escape \\q"},
        BadCase{"BadDispatch", Reader::kEdn, false, "#?(:clj 1)", 1, "unsupported dispatch '#?'"},
        BadCase{"TagWithoutForm", Reader::kEdn, false, kEdnInvoke + "\n#inst", 2,
                "tag #inst has nothing after it"},
        BadCase{"UnexpectedChar", Reader::kEdn, false, "{:value ^foo}", 1,
                "unexpected character '^'"},
        BadCase{"TimeNotInteger", Reader::kEdn, false, "{:process 0 :type :ok :f :read :time 1.5}",
                1, ":time 1.5 is not valid"}),
    CaseName);

INSTANTIATE_TEST_SUITE_P(
    PorcupineEtcd, BadInputTest,
    ::testing::Values(
        BadCase{"NoPrefix", Reader::kEtcd, false, kEtcdInvoke + "\nWARN jepsen.core - boom", 2,
                "does not start with \"INFO  jepsen.util - \""},
        BadCase{"TooFewFields", Reader::kEtcd, false, "INFO  jepsen.util - 0\t:invoke\t:read", 1,
                "fewer than 4 fields"},
        BadCase{"ProcessNotInteger", Reader::kEtcd, false,
                "\nINFO  jepsen.util - x\t:invoke\t:read\tnil", 2, "process \"x\" is not valid"},
        BadCase{"NegativeProcess", Reader::kEtcd, false,
                "INFO  jepsen.util - -1\t:invoke\t:read\tnil", 1, "process \"-1\" is not valid"},
        BadCase{"UnknownType", Reader::kEtcd, false, "INFO  jepsen.util - 0\t:done\t:read\tnil", 1,
                "unknown type \":done\""},
        BadCase{"TypeWithoutColon", Reader::kEtcd, false,
                "INFO  jepsen.util - 0\tinvoke\t:read\tnil", 1, "unknown type \"invoke\""},
        BadCase{"UnknownF", Reader::kEtcd, false, "INFO  jepsen.util - 0\t:invoke\t:delete\t1", 1,
                "unknown f \":delete\""},
        BadCase{"BadValue", Reader::kEtcd, false, "INFO  jepsen.util - 0\t:ok\t:read\tabc", 1,
                "value \"abc\" is not valid"},
        BadCase{"UnterminatedVector", Reader::kEtcd, false,
                "INFO  jepsen.util - 0\t:invoke\t:cas\t[1 2", 1, "value \"[1 2\" is not valid"},
        BadCase{"WriteNil", Reader::kEtcd, false, "INFO  jepsen.util - 0\t:invoke\t:write\tnil", 1,
                "expected an integer for a write"},
        BadCase{"CasOneValue", Reader::kEtcd, false, "INFO  jepsen.util - 0\t:invoke\t:cas\t[1]", 1,
                "[<from> <to>]"},
        BadCase{"ReadInvokeWithValue", Reader::kEtcd, false,
                "INFO  jepsen.util - 0\t:invoke\t:read\t3", 1, "nil on a read invoke"},
        BadCase{"KeywordOnInvoke", Reader::kEtcd, false,
                "INFO  jepsen.util - 0\t:invoke\t:write\t:timed-out", 1,
                "only expected on a completion"}),
    CaseName);

INSTANTIATE_TEST_SUITE_P(
    Pairing, BadInputTest,
    ::testing::Values(
        BadCase{"JsonlCompletionWithoutInvoke", Reader::kJsonl, true,
                kJsonInvoke + "\n" + R"({"process":1,"type":"ok","f":"read","value":1})", 2,
                "completion for process 1 with no open invoke"},
        BadCase{"JsonlTwoOpenOps", Reader::kJsonl, true, kJsonInvoke + "\n\n" + kJsonInvoke, 3,
                "process 0 invokes again while its op at line 1 is still open"},
        BadCase{"JsonlFMismatch", Reader::kJsonl, true,
                kJsonInvoke + "\n" + R"({"process":0,"type":"ok","f":"write","value":1})", 2,
                "completion has f \"write\" but its invoke has f \"read\""},
        BadCase{"EdnCompletionWithoutInvoke", Reader::kEdn, true,
                "{:process 4 :type :info :f :read}", 1,
                "info completion for process 4 with no open invoke"},
        BadCase{"EdnTwoOpenOps", Reader::kEdn, true,
                "[" + kEdnInvoke + "\n;comment\n" + kEdnInvoke + "]", 3,
                "invokes again while its op at line 1 is still open"},
        BadCase{"EdnFMismatch", Reader::kEdn, true,
                kEdnInvoke + "\n{:process 0 :type :ok :f :write :value 1}", 2,
                "completion has f \"write\""},
        BadCase{"EdnKeyMismatch", Reader::kEdn, true,
                "{:process 0 :type :invoke :f :get :key \"1\"}\n"
                "{:process 0 :type :ok :f :get :key \"2\"}",
                2, "completion has key \"2\" but its invoke has key \"1\""},
        BadCase{"EdnIndependentKeyMismatch", Reader::kEdn, true,
                "{:process 0 :type :invoke :f :read :value [1 nil]}\n"
                "{:process 0 :type :ok :f :read :value [2 5]}",
                2, "completion has key \"2\""},
        BadCase{"EtcdCompletionWithoutInvoke", Reader::kEtcd, true,
                kEtcdInvoke + "\nINFO  jepsen.util - 3\t:ok\t:read\t1", 2,
                "completion for process 3 with no open invoke"},
        BadCase{"EtcdTwoOpenOps", Reader::kEtcd, true, kEtcdInvoke + "\n" + kEtcdInvoke, 2,
                "invokes again"},
        BadCase{"EtcdFMismatch", Reader::kEtcd, true,
                kEtcdInvoke + "\nINFO  jepsen.util - 0\t:ok\t:write\t1", 2,
                "completion has f \"write\""}),
    CaseName);

// Inputs found by fuzzing (fuzz/, docs/hardening.md): each was read without an error although
// its text was not UTF-8, and the history it gave could not be written as valid JSON Lines.
INSTANTIATE_TEST_SUITE_P(
    FoundByFuzzing, BadInputTest,
    ::testing::Values(
        BadCase{"EdnInvalidUtf8InString", Reader::kEdn, false,
                kEdnInvoke + "\n{:process 0 :type :ok :f :read :value \"a\xFF b\"}", 2,
                "byte 0xFF at column 41 is not valid UTF-8"},
        BadCase{"EdnOverlongUtf8", Reader::kEdn, false,
                "{:process 0 :type :invoke :f :\xC0\xAF}", 1, "byte 0xC0 at column 31"},
        BadCase{"EdnUtf8CutShort", Reader::kEdn, false, kEdnInvoke + "\n\n:\xE2\x82", 3,
                "byte 0xE2 at column 2 is not valid UTF-8"},
        BadCase{"EdnLoneHighSurrogate", Reader::kEdn, false,
                "{:process 0 :type :ok :f :read :value \"\\uD800x\"}", 1,
                "\\uD800 is half of a UTF-16 surrogate pair"},
        BadCase{"EdnLoneLowSurrogate", Reader::kEdn, false,
                kEdnInvoke + "\n{:process 0 :type :ok :f :read :value \"\\uDC00\"}", 2,
                "\\uDC00 is half of a UTF-16 surrogate pair"},
        BadCase{"EdnHighSurrogateThenLetter", Reader::kEdn, false,
                "{:process 0 :type :ok :f :read :value \"\\uD83D\\u0041\"}", 1,
                "\\uD83D is half of a UTF-16 surrogate pair"},
        BadCase{"EdnSurrogateCharLiteral", Reader::kEdn, false,
                "{:process 0 :type :ok :f :read :value \\uDBFF}", 1,
                "\\uDBFF is half of a UTF-16 surrogate pair"},
        // fuzz_edn (a timeout): maps as keys of maps, each level escaping the one inside
        // again, doubled the key text per level — 1.7 KB of input took over a minute.
        BadCase{"EdnMapsNestedAsKeys", Reader::kEdn, false,
                std::string(40, '{') + ":a 1}" + [] {
                  std::string closers;
                  for (int i = 1; i < 40; ++i) closers += " 1}";
                  return closers;
                }(),
                1, "maps nested as keys?"},
        BadCase{"EtcdInvalidUtf8", Reader::kEtcd, false,
                kEtcdInvoke + "\nINFO  jepsen.util - 0\t:info\t:read\t:timed-out\xED\xA0\x80", 2,
                "byte 0xED at column 45 is not valid UTF-8"},
        BadCase{"PorcupineKvInvalidUtf8", Reader::kEdn, true,
                "{:process 0, :type :invoke, :f :get, :key \"\x80\", :value nil}", 1,
                "byte 0x80 at column 44 is not valid UTF-8"}),
    CaseName);

}  // namespace
}  // namespace faultline
