// SSH key helpers that need no connection: SHA-256 fingerprints as `ssh-keygen -l`
// prints them, and the algorithm of a private key file (to explain refused RSA keys).
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace faultline {

// The 32-byte SHA-256 digest of `bytes` (FIPS 180-4).
std::string Sha256(std::string_view bytes);

// "SHA256:<base64 without padding>" of a 32-byte raw SHA-256 digest.
std::string Sha256Fingerprint(std::string_view digest);
// The fingerprint of a public key line ("ssh-ed25519 AAAA… comment"), as `ssh-keygen -l`
// prints it; "" when the line is not a public key.
std::string PublicKeyFingerprint(std::string_view line);
// A fingerprint as given by a user ("SHA256:abc", "abc", "abc=") in the canonical form
// "SHA256:abc"; "" when it is not one.
std::string NormalizeSha256Fingerprint(std::string_view text);

// The SSH algorithm name of the key in a private key file: "ssh-ed25519", "ssh-rsa",
// "ecdsa-sha2-nistp256"…, read from the unencrypted public part of an OpenSSH-format key or
// from the PEM header; "" when the file cannot be read or the format is not recognised.
std::string PrivateKeyAlgorithm(const std::string& path);

}  // namespace faultline
