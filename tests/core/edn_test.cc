// Tests of the EDN reader API (core/edn.h): forms one at a time with their lines, entering a
// top-level sequence, and the "SOURCE:LINE: …" errors. The EDN grammar itself is covered
// through ParseEdnOps in edn_reader_test.cc.
#include "core/edn.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace faultline {
namespace {

Value I(int64_t i) { return Value::Int(i); }
Value S(std::string s) { return Value::String(std::move(s)); }

// Every remaining form of `reader`; a failure stops the test.
std::vector<EdnForm> ReadAll(EdnReader& reader) {
  std::vector<EdnForm> forms;
  for (;;) {
    EdnForm form;
    Result<bool> more = reader.Next(&form);
    EXPECT_TRUE(more.ok()) << more.status().message();
    if (!more.ok() || !*more) return forms;
    forms.push_back(std::move(form));
  }
}

TEST(EdnTest, ReadsTopLevelFormsWithTheirLines) {
  EdnReader reader("; a comment\n{:a 1, 3 [:x]}\n\n[1 2] :kw\n#_ skipped \"s\"\n", "t.edn");
  std::vector<EdnForm> forms = ReadAll(reader);
  ASSERT_EQ(forms.size(), 4u);
  EXPECT_TRUE(forms[0].value == Value::MakeMap({{"a", I(1)}, {"3", Value::MakeList({S("x")})}}));
  EXPECT_EQ(forms[0].line, 2);
  EXPECT_TRUE(forms[1].value == Value::MakeList({I(1), I(2)}));
  EXPECT_EQ(forms[1].line, 4);
  EXPECT_TRUE(forms[2].value == S("kw"));
  EXPECT_EQ(forms[2].line, 4);
  EXPECT_TRUE(forms[3].value == S("s"));
  EXPECT_EQ(forms[3].line, 5);
  Result<bool> end = reader.AtEnd();
  ASSERT_TRUE(end.ok());
  EXPECT_TRUE(*end);
}

TEST(EdnTest, EnterSequenceYieldsElementsOneAtATime) {
  EdnReader reader("\n[1\n :b] 3", "t.edn");
  Result<std::optional<EdnOpening>> opening = reader.EnterSequence();
  ASSERT_TRUE(opening.ok() && opening->has_value());
  EXPECT_EQ((*opening)->bracket, '[');
  EXPECT_EQ((*opening)->line, 2);
  std::vector<EdnForm> elements = ReadAll(reader);  // up to the closing bracket
  ASSERT_EQ(elements.size(), 2u);
  EXPECT_TRUE(elements[0].value == I(1));
  EXPECT_EQ(elements[0].line, 2);
  EXPECT_TRUE(elements[1].value == S("b"));
  EXPECT_EQ(elements[1].line, 3);
  std::vector<EdnForm> rest = ReadAll(reader);  // top-level forms again
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_TRUE(rest[0].value == I(3));

  EdnReader map_first("{:a 1}", "t.edn");
  opening = map_first.EnterSequence();
  ASSERT_TRUE(opening.ok());
  EXPECT_FALSE(opening->has_value());
  EXPECT_EQ(ReadAll(map_first).size(), 1u);  // nothing consumed
}

TEST(EdnTest, ErrorsNameSourceAndLine) {
  EdnReader reader("{:a 1}\n{:b \"never closed}\n", "h.edn");
  EdnForm form;
  Result<bool> more = reader.Next(&form);
  ASSERT_TRUE(more.ok() && *more);
  more = reader.Next(&form);
  ASSERT_FALSE(more.ok());
  EXPECT_EQ(more.status().code(), Status::Code::kInvalidInput);
  EXPECT_EQ(more.status().message(),
            "h.edn:2: unterminated string; expected a closing '\"' before the end of the input");
}

}  // namespace
}  // namespace faultline
