// ShellQuote/ShellJoin against a real /bin/sh: every hostile string must come back byte for
// byte. (The same strings go through a node's login shell over SSH in ssh_remote_test.cc.)
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "control/local_command.h"
#include "control/remote.h"
#include "tests/control/hostile_strings.h"

namespace faultline {
namespace {

TEST(ShellQuote, EveryHostileStringIsOneWordThroughSh) {
  for (const std::string& s : testing::HostileStrings()) {
    Result<LocalResult> r = RunLocal({"/bin/sh", "-c", "printf %s " + ShellQuote(s)});
    ASSERT_TRUE(r.ok()) << r.status().message();
    EXPECT_EQ(r->exit_status, 0) << r->err;
    EXPECT_EQ(r->out, s) << "quoted as " << ShellQuote(s);
  }
}

TEST(ShellQuote, NothingIsExpandedOrExecuted) {
  // If anything inside ran, it would create this file.
  const std::string marker = "/tmp/faultline-shellquote-" + std::to_string(::getpid());
  const std::vector<std::string> attacks = {"$(touch " + marker + ")", "`touch " + marker + "`",
                                            "'; touch " + marker + "; '", "\"; touch " + marker,
                                            "\n touch " + marker};
  for (const auto& a : attacks) {
    Result<LocalResult> r = RunLocal({"/bin/sh", "-c", "echo " + ShellQuote(a) + " >/dev/null"});
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->exit_status, 0);
  }
  EXPECT_NE(::access(marker.c_str(), F_OK), 0) << "a quoted string was executed";
  ::unlink(marker.c_str());
}

TEST(ShellJoin, ArgvSurvivesWordForWord) {
  const std::vector<std::string> argv = testing::HostileStrings();
  // printf repeats its format for every argument: each word, then a NUL.
  Result<LocalResult> r = RunLocal({"/bin/sh", "-c", "printf '%s\\0' " + ShellJoin(argv)});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->out, testing::NulJoined(argv));
}

TEST(ShellJoin, EmptyArgvIsEmptyAndEmptyWordIsKept) {
  EXPECT_EQ(ShellJoin({}), "");
  EXPECT_EQ(ShellJoin({""}), "''");
  Result<LocalResult> r =
      RunLocal({"/bin/sh", "-c", "set -- " + ShellJoin({"", "a b", ""}) + "; echo $#"});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->out, "3\n");
}

}  // namespace
}  // namespace faultline
