// Transfer decodings (base64, quoted-printable) written into a caller's buffer.
// Bodies are the bulk of a message: these run over every byte of every encoded
// text part, so they avoid a fresh string per part and take the common case
// (whole base64 groups, literal quoted-printable bytes) in a tight loop.
#pragma once
#include <string>
#include <string_view>

namespace sg {

/// The base64 decoding of `text` into `out` (core/result.h: `_into`). Lenient:
/// characters outside the alphabet (line breaks, spaces, junk) are skipped,
/// padding is optional and ends a group (so concatenated blocks decode), a
/// dangling partial byte is dropped. Never fails; the result is at most 3/4 of
/// the input size.
void decode_base64_into(std::string_view text, std::string& out);

/// The quoted-printable decoding (RFC 2045 §6.7) of `text` into `out`
/// (core/result.h: `_into`). Lenient: "=XX" in either case becomes the byte,
/// "=" before a line end is a soft break, a malformed "=" is kept as it is.
void decode_quoted_printable_into(std::string_view text, std::string& out);

/// decode_base64_into's decoding appended to `out`, for text decoded piece by
/// piece into one string (adjacent RFC 2047 encoded words).
void append_base64_decoded(std::string_view text, std::string& out);

}  // namespace sg
