// Escaping of run data on its way into report.html.
#include "report/html.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace faultline {
namespace {

TEST(EscapeHtml, EscapesMarkupCharacters) {
  EXPECT_EQ(EscapeHtml("<b a=\"x\" b='y'>&</b>"),
            "&lt;b a=&quot;x&quot; b=&#39;y&#39;&gt;&amp;&lt;/b&gt;");
  EXPECT_EQ(EscapeHtml("plain"), "plain");
  EXPECT_EQ(EscapeHtml("state → 4"), "state → 4");  // UTF-8 passes through
}

TEST(EscapeHtml, ReplacesInvalidUtf8) {
  const std::string out = EscapeHtml(std::string("a\xff<b"));
  EXPECT_EQ(out, "a\xEF\xBF\xBD&lt;b");
}

TEST(JsonForScript, NoValueCanEndTheScriptBlock) {
  const nlohmann::json j = {{"key", "</script><script>alert(1)</script>"},
                            {"note", "<!-- x -->"},
                            {"amp", "a&b"},
                            {"sep", "line\u2028para\u2029"}};
  const std::string text = JsonForScript(j);
  EXPECT_EQ(text.find('<'), std::string::npos);
  EXPECT_EQ(text.find('>'), std::string::npos);
  EXPECT_EQ(text.find('&'), std::string::npos);
  EXPECT_EQ(text.find("\u2028"), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(text), j);  // and it still means the same
}

TEST(Format, GroupsDigitsAndHumanises) {
  EXPECT_EQ(GroupDigits(0), "0");
  EXPECT_EQ(GroupDigits(1234567), "1,234,567");
  EXPECT_EQ(GroupDigits(-1000), "-1,000");
  EXPECT_EQ(HumanSeconds(0.0005), "500 µs");
  EXPECT_EQ(HumanSeconds(0.0123), "12.3 ms");
  EXPECT_EQ(HumanSeconds(4.2), "4.20 s");
  EXPECT_EQ(HumanSeconds(192), "3 min 12 s");
}

}  // namespace
}  // namespace faultline
