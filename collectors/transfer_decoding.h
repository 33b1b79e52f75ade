// Transfer decodings (base64, quoted-printable) written into a caller's buffer.
// Bodies are the bulk of a message: these run over every byte of every encoded
// text part, so they avoid a fresh string per part and take the common case
// (whole base64 groups, literal quoted-printable bytes) in a tight loop.
// decode_base64 and decode_quoted_printable (encoded_words.h) return the same
// as a new string.
#pragma once
#include <string>
#include <string_view>

namespace sg {

/// Appends the base64 decoding of `text` to `out`; lenient: whitespace and junk
/// are skipped, '=' ends a group, a dangling partial byte is dropped.
void append_base64_decoded(std::string_view text, std::string& out);

/// Appends the quoted-printable decoding of `text` to `out`: "=XX" in either
/// case, soft line breaks dropped, a malformed '=' kept as it is.
void append_quoted_printable_decoded(std::string_view text, std::string& out);

/// The same decodings written at the start of `buffer` and returned as a view of
/// it, for a buffer kept from text to text: it is grown when too small but never
/// shrunk, so it is not zero-filled again each time (its bytes past the view are
/// unspecified).
std::string_view decode_base64_into(std::string_view text, std::string& buffer);
std::string_view decode_quoted_printable_into(std::string_view text, std::string& buffer);

}  // namespace sg
