// Tests of Value, the datum every op carries: it is 16 bytes with short strings in place and
// longer ones, lists and maps out of line, so copies must be deep, moves must leave null
// behind, and kinds must be checked.
#include <gtest/gtest.h>

#include <string>
#include <variant>

#include "core/value.h"

namespace faultline {
namespace {

TEST(ValueTest, IsSixteenBytes) { EXPECT_EQ(sizeof(Value), 16u); }

TEST(ValueTest, CopiesAreDeepAndEqual) {
  Value m = Value::MakeMap({{"a", Value::Int(1)},
                            {"b", Value::MakeList({Value::String("x"), Value()})},
                            {"c", Value::Double(2.5)}});
  Value copy = m;
  EXPECT_EQ(copy, m);
  EXPECT_NE(&copy.as_map(), &m.as_map());
  Value other = Value::Int(3);
  other = copy;
  EXPECT_EQ(other.ToJson(), "{\"a\":1,\"b\":[\"x\",null],\"c\":2.5}");
  const Value& same = other;
  other = same;  // self-assignment keeps the value
  EXPECT_EQ(other, m);
}

TEST(ValueTest, MovesLeaveNull) {
  Value s = Value::String("a string longer than the small-string buffer");
  Value moved = std::move(s);
  EXPECT_TRUE(s.is_null());  // NOLINT(bugprone-use-after-move): documented state
  EXPECT_EQ(moved.as_string(), "a string longer than the small-string buffer");
  Value target = Value::MakeList({Value::Int(1)});
  target = std::move(moved);
  EXPECT_TRUE(target.is_string());
  EXPECT_EQ(std::move(Value::MakeList({Value::Int(7)})).TakeList().at(0), Value::Int(7));
}

TEST(ValueTest, KindsAreComparedAndChecked) {
  EXPECT_NE(Value::Int(1), Value::Double(1.0));
  EXPECT_NE(Value(), Value::Bool(false));
  EXPECT_EQ(Value::MakeMap({}), Value::MakeMap({}));
  EXPECT_NE(Value::MakeMap({}), Value::MakeList({}));
  EXPECT_THROW(Value::Int(1).as_string(), std::bad_variant_access);
  EXPECT_THROW(Value().as_map(), std::bad_variant_access);
  EXPECT_EQ(Value::Int(1).Find("a"), nullptr);
  EXPECT_EQ(*Value::MakeMap({{"a", Value::Bool(true)}}).Find("a"), Value::Bool(true));
}

// Strings of up to kInlineChars bytes live inside the Value, longer ones in one allocation:
// both must copy, move, compare and print alike, across the boundary.
TEST(ValueTest, ShortAndLongStringsBehaveAlike) {
  const std::string boundary(Value::kInlineChars, 'a');
  for (const std::string& text :
       {std::string(), std::string("x 2 0 y"), boundary, boundary + "b",
        std::string("a string longer than any inline buffer"), std::string("nul\0inside", 11)}) {
    SCOPED_TRACE(text.size());
    Value v = Value::String(text);
    EXPECT_TRUE(v.is_string());
    EXPECT_EQ(v.as_string(), text);
    Value copy = v;
    EXPECT_EQ(copy, v);
    EXPECT_EQ(copy.as_string(), text);
    if (text.size() > Value::kInlineChars) {
      EXPECT_NE(copy.as_string().data(), v.as_string().data());  // a deep copy
    }
    Value moved = std::move(copy);
    EXPECT_TRUE(copy.is_null());  // NOLINT(bugprone-use-after-move): documented state
    EXPECT_EQ(moved.as_string(), text);
    Value assigned = Value::Int(5);
    assigned = moved;
    EXPECT_EQ(assigned, v);
    assigned = Value::String("other");
    EXPECT_NE(assigned, v);
    std::string json;
    AppendJsonString(text, &json);
    EXPECT_EQ(v.ToJson(), json);
  }
  EXPECT_NE(Value::String(boundary), Value::String(boundary + "b"));
  EXPECT_NE(Value::String("1"), Value::Int(1));
}

TEST(ValueTest, StringsInListsAndMapsCopyDeeply) {
  const std::string long_text(40, 'z');
  Value m = Value::MakeMap(
      {{"short", Value::String("ab")},
       {"long", Value::MakeList({Value::String(long_text), Value::String("cd")})}});
  Value copy = m;
  m = Value();  // the copy must not share the long string's allocation
  EXPECT_EQ(copy.Find("long")->as_list()[0].as_string(), long_text);
  EXPECT_EQ(copy.Find("short")->as_string(), "ab");
  EXPECT_EQ(copy.ToJson(), "{\"short\":\"ab\",\"long\":[\"" + long_text + "\",\"cd\"]}");
}

}  // namespace
}  // namespace faultline
