// Which WHOIS server to ask about an IP address, prefix or AS number, and the exact
// line to send it. The choices are those of Debian's whois client 5.5.17 (its
// `--verbose` output is tests/data/fixtures/whois/server-selection/EXPECTED.md) with
// one difference: that client starts every query to a RIPE-software server (RIPE,
// APNIC, AFRINIC) with "-V Md5.5.17", its own version tag; we send no such flag.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

#include "core/result.h"

namespace sg::whois {

/// A question for one WHOIS server (port 43, RFC 3912): connect, send `query` + CRLF.
struct WhoisQuery {
  std::string server;  ///< host name, "whois.apnic.net"
  uint16_t port = 43;
  std::string query;  ///< the line to send, without CRLF
  friend bool operator==(const WhoisQuery&, const WhoisQuery&) = default;
};

/// The server and query line for `query`: an IPv4 or IPv6 address, a prefix
/// ("114.113.195.0/24", "2001:db8::/32") or an AS number in any form parse_as_number
/// takes ("AS133027", "as133027", "AS 133027"). Leading and trailing blanks are
/// ignored. 6to4 (2002::/16) and Teredo (2001::/32) addresses are asked about their
/// IPv4 endpoint, as Debian's client does. Private, special-use and unallocated space
/// goes to whois.iana.org, which answers with a "refer:" to the registry when there
/// is one (Debian's client says "unknown" or asks ARIN instead). Anything else is
/// an Error naming the query.
Result<WhoisQuery> select_server(std::string_view query);

/// The line to send `server` for `query` (an address, prefix or AS number as above):
/// ARIN "n + ADDRESS", "r + = PREFIX" and "a NUMBER"; JPNIC "ADDRESS/e" and
/// "AS NUMBER/e" (English answers); every other server the query lower-cased, AS
/// numbers as "as133027". Text that is neither is sent lower-cased, as it is.
std::string query_line(std::string_view server, std::string_view query);

}  // namespace sg::whois
