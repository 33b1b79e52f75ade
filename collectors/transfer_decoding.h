// Transfer decodings for MIME bodies (base64, quoted-printable) written into a
// caller's buffer. Bodies are the bulk of a message: these run over every byte
// of every encoded text part, so they avoid a fresh string per part and take
// the common case (whole base64 groups, literal quoted-printable bytes) in a
// tight loop. They give exactly the bytes of decode_base64 and
// decode_quoted_printable in encoded_words.h, which stay the reference (and
// serve RFC 2047 words).
#pragma once
#include <string>
#include <string_view>

namespace sg {

/// Appends the base64 decoding of `text` to `out`, byte for byte what
/// decode_base64(text) returns (lenient: junk skipped, '=' ends a group).
void append_base64_decoded(std::string_view text, std::string& out);

/// Appends the quoted-printable decoding of `text` to `out`, byte for byte what
/// decode_quoted_printable(text) returns (soft breaks dropped, malformed '=' kept).
void append_quoted_printable_decoded(std::string_view text, std::string& out);

}  // namespace sg
