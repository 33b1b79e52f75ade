// The authentication statements receiving servers add to a message:
// Received-SPF (RFC 7208 §9.1), Authentication-Results and ARC-Authentication-
// Results (RFC 8601, RFC 8617), and the identifying tags of DKIM-Signature
// (RFC 6376). Values are unfolded header values (folding that survives is read
// as whitespace). Arbitrary bytes in, linear work, bounded output, never throws.
#pragma once
#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "core/evidence.h"

namespace sg {

/// Reads a Received-SPF value: the result word (lower-cased; pass, fail,
/// softfail, neutral, none, temperror, permerror, and the RFC 4408 "error" /
/// "unknown"), the comment that follows it, and the key=value list (quoted
/// values unquoted; unknown keys ignored; the first of a repeated key wins).
/// When the list lacks them, client_ip is taken from the first IP address in
/// the comment ("designates 192.0.2.1 as permitted sender"), envelope_from from
/// "domain of X" when X is a mailbox (a bare domain there may be the HELO
/// identity, so it is not used), and receiver from the "host:" prefix of the
/// comment. envelope_from is normalised (angle brackets dropped, domain
/// lower-cased); receiver "<UNKNOWN>" (pyspf without a host name) becomes "".
/// Returns nullopt when the value has neither a known result word nor any known key.
/// A value holding a control byte (NUL, ESC, ...) is left empty, not cut or
/// cleaned; `unreadable`, when given, is set when one was.
std::optional<SpfVerdict> parse_received_spf(std::string_view value, bool* unreadable = nullptr);

/// At most this many method results are read from one field.
inline constexpr size_t kMaxAuthResults = 64;
/// At most this many properties are kept per method result.
inline constexpr size_t kMaxAuthProperties = 32;

/// Reads an Authentication-Results value (RFC 8601 §2.2): authserv-id (lower-
/// cased; "" when missing, as in Microsoft's "spf=... ; dkim=..." form) and an
/// optional version, then ';'-separated resinfo groups
/// `method[/version]=result [reason=...] ptype.property=value ...`. Comments are
/// skipped anywhere (nested, holding ';'), quoted values are unquoted, method,
/// result and property names are lower-cased, values kept as written (control
/// bytes and all: a word is not cut at one).
/// Every returned AuthResult carries the authserv_id and `arc_instance`.
/// - `reason=` is kept as the property "reason"; other unqualified keys
///   (Microsoft's "action=", "compauth" ones) are kept under their own names.
/// - A group that holds only properties (SpamAssassin's "header.From=a@b;",
///   Yahoo's trailing "header.i=@example.com") becomes a result with empty
///   method and result and those properties.
/// - Yahoo's "from=example.com" (after the authserv-id or a ';') is read the
///   same way, as property "header.from", so the header-from domain of
///   "******** from=kldoqzn6x62p3.top; ..." is find_property(r, "header.from").
/// - The no-result form "example.org 1; none" yields no results.
/// - A leading ARC instance tag "i=N;" is skipped; N is used when
///   `arc_instance` is 0.
std::vector<AuthResult> parse_authentication_results(std::string_view value, int arc_instance = 0);

/// As parse_authentication_results, into results[first, returned index) of a list
/// the caller keeps from message to message: results already there are overwritten
/// (their strings and properties keep their capacity), more are appended. Results
/// from the returned index on are left as they were, for the caller to reuse or
/// erase. Requires first <= results.size(); `value` must not point into `results`.
size_t parse_authentication_results(std::string_view value, int arc_instance, std::vector<AuthResult>& results,
                                    size_t first);

/// The instance number of an ARC-Authentication-Results value: the leading
/// "i=N;" (spaces and comments allowed around the parts). nullopt when absent
/// or not a number of at most 9 digits.
std::optional<int> arc_instance_of(std::string_view value);

/// parse_authentication_results(value, arc_instance_of(value).value_or(0)).
std::vector<AuthResult> parse_arc_authentication_results(std::string_view value);

/// The value of the first property named `name` (lower case, "header.from"),
/// or "" when the result has none.
std::string_view find_property(const AuthResult& result, std::string_view name);

/// Reads the d=, s=, i= and a= tags of a DKIM-Signature (or ARC-Message-
/// Signature) tag list. Whitespace inside values is removed (RFC 6376 §3.2
/// allows FWS anywhere in a value); tag names are matched case-insensitively
/// and the first non-empty value of a repeated tag wins. The domain is lower-cased with a
/// trailing dot dropped, the domain part of i= lower-cased; selector and
/// algorithm kept as written. nullopt when none of the four tags is present.
/// A tag value holding a control byte (NUL, ESC, ...) is left empty, not cleaned
/// of it; `unreadable`, when given, is set when one was.
std::optional<DkimSignature> parse_dkim_signature(std::string_view value, bool* unreadable = nullptr);

}  // namespace sg
