// Text in header fields and bodies, whatever charset it was written in, turned
// into UTF-8: RFC 2047 encoded words and MIME charset labels through iconv. The
// transfer decodings (base64, quoted-printable) are in transfer_decoding.h.
#pragma once
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace sg {

class JapaneseTables;

/// The bytes of the text of one RFC 2047 encoded word appended to `out`, in its
/// charset: for `encoding` 'B' or 'b' base64 as append_base64_decoded reads it,
/// else Q ('_' is a space, "=XX" in either case a byte, anything else as it is).
/// For a caller that finds the words itself; CharsetDecoder::decode_header_value_into
/// decodes whole values.
void append_encoded_word_bytes(char encoding, std::string_view text, std::string& out);

/// True when `bytes` is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF).
bool is_valid_utf8(std::string_view bytes);

/// Copies `bytes`, replacing each ill-formed UTF-8 sequence by U+FFFD.
std::string sanitize_utf8(std::string_view bytes);

/// The name this module hands to iconv for a MIME charset label ("gb2312" ->
/// "GB18030", "shift_jis" -> "CP932", "iso-8859-1" -> "WINDOWS-1252"): labels
/// are mapped to the superset that real mail needs. "UTF-8" for UTF-8, ASCII,
/// empty and unknown-8bit labels; "" for a label that cannot be a charset name.
std::string iconv_charset_name(std::string_view label);

/// The result of one conversion, with what was lost on the way.
struct Conversion {
  std::string text;           ///< UTF-8, always well-formed
  size_t replaced = 0;        ///< input sequences that became U+FFFD
  bool known_charset = true;  ///< false when the label was not usable (read as UTF-8)
};

/// Converts bytes in MIME charsets to UTF-8. Keeps one iconv descriptor per
/// charset it met, and the Japanese tables (iso2022jp.h) with theirs, so make one
/// per thread and reuse it; not thread-safe. No global state: two decoders never
/// share descriptors or tables.
class CharsetDecoder {
 public:
  CharsetDecoder();
  ~CharsetDecoder();
  CharsetDecoder(const CharsetDecoder&) = delete;
  CharsetDecoder& operator=(const CharsetDecoder&) = delete;

  /// Converts `bytes` written in `charset` (a MIME label, any case) to UTF-8.
  /// Unknown labels are read as UTF-8; undecodable bytes become U+FFFD.
  Conversion convert(std::string_view bytes, std::string_view charset);

  /// convert(bytes, charset).text.
  std::string to_utf8(std::string_view bytes, std::string_view charset) { return convert(bytes, charset).text; }

  /// Decodes a raw header value (folded or not) to UTF-8 into `out`
  /// (core/result.h: `_into`): RFC 2047 B and Q encoded words (also when glued
  /// to text), whitespace between adjacent encoded words dropped (§6.2), adjacent
  /// words in one charset joined before conversion so split multibyte characters
  /// survive. Raw 8-bit text is kept when it is UTF-8, else converted from
  /// `fallback_charset` when given, else U+FFFD. Line breaks are removed and the
  /// result trimmed. At most 1000 encoded words are decoded per value; the rest
  /// is kept as text.
  void decode_header_value_into(std::string_view raw, std::string& out, std::string_view fallback_charset = {});

  /// Number of iconv descriptors currently cached (for tests).
  size_t cached_descriptors() const;

  /// The tables of the Japanese decoders (iso2022jp.h), for a caller that
  /// decodes Japanese text into buffers of its own.
  JapaneseTables& japanese_tables();

 private:
  /// convert(bytes, charset).text appended to `out`, without the temporary
  /// Conversion when the bytes need no iconv.
  void append_converted(std::string_view bytes, std::string_view charset, std::string& out);

  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace sg
