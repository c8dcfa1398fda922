// Secrets in test options never reach a report.
#include "report/redact.h"

#include <gtest/gtest.h>

namespace faultline {
namespace {

class SecretNames : public testing::TestWithParam<std::pair<const char*, bool>> {};

TEST_P(SecretNames, AreRecognised) {
  EXPECT_EQ(IsSecretOptionName(GetParam().first), GetParam().second) << GetParam().first;
}

INSTANTIATE_TEST_SUITE_P(
    Names, SecretNames,
    testing::Values(std::pair{"password", true}, std::pair{"db-password", true},
                    std::pair{"SSH_PASSWORD", true}, std::pair{"ssh-passphrase", true},
                    std::pair{"api_token", true}, std::pair{"client-secret", true},
                    std::pair{"aws_access_key", true}, std::pair{"credentials", true},
                    std::pair{"ssh-pass", true}, std::pair{"db_pw", true},
                    std::pair{"ssh-key", false}, std::pair{"ssh_user", false},
                    std::pair{"nodes", false}, std::pair{"bypass", false}, std::pair{"seed", false},
                    std::pair{"op_timeout", false}));

TEST(RedactCredentialsInText, RemovesPasswordsInsideValues) {
  EXPECT_EQ(RedactCredentialsInText("postgres://app:hunter2@db1:5432/x"),
            "postgres://app:(redacted)@db1:5432/x");
  EXPECT_EQ(RedactCredentialsInText("host=db1 password=hunter2 user=app"),
            "host=db1 password=(redacted) user=app");
  EXPECT_EQ(RedactCredentialsInText("token: abc123"), "token: (redacted)");
  EXPECT_EQ(RedactCredentialsInText("/root/.ssh/id_ed25519"), "/root/.ssh/id_ed25519");
  EXPECT_EQ(RedactCredentialsInText("n1,n2,n3"), "n1,n2,n3");
}

TEST(RedactOptions, RedactsAtAnyDepthAndKeepsTheRest) {
  const nlohmann::json options = {
      {"name", "register"},
      {"ssh", {{"user", "root"}, {"key", "/root/.ssh/id"}, {"password", "hunter2"}}},
      {"db_password", "hunter2"},
      {"nodes", {"n1", "n2"}},
      {"dsn", "mysql://u:hunter2@h/db"}};
  const nlohmann::json out = RedactOptions(options);
  EXPECT_EQ(out["name"], "register");
  EXPECT_EQ(out["ssh"]["key"], "/root/.ssh/id");
  EXPECT_EQ(out["ssh"]["password"], kRedacted);
  EXPECT_EQ(out["db_password"], kRedacted);
  EXPECT_EQ(out["nodes"], options["nodes"]);
  EXPECT_EQ(out.dump().find("hunter2"), std::string::npos) << out.dump();
}

}  // namespace
}  // namespace faultline
