// Japanese text without a call to iconv per text: ISO-2022-JP in the form nearly
// all Japanese mail takes (ASCII and JIS X 0208 switched by ESC ( B and ESC $ B),
// and Shift_JIS as CP932 reads it. Both from tables iconv itself fills.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace sg {

/// Replaces `out` by the UTF-8 of ISO-2022-JP `text` and returns true when the
/// text only switches between ASCII and JIS X 0208 and iconv decodes each of its
/// characters cleanly; the bytes are then exactly those iconv gives, as each
/// character comes from a per-thread table that iconv itself fills. False for
/// anything else (other escapes, 8-bit bytes, SO/SI, a character iconv rejects):
/// the caller converts with iconv, and `out` is unspecified.
bool decode_common_iso2022jp(std::string_view text, std::string& out);

/// The same written at the start of `buffer` and returned as a view of it, for a
/// buffer kept from text to text: grown when too small, never shrunk, so it is
/// not zero-filled again each time. nullopt where decode_common_iso2022jp is false.
std::optional<std::string_view> decode_common_iso2022jp_into(std::string_view text, std::string& buffer);

/// The length of the run of ASCII at the start of `text` that ISO-2022-JP (and any
/// charset for which ASCII means ASCII) passes through unchanged: up to an ESC, SO,
/// SI or 8-bit byte.
size_t plain_ascii_run(std::string_view text);

/// Replaces `out` by the UTF-8 of Shift_JIS `text` as iconv's CP932 reads it and
/// returns true when iconv decodes each of its characters cleanly (the bytes are
/// then exactly those CharsetDecoder::convert gives for a shift_jis label).
/// False for anything else (a byte or pair iconv rejects, half a character at
/// the end): the caller converts with iconv, and `out` is unspecified.
bool decode_common_cp932(std::string_view text, std::string& out);

}  // namespace sg
