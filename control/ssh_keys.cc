#include "control/ssh_keys.h"

#include <cstdint>
#include <fstream>
#include <sstream>

#include "core/base64.h"

namespace faultline {
namespace {

// Reads one SSH wire-format string (uint32 big-endian length, then bytes) at *pos.
bool ReadSshString(std::string_view buf, size_t* pos, std::string_view* out) {
  if (buf.size() - *pos < 4) return false;
  const auto* p = reinterpret_cast<const unsigned char*>(buf.data() + *pos);
  const uint32_t len =
      (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
  *pos += 4;
  if (buf.size() - *pos < len) return false;
  *out = buf.substr(*pos, len);
  *pos += len;
  return true;
}

// The key type inside an "openssh-key-v1" blob: magic, cipher, kdf, kdf options, key count,
// then the first public key, which starts with its type name.
std::string OpenSshKeyAlgorithm(std::string_view blob) {
  constexpr std::string_view kMagic("openssh-key-v1\0", 15);
  if (blob.substr(0, kMagic.size()) != kMagic) return "";
  size_t pos = kMagic.size();
  std::string_view field;
  for (int i = 0; i < 3; ++i) {
    if (!ReadSshString(blob, &pos, &field)) return "";
  }
  pos += 4;  // number of keys
  std::string_view public_key;
  if (pos > blob.size() || !ReadSshString(blob, &pos, &public_key)) return "";
  size_t key_pos = 0;
  std::string_view type;
  if (!ReadSshString(public_key, &key_pos, &type)) return "";
  return std::string(type);
}

constexpr uint32_t kSha256K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2};

uint32_t Rotr(uint32_t x, int n) { return (x >> n) | (x << (32 - n)); }

// One 64-byte block into the state h.
void Sha256Block(const unsigned char* p, uint32_t h[8]) {
  uint32_t w[64];
  for (int i = 0; i < 16; ++i) {
    w[i] = (uint32_t{p[4 * i]} << 24) | (uint32_t{p[4 * i + 1]} << 16) |
           (uint32_t{p[4 * i + 2]} << 8) | p[4 * i + 3];
  }
  for (int i = 16; i < 64; ++i) {
    const uint32_t s0 = Rotr(w[i - 15], 7) ^ Rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
    const uint32_t s1 = Rotr(w[i - 2], 17) ^ Rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
    w[i] = w[i - 16] + s0 + w[i - 7] + s1;
  }
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], k = h[7];
  for (int i = 0; i < 64; ++i) {
    const uint32_t t1 =
        k + (Rotr(e, 6) ^ Rotr(e, 11) ^ Rotr(e, 25)) + ((e & f) ^ (~e & g)) + kSha256K[i] + w[i];
    const uint32_t t2 = (Rotr(a, 2) ^ Rotr(a, 13) ^ Rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
    k = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += k;
}

}  // namespace

std::string Sha256(std::string_view bytes) {
  uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
  // The message, a 1 bit, zeros to 56 mod 64, then the length in bits (big-endian).
  std::string padded(bytes);
  padded.push_back(char(0x80));
  while (padded.size() % 64 != 56) padded.push_back('\0');
  const uint64_t bits = uint64_t(bytes.size()) * 8;
  for (int i = 7; i >= 0; --i) padded.push_back(char((bits >> (8 * i)) & 0xff));
  for (size_t off = 0; off < padded.size(); off += 64) {
    Sha256Block(reinterpret_cast<const unsigned char*>(padded.data() + off), h);
  }
  std::string digest(32, '\0');
  for (int i = 0; i < 32; ++i) digest[size_t(i)] = char((h[i / 4] >> (24 - 8 * (i % 4))) & 0xff);
  return digest;
}

std::string PublicKeyFingerprint(std::string_view line) {
  const size_t type_end = line.find(' ');
  if (type_end == std::string_view::npos) return "";
  std::string_view rest = line.substr(type_end + 1);
  rest = rest.substr(0, rest.find_first_of(" \n"));
  std::string blob;
  if (rest.empty() || !Base64Decode(rest, &blob)) return "";
  size_t pos = 0;
  std::string_view type;
  if (!ReadSshString(blob, &pos, &type) || type != line.substr(0, type_end)) return "";
  return Sha256Fingerprint(Sha256(blob));
}

std::string Sha256Fingerprint(std::string_view digest) {
  return "SHA256:" + Base64Encode(digest, /*pad=*/false);
}

std::string NormalizeSha256Fingerprint(std::string_view text) {
  if (text.substr(0, 7) == "SHA256:") text.remove_prefix(7);
  while (!text.empty() && text.back() == '=') text.remove_suffix(1);
  std::string digest;
  if (text.empty() || !Base64Decode(text, &digest) || digest.size() != 32) return "";
  return Sha256Fingerprint(digest);
}

std::string PrivateKeyAlgorithm(const std::string& path) {
  std::ifstream in(path);
  if (!in) return "";
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  if (text.find("-----BEGIN RSA PRIVATE KEY-----") != std::string::npos) return "ssh-rsa";
  if (text.find("-----BEGIN DSA PRIVATE KEY-----") != std::string::npos) return "ssh-dss";
  if (text.find("-----BEGIN EC PRIVATE KEY-----") != std::string::npos) return "ecdsa";
  constexpr std::string_view kBegin = "-----BEGIN OPENSSH PRIVATE KEY-----";
  constexpr std::string_view kEnd = "-----END OPENSSH PRIVATE KEY-----";
  const size_t begin = text.find(kBegin);
  const size_t end = text.find(kEnd);
  if (begin == std::string::npos || end == std::string::npos || end < begin) return "";
  std::string blob;
  const size_t body = begin + kBegin.size();
  if (!Base64Decode(std::string_view(text).substr(body, end - body), &blob)) return "";
  return OpenSshKeyAlgorithm(blob);
}

}  // namespace faultline
