// Addresses and identifiers in structured header fields (RFC 5322 §3.4, §3.6.4,
// RFC 2369): From, Sender, Reply-To, To, Return-Path, Message-ID, List-Unsubscribe.
// Spam is written by adversaries, so every function takes arbitrary bytes, does
// work linear in the input, never throws, and returns what it could read.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ascii.h"
#include "core/byte_scan.h"

namespace sg {

/// At most this many addresses are returned from one field (a To: with 100k
/// recipients must not turn into 100k indicators).
inline constexpr size_t kMaxAddressesPerField = 1000;

/// The addr-specs ("local@domain") of a mailbox or address list, in order.
/// Display names (quoted, encoded words, unquoted with stray commas) and comments
/// are dropped; group syntax ("undisclosed-recipients:;", "team: a@x, b@y;")
/// yields its members; obsolete routes ("<@a,@b:x@y>") are removed; "<>" yields
/// nothing. An address without '@' is kept only inside angle brackets
/// ("<MAILER-DAEMON>") or when it is the whole value, so a display name never
/// becomes an address. The domain part is lower-cased (ASCII only), the local
/// part kept as written. If nothing is found, addresses hidden in comments
/// ("Name,(<a@b>)") are accepted as a last resort. An address holding a control
/// byte (NUL, ESC, ...) is no address: it is left out, not cleaned of it.
std::vector<std::string> parse_address_list(std::string_view value);

/// As parse_address_list, into `out` (its contents replaced): the strings keep
/// their buffers from call to call, for a caller that reads field after field.
/// `unreadable`, when given, is set to the number of addresses left out for a
/// control byte.
void parse_address_list_into(std::string_view value, std::vector<std::string>& out, size_t* unreadable = nullptr);

/// The first address parse_address_list would return (Sender, Return-Path).
std::optional<std::string> parse_single_address(std::string_view value);

/// As parse_single_address, written over `address` (its buffer reused); false,
/// with `address` untouched, when there is none. `unreadable`, when given, is
/// set when there is none because an address held a control byte.
bool parse_single_address_into(std::string_view value, std::string& address, bool* unreadable = nullptr);

/// The part of `address` after its last '@' ("" when there is none). A view into
/// `address`, so `address.substr(0, size - domain.size())` is "local@".
std::string_view address_domain(std::string_view address);

/// One addr-spec cleaned up: surrounding angle brackets, whitespace and comments
/// (outside quotes) removed, a source route or "mailto:" prefix dropped, the
/// domain part lower-cased. "" when nothing is left, or when the address holds
/// a control byte (see is_control_byte): such a one is refused, not cleaned.
std::string normalize_address(std::string_view address);

/// As normalize_address, written over `out` (its buffer reused); false (and
/// `out` empty) when the address was refused for a control byte.
bool normalize_address_into(std::string_view address, std::string& out);

/// A Message-ID value without angle brackets ("<abc@host>" -> "abc@host"), case
/// kept (ids compare case-sensitively). Tolerates comments, missing or unbalanced
/// brackets and whitespace inside; takes the first id when there are several.
/// "" for an id holding a control byte, which is unreadable, not to be cleaned.
std::string parse_message_id(std::string_view value);

/// As parse_message_id, written over `out` (its buffer reused); `value` must not
/// point into `out`. False, with `out` empty, when the id held a control byte.
bool parse_message_id_into(std::string_view value, std::string& out);

/// At most this many URIs are returned from one List-Unsubscribe field.
inline constexpr size_t kMaxUnsubscribeUris = 64;

/// The mailto:, http: and https: URIs of a List-Unsubscribe value (RFC 2369),
/// from its <...> elements in order, whitespace removed, scheme lower-cased (the
/// rest as written). Other schemes are skipped. Falls back to bare words when
/// there are no angle brackets, and decodes RFC 2047 encoded words first when a
/// sender (wrongly) encoded the whole field. A URI holding a control byte is
/// skipped, not cleaned; `unreadable`, when given, is set to how many were.
std::vector<std::string> parse_list_unsubscribe(std::string_view value, size_t* unreadable = nullptr);

/// Lexical pieces of RFC 5322 that the structured-field parsers share.
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

/// ASCII-only lower-casing in place; bytes >= 0x80 (UTF-8) are left alone.
inline void ascii_lower_in_place(std::string& text) {
  for (char& c : text) c = ascii_lower(c);
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
