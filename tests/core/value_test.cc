// Tests of Value, the datum every op carries: it is 16 bytes with strings, lists and maps out
// of line, so copies must be deep, moves must leave null behind, and kinds must be checked.
#include <gtest/gtest.h>

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
  other = other;  // self-assignment keeps the value
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

}  // namespace
}  // namespace faultline
