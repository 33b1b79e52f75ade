// Bytes that no host name, address or URL holds, and how a problem note names a
// value that had them without passing them on.
#pragma once
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

#include "core/byte_scan.h"

namespace sg {

/// NUL, the C0 control bytes other than tab, CR and LF, and DEL. A value found
/// with one is unreadable: cut at it or cleaned of it, it would be whatever
/// the sender chose to show a naive parser.
constexpr bool is_control_byte(char c) {
  const auto byte = static_cast<unsigned char>(c);
  return (byte < 0x20 && c != '\t' && c != '\n' && c != '\r') || byte == 0x7f;
}

/// One bit per byte of the sixteen at `at` that is_control_byte.
inline unsigned control_bytes_in(const char* at) {
  const scan::Block block = scan::load(at);
  const scan::Block blanks = scan::equal(block, '\t') | scan::equal(block, '\n') | scan::equal(block, '\r');
  return scan::mask(scan::and_not(scan::below(block, 0x20), blanks) | scan::equal(block, 0x7f));
}

/// Whether `text` holds a byte is_control_byte. Sixteen bytes a step, a short
/// text through a padded copy: it runs on every name a message states.
inline bool holds_control_byte(std::string_view text) {
  if (text.size() < 16) {
    if (text.empty()) return false;  // memcpy may not be given the null data() of an empty view
    char padded[16];
    std::memset(padded, 'a', sizeof padded);
    std::memcpy(padded, text.data(), text.size());
    return control_bytes_in(padded) != 0;
  }
  return find_first_marked(text, 0, control_bytes_in, is_control_byte) != text.size();
}

/// `text` as a problem note may quote it: at most `max` bytes, each outside
/// printable ASCII written "\xNN", "..." when cut. Notes reach terminals and JSON.
std::string escaped_excerpt(std::string_view text, size_t max = 64);

}  // namespace sg
