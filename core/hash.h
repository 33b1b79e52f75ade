// Content hashes used as identities.
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "core/result.h"

namespace sg {

/// SHA-256 with OpenSSL's libcrypto, its digest implementation fetched and its
/// context allocated once for all the hashes it computes (OpenSSL 3 does both
/// on every one-shot call). Not shared between threads: one per caller.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  /// The lowercase hex SHA-256 of `bytes` into `out` (core/result.h: `_into`).
  void hex_into(std::string_view bytes, std::string& out);

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// The lowercase hex of `size` bytes into `out` (core/result.h: `_into`).
void to_hex_into(const unsigned char* bytes, size_t size, std::string& out);

/// Lowercase hex digest of a whole file, read in 1 MiB chunks (memory stays flat for
/// multi-GB downloads). `algorithm` is an OpenSSL digest name: "SHA256", "MD5".
/// The error names the file.
Result<std::string> file_digest_hex(const std::string& path, const char* algorithm);

}  // namespace sg
