// Whether a WHOIS answer sends us to another server, and with which query line.
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

#include "enrich/whois/rpsl.h"
#include "enrich/whois/servers.h"

namespace sg::whois {

/// Why an answer points elsewhere.
enum class ReferralKind : uint8_t {
  referral_server,    ///< ARIN "ReferralServer: whois://host[:port]" (the last one: the most specific net)
  rwhois,             ///< ARIN "ReferralServer: rwhois://host:port": another protocol, reported, not followed
  transferred,        ///< a registry's stub for space another RIR now holds ("descr: Transferred to the
                      ///< ARIN region" with "mnt-by: APNIC-STUB")
  not_managed,        ///< only placeholder objects (IANA-BLK, NON-RIPE-NCC-MANAGED-ADDRESS-BLOCK,
                      ///< ERX-NETBLOCK): the registry does not know who holds it, IANA does
  national_registry,  ///< an APNIC block run by JPNIC, KRNIC or TWNIC (mnt-lower MNT-KRNIC-AP, source JPNIC, ...)
  iana,               ///< IANA's "refer:" (or "whois:") line
};

/// Where to ask next.
struct Referral {
  ReferralKind kind = ReferralKind::referral_server;
  /// The server, port and line to send it (query_line for that server). For rwhois the
  /// RWhois server and port, and the query as it was asked.
  WhoisQuery next;
  /// False for rwhois: the WHOIS client should stop and keep the answer it has.
  bool followable() const { return kind != ReferralKind::rwhois; }
};

/// The referral in the answer `server` gave to `query` (the address, prefix or AS number
/// asked, not the line sent), or nullopt when the answer is final. A referral back to
/// `server` itself, to a malformed host or port, or in an unknown scheme is ignored.
/// Reads ReferralServer lines (ARIN's) from any server, refer lines only from
/// whois.iana.org, the RIPE-style stubs from any server, and the national hand-off only
/// from whois.apnic.net. Server names compare without case.
std::optional<Referral> find_referral(std::string_view server, std::string_view query, const RpslAnswer& answer);

/// The same for the raw answer text (parsed with parse_rpsl).
std::optional<Referral> find_referral(std::string_view server, std::string_view query, std::string_view answer);

}  // namespace sg::whois
