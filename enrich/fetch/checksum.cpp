#include "enrich/fetch/checksum.h"

#include "core/ascii.h"
#include "core/hash.h"

namespace sg::fetch {
namespace {

size_t hex_length(HashKind kind) { return kind == HashKind::sha256 ? 64 : 32; }

bool all_hex(std::string_view text) {
  for (char c : text)
    if (hex_digit_value(c) < 0) return false;
  return true;
}

}  // namespace

const char* hash_kind_name(HashKind kind) { return kind == HashKind::sha256 ? "sha256" : "md5"; }

Result<Checksum> parse_checksum(std::string_view text, std::optional<HashKind> kind) {
  const std::string original(text);
  if (text.starts_with("sha256:") || text.starts_with("SHA256:")) {
    kind = HashKind::sha256;
    text.remove_prefix(7);
  } else if (text.starts_with("md5:") || text.starts_with("MD5:")) {
    kind = HashKind::md5;
    text.remove_prefix(4);
  }
  if (!all_hex(text)) return Error{"not a hex digest", original};
  if (!kind) {
    if (text.size() == 64)
      kind = HashKind::sha256;
    else if (text.size() == 32)
      kind = HashKind::md5;
    else
      return Error{"a digest has 64 (sha256) or 32 (md5) hex digits, this has " + std::to_string(text.size()),
                   original};
  }
  if (text.size() != hex_length(*kind)) {
    return Error{std::string("a ") + hash_kind_name(*kind) + " digest has " + std::to_string(hex_length(*kind)) +
                     " hex digits, this has " + std::to_string(text.size()),
                 original};
  }
  return Checksum{*kind, ascii_lowercase(text)};
}

Result<Checksum> parse_checksum_file(std::string_view body, HashKind kind) {
  while (!body.empty()) {
    const size_t end = body.find('\n');
    std::string_view line = body.substr(0, end);
    body = end == std::string_view::npos ? std::string_view{} : body.substr(end + 1);
    const size_t start = line.find_first_not_of(" \t\r");
    if (start == std::string_view::npos || line[start] == '#') continue;
    line.remove_prefix(start);
    const std::string_view field = line.substr(0, line.find_first_of(" \t\r"));
    return parse_checksum(field, kind);
  }
  return Error{"empty checksum file", ""};
}

Result<std::string> file_digest_hex(const std::string& path, HashKind kind) {
  return sg::file_digest_hex(path, kind == HashKind::sha256 ? "SHA256" : "MD5");
}

}  // namespace sg::fetch
