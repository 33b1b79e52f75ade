// Parsing one Received header value into a Hop.
#pragma once
#include <string_view>

#include "core/evidence.h"

namespace sg {

/// Parses an unfolded Received value (without "Received:") written by any common
/// MTA: Postfix, Sendmail, Exim, qmail, Courier, Exchange/Outlook.com, Gmail,
/// Yahoo/Yahoo Japan, MS SMTPSVC, TIS smtpd, web-mail submissions, fetchmail
/// pickups (Hop::pickup), and truncated pasted forms with no `by` part. Names are
/// reported as written: an address-literal HELO keeps its brackets, a recorded
/// reverse name of "localhost" stays; only "unknown" and the like mean none.
/// Arbitrary bytes in, bounded work; never throws. Sets Hop::parsed=false (and
/// keeps raw) when nothing could be read, Hop::is_hop=false for non-network lines.
/// Hop::trusted is left false: trust is decided by the caller.
Hop parse_received(std::string_view value);

/// As parse_received, into `hop`, whatever it held: every field is overwritten and
/// its strings keep their capacity, so a caller that parses message after message
/// into the same Hops (see Evidence reuse in Analyzer) stops allocating for them.
/// `value` must not point into `hop` (its raw is overwritten first).
void parse_received(std::string_view value, Hop& hop);

/// As parse_received(value, hop) with unfold_into's value of `raw_value`, for a field value as it stands in the
/// message, folding and all: unfolded straight into hop.raw, so the value is
/// copied once rather than twice. `raw_value` must not point into `hop`.
void parse_received_field(std::string_view raw_value, Hop& hop);

}  // namespace sg
