// Content hashes used as identities.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include "core/result.h"

namespace sg {

/// Lowercase hex SHA-256 of `bytes` (OpenSSL's libcrypto).
std::string sha256_hex(std::string_view bytes);

/// Lowercase hex of `size` bytes.
std::string to_hex(const unsigned char* bytes, size_t size);

/// Lowercase hex digest of a whole file, read in 1 MiB chunks (memory stays flat for
/// multi-GB downloads). `algorithm` is an OpenSSL digest name: "SHA256", "MD5".
/// The error names the file.
Result<std::string> file_digest_hex(const std::string& path, const char* algorithm);

}  // namespace sg
