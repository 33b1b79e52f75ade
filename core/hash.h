// Content hashes used as identities.
#pragma once
#include <string>
#include <string_view>

namespace sg {

/// Lowercase hex SHA-256 of `bytes` (OpenSSL's libcrypto).
std::string sha256_hex(std::string_view bytes);

}  // namespace sg
