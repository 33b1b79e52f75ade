// Making text that came from spam safe to hand on: valid UTF-8 for JSON, visible
// escapes for a terminal. The stored evidence keeps the bytes as they were; this
// is for output only (header analysis has its own, faster checks in collectors/).
#pragma once
#include <string>
#include <string_view>

namespace sg {

/// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or
/// code points above U+10FFFF), the form JSON requires.
bool is_well_formed_utf8(std::string_view text);

/// `text` with each ill-formed sequence (a maximal subpart, as Unicode
/// recommends) replaced by U+FFFD; valid text comes back unchanged.
std::string to_valid_utf8(std::string_view text);

/// `text` for printing to a person: C0 controls (ESC, BEL, CR, LF, TAB ...), DEL,
/// the C1 controls U+0080..U+009F, bidirectional overrides and isolates, and the
/// bytes of ill-formed UTF-8 become visible escapes ("\x1b", "\xc2\x9b", "\u202e",
/// "\xe9"), so spam cannot move the cursor, retitle the terminal or hide text.
/// Printable UTF-8 (accents, Japanese, ...) stays as it is.
std::string escape_for_terminal(std::string_view text);

}  // namespace sg
