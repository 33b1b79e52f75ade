// The library's `_into` functions (core/result.h) with their output returned, so
// that a check reads as one expression. Each calls the one form the library has
// and adds nothing to it; a fresh output per call, as a test wants.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "collectors/address.h"
#include "collectors/encoded_words.h"
#include "collectors/header_block.h"
#include "collectors/transfer_decoding.h"
#include "core/domain.h"
#include "core/hash.h"

namespace sg::into {

/// normalize_domain_into's name, or nullopt when it returns false.
inline std::optional<std::string> domain(std::string_view text) {
  std::string out;
  if (!normalize_domain_into(text, out)) return std::nullopt;
  return out;
}

/// normalize_host_name_into's name, or nullopt when it returns false.
inline std::optional<std::string> host_name(std::string_view text) {
  std::string out;
  if (!normalize_host_name_into(text, out)) return std::nullopt;
  return out;
}

/// Sha256::hex_into's digest.
inline std::string sha256_hex(std::string_view bytes) {
  Sha256 sha256;
  std::string out;
  sha256.hex_into(bytes, out);
  return out;
}

/// to_hex_into's digits.
inline std::string hex(const unsigned char* bytes, size_t size) {
  std::string out;
  to_hex_into(bytes, size, out);
  return out;
}

/// split_header_block_into's block.
inline HeaderBlock header_block(std::string_view message, size_t max_fields = 4096) {
  HeaderBlock out;
  split_header_block_into(message, out, max_fields);
  return out;
}

/// unfold_into's value.
inline std::string unfold(std::string_view raw_value) {
  std::string out;
  unfold_into(raw_value, out);
  return out;
}

/// decode_base64_into's bytes.
inline std::string base64(std::string_view text) {
  std::string out;
  decode_base64_into(text, out);
  return out;
}

/// decode_quoted_printable_into's bytes.
inline std::string quoted_printable(std::string_view text) {
  std::string out;
  decode_quoted_printable_into(text, out);
  return out;
}

/// CharsetDecoder::decode_header_value_into's text.
inline std::string header_value(CharsetDecoder& decoder, std::string_view raw, std::string_view fallback_charset = {}) {
  std::string out;
  decoder.decode_header_value_into(raw, out, fallback_charset);
  return out;
}

/// parse_address_list_into's addresses.
inline std::vector<std::string> address_list(std::string_view value) {
  std::vector<std::string> out;
  parse_address_list_into(value, out);
  return out;
}

/// parse_single_address_into's address, or nullopt when it returns false.
inline std::optional<std::string> single_address(std::string_view value) {
  std::string out;
  if (!parse_single_address_into(value, out)) return std::nullopt;
  return out;
}

/// normalize_address_into's address ("" when refused).
inline std::string address(std::string_view text) {
  std::string out;
  normalize_address_into(text, out);
  return out;
}

/// parse_message_id_into's id ("" when refused).
inline std::string message_id(std::string_view value) {
  std::string out;
  parse_message_id_into(value, out);
  return out;
}

}  // namespace sg::into
