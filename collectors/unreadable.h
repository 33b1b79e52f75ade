// Bytes that no host name, address or URL holds, and how a problem note names a
// value that had them without passing them on.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace sg {

/// NUL, the C0 control bytes other than tab, CR and LF, and DEL. A value found
/// with one is unreadable: cut at it or cleaned of it, it would be whatever
/// the sender chose to show a naive parser.
inline bool is_control_byte(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return (byte < 0x20 && c != '\t' && c != '\n' && c != '\r') || byte == 0x7f;
}

/// Whether `text` holds a byte is_control_byte.
bool holds_control_byte(std::string_view text);

/// `text` as a problem note may quote it: at most `max` bytes, each outside
/// printable ASCII written "\xNN", "..." when cut. Notes reach terminals and JSON.
std::string escaped_excerpt(std::string_view text, size_t max = 64);

}  // namespace sg
