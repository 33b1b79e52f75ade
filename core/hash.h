// Content hashes used as identities.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.h"

namespace sg {

/// Lowercase hex SHA-256 of `bytes` (OpenSSL's libcrypto).
std::string sha256_hex(std::string_view bytes);

/// As sha256_hex, into `hex` (its capacity reused).
void sha256_hex_into(std::string_view bytes, std::string& hex);

/// Lowercase hex of `size` bytes.
std::string to_hex(const unsigned char* bytes, size_t size);

/// As to_hex, into `hex` (its capacity reused).
void to_hex_into(const unsigned char* bytes, size_t size, std::string& hex);

/// Lowercase hex digest of a whole file, read in 1 MiB chunks (memory stays flat for
/// multi-GB downloads). `algorithm` is an OpenSSL digest name: "SHA256", "MD5".
/// The error names the file.
Result<std::string> file_digest_hex(const std::string& path, const char* algorithm);

}  // namespace sg
