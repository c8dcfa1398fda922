// core/base64: RFC 4648's test vectors, padding, every byte value, bad input.
#include "core/base64.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>

namespace faultline {
namespace {

TEST(Base64, Rfc4648Vectors) {
  const std::pair<std::string, std::string> cases[] = {{"", ""},
                                                       {"f", "Zg=="},
                                                       {"fo", "Zm8="},
                                                       {"foo", "Zm9v"},
                                                       {"foob", "Zm9vYg=="},
                                                       {"fooba", "Zm9vYmE="},
                                                       {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : cases) {
    EXPECT_EQ(Base64Encode(plain), encoded);
    std::string back;
    ASSERT_TRUE(Base64Decode(encoded, &back));
    EXPECT_EQ(back, plain);
  }
  EXPECT_EQ(Base64Encode("fo", /*pad=*/false), "Zm8");
  std::string out;
  EXPECT_FALSE(Base64Decode("Zm9v!", &out));
}

TEST(Base64, AllByteValuesRoundTrip) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(char(i));
  std::string back;
  ASSERT_TRUE(Base64Decode(Base64Encode(all), &back));
  EXPECT_EQ(back, all);
}

TEST(Base64, EncodesBytesThatAreNotText) {
  EXPECT_EQ(Base64Encode(std::string("\xff\x00\x80", 3)), "/wCA");
}

}  // namespace
}  // namespace faultline
