// Differential tests of the JSON Lines fast path (ParseFlatJsonlOp): every line it accepts must
// give exactly the Op simdjson's path gives, and the lines it refuses must reach that path.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/jsonl_reader.h"
#include "core/random.h"

namespace faultline {
namespace {

// The line through simdjson only: its op, or the error message.
Result<Op> Slow(const std::string& line) {
  JsonlParseOptions options;
  options.fast_path = false;
  Result<std::vector<Op>> ops = ParseJsonlText(line, "t.jsonl", nullptr, options);
  if (!ops.ok()) return ops.status();
  if (ops->size() != 1) return Status::Internal("not one op");
  return std::move(ops->front());
}

// Every field, with the value's kinds (ToJson writes a double with a '.', so 2 and 2.0 differ).
void ExpectSameOp(const Op& fast, const Op& slow, const std::string& line) {
  EXPECT_EQ(fast.ToJson(), slow.ToJson()) << line;
  EXPECT_EQ(fast.time, slow.time) << line;
  EXPECT_EQ(fast.process, slow.process) << line;
  EXPECT_EQ(fast.type, slow.type) << line;
  EXPECT_EQ(fast.final, slow.final) << line;
  EXPECT_EQ(fast.f, slow.f) << line;
  EXPECT_EQ(fast.key, slow.key) << line;
  EXPECT_EQ(fast.value, slow.value) << line;
  EXPECT_EQ(fast.node, slow.node) << line;
  EXPECT_EQ(fast.role, slow.role) << line;
  EXPECT_EQ(fast.error, slow.error) << line;
}

// Checks the contract on `line`; returns whether the fast path took it.
bool CheckLine(const std::string& line) {
  Op fast;
  if (!ParseFlatJsonlOp(line, &fast)) return false;
  Result<Op> slow = Slow(line);
  EXPECT_TRUE(slow.ok()) << "fast path accepted a line simdjson refuses: " << line << ": "
                         << slow.status().message();
  if (slow.ok()) ExpectSameOp(fast, *slow, line);
  return true;
}

std::string RandomName(Random* rng) {
  static const char* const kNames[] = {"r0", "r17", "", "n1", "a b", "x-y_z", "~!@#$%^&*()"};
  return kNames[rng->Uniform(7)];
}

Value RandomScalar(Random* rng) {
  switch (rng->Uniform(5)) {
    case 0:
      return Value();
    case 1:
      return Value::Bool(rng->OneIn(0.5));
    case 2:
      return Value::String(RandomName(rng));
    case 3:
      return Value::Int(int64_t(rng->Next() % 1000000000000000000ULL) - 500000000000000000);
    default:
      return Value::Int(int64_t(rng->Uniform(100)) - 50);
  }
}

Op RandomOp(Random* rng) {
  Op op;
  op.time = int64_t(rng->Uniform(1ULL << 40));
  op.process = rng->OneIn(0.1) ? kNemesisProcess : int64_t(rng->Uniform(50));
  op.type = OpType(rng->Uniform(4));
  static const char* const kFs[] = {"read", "write", "cas", "start-partition"};
  op.f = std::string(kFs[rng->Uniform(4)]);
  op.final = rng->OneIn(0.1);
  if (rng->OneIn(0.7)) op.key = RandomName(rng);
  if (rng->OneIn(0.3)) op.node = RandomName(rng);
  if (rng->OneIn(0.2)) op.role = RandomName(rng);
  if (rng->OneIn(0.2)) op.error = RandomName(rng);
  if (rng->OneIn(0.5)) {
    Value::List list;
    for (uint64_t i = rng->Uniform(4); i > 0; --i) list.push_back(RandomScalar(rng));
    op.value = Value::MakeList(std::move(list));
  } else {
    op.value = RandomScalar(rng);
  }
  return op;
}

TEST(JsonlFastPathTest, AcceptsWhatFaultlineWritesAndAgreesWithSimdjson) {
  Random rng(19);
  for (int i = 0; i < 20000; ++i) {
    Op op = RandomOp(&rng);
    op.index = i;
    const std::string line = op.ToJson();
    EXPECT_TRUE(CheckLine(line)) << "refused: " << line;
  }
}

// Lines with a byte changed, dropped or doubled: whatever the fast path accepts must agree with
// simdjson (most of them it must refuse, many are not JSON at all).
TEST(JsonlFastPathTest, MutatedLinesAgreeWithSimdjsonWhenAccepted) {
  Random rng(7);
  static const char kBytes[] = "{}[]\":,.-+eE0123456789 \t\\nulltruefalse\x7f\xc3\xa9\x01";
  int accepted = 0;
  for (int i = 0; i < 40000; ++i) {
    std::string line = RandomOp(&rng).ToJson();
    const size_t at = rng.Uniform(line.size());
    switch (rng.Uniform(3)) {
      case 0:
        line[at] = kBytes[rng.Uniform(sizeof kBytes - 1)];
        break;
      case 1:
        line.erase(at, 1);
        break;
      default:
        line.insert(at, 1, line[at]);
        break;
    }
    accepted += CheckLine(line);
  }
  EXPECT_GT(accepted, 0);
}

TEST(JsonlFastPathTest, AcceptsOtherFlatShapes) {
  for (
      const char* line : {
          R"({"type":"ok","f":"read","process":0})",
          R"({"process":"nemesis","f":"kill","type":"info","value":null})",
          R"({"f":"x","type":"fail","process":3,"key":12,"node":-4,"value":[]})",
          R"({"f":"x","type":"invoke","process":3,"key":null,"node":null,"index":[1,"a"]})",
          R"({"f":"x","type":"invoke","process":0,"time":-0,"value":-0,"final":false})",
          R"({"f":"a","f":"b","type":"ok","type":"fail","process":1,"process":2,"key":"k","key":null})",
          R"({"f":"","type":"ok","process":999999999999999999,"value":[true,false,null,""]})",
          R"({"f":"x","type":"ok","process":0,"error":"","final":true,"final":false})",
      }) {
    EXPECT_TRUE(CheckLine(line)) << "refused: " << line;
  }
}

// Everything outside the flat shape goes to simdjson, which accepts it or words the error.
TEST(JsonlFastPathTest, RefusesWhatItDoesNotFullyUnderstand) {
  for (
      const char* line : {
          R"({"f":"r\"d","type":"ok","process":0})",                // escape
          R"({"f":"r\u0065","type":"ok","process":0})",             // unicode escape
          R"({"\u0066":"read","type":"ok","process":0})",           // escaped key
          "{\"f\":\"caf\xc3\xa9\",\"type\":\"ok\",\"process\":0}",  // non-ASCII
          "{\"f\":\"\x7f\",\"type\":\"ok\",\"process\":0}",         // DEL
          "{\"f\":\"a\tb\",\"type\":\"ok\",\"process\":0}",         // raw control byte
          R"({"f":"x","type":"ok","process":0,"value":1.5})",       // double
          R"({"f":"x","type":"ok","process":0,"value":1e3})",       // exponent
          R"({"f":"x","type":"ok","process":0,"value":2.0})",       // a double, not the int 2
          R"({"f":"x","type":"ok","process":0,"value":01})",        // leading zero
          R"({"f":"x","type":"ok","process":0,"value":-})",         // sign alone
          R"({"f":"x","type":"ok","process":0,"value":1234567890123456789})",   // 19 digits
          R"({"f":"x","type":"ok","process":0,"value":99999999999999999999})",  // > int64
          // Found by fuzz_jsonl: the digits must stop being summed before they overflow.
          R"({"f":"x","type":"ok","process":0,"index":999999999999999999999999999999999999990})",
          R"({"f":"x","type":"ok","process":0,"value":[[1]]})",    // nested list
          R"({"f":"x","type":"ok","process":0,"value":{"a":1}})",  // map
          R"({"f":"x","type":"ok","process":0,"value":[1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17]})",
          R"({"f":"x","type":"ok","process":0,"value":[1,]})",  // trailing comma
          R"({"f":"x","type":"ok","process":0,})",              // trailing comma
          R"({"f":"x","type":"ok","process":0,"extra":1})",     // unknown key
          R"({"f":"x", "type":"ok","process":0})",              // whitespace inside
          R"({"f":"x","type":"ok","process":0}x)",              // trailing bytes
          R"({"f":"x","type":"ok","process":0}})",
          R"({"f":"x","type":"ok"})",                           // missing process
          R"({"type":"ok","process":0})",                       // missing f
          R"({"f":"x","process":0})",                           // missing type
          R"({"f":"x","type":"done","process":0})",             // unknown type
          R"({"f":"x","type":"ok","process":-1})",              // negative process
          R"({"f":"x","type":"ok","process":"n1"})",            // process name
          R"({"f":"x","type":"ok","process":0,"error":null})",  // error not a string
          R"({"f":"x","type":"ok","process":0,"error":3})",
          R"({"f":"x","type":"ok","process":0,"final":1})",
          R"({"f":"x","type":"ok","process":0,"key":true})",
          R"({"f":"x","type":"ok","process":0,"time":null})",
          R"({"f":3,"type":"ok","process":0})",
          R"({"f":"x","type":"ok","process":0,"value":nul})",
          R"({"f":"x","type":"ok","process":0,"value":nullx})",
          R"({"f":"x","type":"ok","process":0,"value":"abc)",  // cut short
          R"({})",
          R"([])",
          R"("x")",
          "{",
          "",
      }) {
    Op op;
    EXPECT_FALSE(ParseFlatJsonlOp(line, &op)) << "accepted: " << line;
  }
}

}  // namespace
}  // namespace faultline
