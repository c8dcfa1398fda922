// Fingerprint normalisation and private-key sniffing, against keys ssh-keygen makes.
#include "control/ssh_keys.h"

#include <gtest/gtest.h>

#include <fstream>

#include "control/local_command.h"
#include "tests/control/test_cluster.h"

namespace faultline {
namespace {

std::string Hex(const std::string& bytes) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) out += {kDigits[c >> 4], kDigits[c & 15]};
  return out;
}

TEST(Sha256, Fips180Vectors) {
  EXPECT_EQ(Hex(Sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Hex(Sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Hex(Sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(Hex(Sha256(std::string(1000000, 'a'))),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Fingerprint, OfAPublicKeyIsWhatSshKeygenPrints) {
  testing::TempDir tmp;
  for (const char* type : {"ed25519", "ecdsa", "rsa"}) {
    const std::string key = tmp / type;
    ASSERT_TRUE(RunLocalChecked({"ssh-keygen", "-q", "-t", type, "-N", "", "-f", key}).ok());
    Result<std::string> listed = RunLocalChecked({"ssh-keygen", "-l", "-E", "sha256", "-f", key});
    ASSERT_TRUE(listed.ok());
    std::ifstream in(key + ".pub");
    std::string line;
    std::getline(in, line);
    const std::string fp = PublicKeyFingerprint(line);
    ASSERT_FALSE(fp.empty()) << line;
    EXPECT_NE(listed->find(" " + fp + " "), std::string::npos) << *listed << " vs " << fp;
  }
  EXPECT_EQ(PublicKeyFingerprint("ssh-ed25519 notbase64!"), "");
  EXPECT_EQ(PublicKeyFingerprint("ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAIA=="), "");  // type mismatch
}

TEST(Fingerprint, NormalisesWhatUsersPaste) {
  const std::string digest(32, '\x01');
  const std::string canonical = Sha256Fingerprint(digest);
  EXPECT_EQ(canonical.rfind("SHA256:", 0), 0u);
  EXPECT_EQ(canonical.find('='), std::string::npos);
  EXPECT_EQ(NormalizeSha256Fingerprint(canonical), canonical);
  EXPECT_EQ(NormalizeSha256Fingerprint(canonical.substr(7)), canonical);
  EXPECT_EQ(NormalizeSha256Fingerprint(canonical + "="), canonical);
  EXPECT_EQ(NormalizeSha256Fingerprint("SHA256:short"), "");
  EXPECT_EQ(NormalizeSha256Fingerprint("MD5:aa:bb"), "");
}

TEST(PrivateKeyAlgorithm, ReadsKeysSshKeygenWrites) {
  testing::TempDir tmp;
  struct Case {
    std::vector<std::string> args;
    std::string expected;
  } cases[] = {{{"-t", "ed25519"}, "ssh-ed25519"},
               {{"-t", "ecdsa", "-b", "256"}, "ecdsa-sha2-nistp256"},
               {{"-t", "rsa", "-b", "2048"}, "ssh-rsa"},
               {{"-t", "rsa", "-b", "2048", "-m", "PEM"}, "ssh-rsa"},
               {{"-t", "ed25519", "-N", "secret"}, "ssh-ed25519"}};  // encrypted: public part
  int i = 0;
  for (const auto& c : cases) {
    const std::string key = tmp / ("key" + std::to_string(i++));
    std::vector<std::string> argv = {"ssh-keygen", "-q", "-f", key};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    if (std::find(c.args.begin(), c.args.end(), "-N") == c.args.end()) {
      argv.insert(argv.end(), {"-N", ""});
    }
    Result<std::string> made = RunLocalChecked(argv);
    ASSERT_TRUE(made.ok()) << made.status().message();
    EXPECT_EQ(PrivateKeyAlgorithm(key), c.expected) << DescribeArgv(argv);
  }
  EXPECT_EQ(PrivateKeyAlgorithm(tmp / "missing"), "");
}

}  // namespace
}  // namespace faultline
