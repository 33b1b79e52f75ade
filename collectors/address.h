// Addresses and identifiers in structured header fields (RFC 5322 §3.4, §3.6.4,
// RFC 2369): From, Sender, Reply-To, To, Return-Path, Message-ID, List-Unsubscribe.
// Spam is written by adversaries, so every function takes arbitrary bytes, does
// work linear in the input, never throws, and returns what it could read.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>


namespace sg {

/// At most this many addresses are returned from one field (a To: with 100k
/// recipients must not turn into 100k indicators).
inline constexpr size_t kMaxAddressesPerField = 1000;

/// The addr-specs ("local@domain") of a mailbox or address list, in order, into
/// `out` (core/result.h: `_into`; its strings keep their buffers from call to
/// call, for a caller that reads field after field).
/// Display names (quoted, encoded words, unquoted with stray commas) and comments
/// are dropped; group syntax ("undisclosed-recipients:;", "team: a@x, b@y;")
/// yields its members; obsolete routes ("<@a,@b:x@y>") are removed; "<>" yields
/// nothing. An address without '@' is kept only inside angle brackets
/// ("<MAILER-DAEMON>") or when it is the whole value, so a display name never
/// becomes an address. The domain part is lower-cased (ASCII only), the local
/// part kept as written. If nothing is found, addresses hidden in comments
/// ("Name,(<a@b>)") are accepted as a last resort. An address holding a control
/// byte (NUL, ESC, ...) is no address: it is left out, not cleaned of it.
/// `unreadable`, when given, is set to the number of addresses left out for a
/// control byte.
void parse_address_list_into(std::string_view value, std::vector<std::string>& out, size_t* unreadable = nullptr);

/// The first address parse_address_list_into would find (Sender, Return-Path),
/// into `out` (core/result.h: `_into`); false when there is none. `unreadable`,
/// when given, is set when there is none because an address held a control byte.
bool parse_single_address_into(std::string_view value, std::string& out, bool* unreadable = nullptr);

/// The part of `address` after its last '@' ("" when there is none). A view into
/// `address`, so `address.substr(0, size - domain.size())` is "local@".
std::string_view address_domain(std::string_view address);

/// One addr-spec cleaned up, into `out` (core/result.h: `_into`): surrounding
/// angle brackets, whitespace and comments (outside quotes) removed, a source
/// route or "mailto:" prefix dropped, the domain part lower-cased. Empty when
/// nothing is left. False when the address holds a control byte (see
/// is_control_byte): such a one is refused, not cleaned.
bool normalize_address_into(std::string_view address, std::string& out);

/// A Message-ID value without angle brackets ("<abc@host>" -> "abc@host"), into
/// `out` (core/result.h: `_into`), case kept (ids compare case-sensitively).
/// Tolerates comments, missing or unbalanced brackets and whitespace inside;
/// takes the first id when there are several. False for an id holding a control
/// byte, which is unreadable, not to be cleaned.
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


}  // namespace sg
