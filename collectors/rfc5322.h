// Lexical pieces of RFC 5322 (§3.2: comments, quoted strings, white space) that
// the structured-field parsers share. Spam is written by adversaries: every
// function takes arbitrary bytes and does work linear in the input.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "core/ascii.h"
#include "core/byte_scan.h"

namespace sg {

namespace rfc5322 {

/// `pos` points at '(': returns the index just past the matching ')', honouring
/// nesting and backslash escapes; text.size() when the comment is unterminated
/// (then *closed, if given, is set false). Iterative, so 100k '(' cost a
/// counter, not a stack.
size_t skip_comment(std::string_view text, size_t pos, bool* closed = nullptr);

/// `pos` points at '"': returns the index just past the closing quote (escapes
/// honoured); text.size() when the string is unterminated (*closed set false).
size_t skip_quoted_string(std::string_view text, size_t pos, bool* closed = nullptr);

/// The content of a quoted string (without its quotes) with backslash escapes removed.
std::string unquote(std::string_view inner);

/// True for space, tab, CR, LF and other control bytes, which the parsers treat
/// as separators (folding may survive in values; NUL must not end a token).
inline bool is_space(char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; }

/// The first index from `i` on whose byte is_space or one of `kStops`; text.size()
/// when there is none. Sixteen bytes a step; a short tail is read as the last
/// sixteen bytes of `text` (never beyond it), bytewise only when `text` is shorter.
template <char... kStops>
size_t find_space_or(std::string_view text, size_t i) {
  return find_first_marked(
      text, i,
      [](const char* at) {
        const scan::Block block = scan::load(at);
        scan::Block stops = scan::at_most(block, ' ') | scan::equal(block, 0x7f);
        ((stops = stops | scan::equal(block, kStops)), ...);
        return scan::mask(stops);
      },
      [](char c) { return is_space(c) || ((c == kStops) || ...); });
}

/// Appends `text` to `out` without its is_space bytes, finding them sixteen bytes a step.
inline void append_without_spaces(std::string& out, std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    const size_t end = find_space_or(text, i);
    out.append(text.data() + i, end - i);
    i = end + 1;  // past the blank (or past the end)
  }
}

/// Appends `text` to `out` without the bytes for which `drop(c)` is true. Runs
/// between dropped bytes are copied in bulk: per-byte push_back dominated profiles.
template <typename Drop>
void append_without(std::string& out, std::string_view text, Drop drop) {
  size_t run = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (!drop(text[i])) continue;
    out.append(text.data() + run, i - run);
    run = i + 1;
  }
  out.append(text.data() + run, text.size() - run);
}

}  // namespace rfc5322

}  // namespace sg
