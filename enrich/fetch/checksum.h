// Checksums of downloaded files: the kinds dataset publishers use, parsing what
// they publish, and hashing a file without reading it into memory.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "core/result.h"

namespace sg::fetch {

/// The digest algorithms a dataset may be published with.
enum class HashKind { sha256, md5 };

/// "sha256" or "md5".
const char* hash_kind_name(HashKind kind);

/// An expected digest of a file.
struct Checksum {
  HashKind kind = HashKind::sha256;
  std::string hex;  ///< lowercase hex digits

  /// "sha256 HEX" (the form errors and logs show).
  std::string to_string() const { return std::string(hash_kind_name(kind)) + " " + hex; }
};

/// Parses a user-given digest: "sha256:HEX", "md5:HEX", or bare HEX whose length
/// (64 or 32 digits) says the kind. Case-insensitive; errors say what was wrong.
Result<Checksum> parse_checksum(std::string_view text, std::optional<HashKind> kind = std::nullopt);

/// Reads a published checksum file such as MaxMind's `.sha256` or a `sha256sum`
/// line ("HEX  name"): the first whitespace-separated field of the first line that
/// is not blank or a '#' comment must be the digest of `kind`.
Result<Checksum> parse_checksum_file(std::string_view body, HashKind kind);

/// The lowercase hex digest of the file at `path`, read in 64 KiB blocks.
/// Errors name the file.
Result<std::string> file_digest_hex(const std::string& path, HashKind kind);

}  // namespace sg::fetch
