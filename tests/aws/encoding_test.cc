#include "aws/encoding.h"

#include <gtest/gtest.h>

namespace allma::aws {
namespace {

TEST(Base64, EncodesWithPadding) {
  EXPECT_EQ(base64_encode(""), "");
  EXPECT_EQ(base64_encode("f"), "Zg==");
  EXPECT_EQ(base64_encode("fo"), "Zm8=");
  EXPECT_EQ(base64_encode("foo"), "Zm9v");
  EXPECT_EQ(base64_encode("\xff\xfe"), "//4=");
}

TEST(Base64, RoundTripsEveryByteValue) {
  std::string bytes;
  for (int i = 0; i < 256; ++i) {
    bytes += static_cast<char>(i);
  }
  EXPECT_EQ(base64_decode(base64_encode(bytes)).value_or("?"), bytes);
}

TEST(Base64, DecodesWithoutPaddingAndAcrossLineBreaks) {
  EXPECT_EQ(base64_decode("Zm8").value_or("?"), "fo");
  EXPECT_EQ(base64_decode("Zm9v\nYmFy\r\n").value_or("?"), "foobar");
}

TEST(Base64, RejectsForeignCharactersAndTruncatedGroups) {
  EXPECT_FALSE(base64_decode("Zm9v!").has_value());
  EXPECT_FALSE(base64_decode("Z").has_value());
  EXPECT_FALSE(base64_decode("Zg==Zg").has_value());
}

TEST(HexEncode, WritesLowercasePairs) { EXPECT_EQ(hex_encode("\x01\xab"), "01ab"); }

}  // namespace
}  // namespace allma::aws
