// ISO-2022-JP without a call to iconv per text, for the form nearly all Japanese
// mail takes: ASCII and JIS X 0208 switched by ESC ( B and ESC $ B.
#pragma once
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

}  // namespace sg
