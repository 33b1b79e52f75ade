// derive: a stored DNS lookup (query + raw answer bytes) to graph observations.
// Pure functions: no network, no store; re-running them on the same lookup gives
// the same observations, so a parser fix re-derives the graph without asking anyone.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "core/observation.h"
#include "core/result.h"
#include "enrich/dns/types.h"

namespace sg::dns {

/// Relation names of DNS-derived edges (subject -relation-> object).
using sg::kResolvesTo;  ///< domain -> ip (A/AAAA), declared in core/vocabulary.h for the queries that follow it
using sg::kPtr;  ///< ip -> domain (PTR): the relation hops use for a reverse name (core/vocabulary.h)
inline constexpr Relation kFcrdns{"fcrdns"};             ///< ip -> domain: the PTR name resolves back to the ip
inline constexpr Relation kCname{"cname"};               ///< domain -> domain, one per CNAME step
inline constexpr Relation kMx{"mx"};                     ///< domain -> mail exchanger domain
using sg::kNs;  ///< domain -> name server domain (core/vocabulary.h)
inline constexpr Relation kSpfInclude{"spf-include"};    ///< domain -> domain (include:)
inline constexpr Relation kSpfRedirect{"spf-redirect"};  ///< domain -> domain (redirect=)
inline constexpr Relation kSpfA{"spf-a"};                ///< domain -> domain (a:DOMAIN)
inline constexpr Relation kSpfMx{"spf-mx"};              ///< domain -> domain (mx:DOMAIN)
inline constexpr Relation kSpfIp{"spf-ip"};              ///< domain -> ip or prefix (ip4:/ip6:)

/// A lookup as stored: what was asked, when, and the raw response of every hop.
struct StoredLookup {
  int64_t id = 0;                 ///< lookup.id (provenance of the observations)
  Query query;                    ///< name and type as asked
  UnixTime time = 0;              ///< when it was asked: the observations' time
  std::vector<std::string> raw;   ///< raw DNS messages, one per CNAME hop (see pack_hops)
};

/// What one lookup yields.
struct Derived {
  std::vector<Observation> observations;  ///< deduplicated, in a stable order
  std::vector<Record> records;            ///< every answer record of every hop
  Status status = Status::Error;          ///< RCODE of the last non-empty hop (Error when none)
  /// Names or values that could not be used (unparsable hop, bad domain in a
  /// PTR/MX/SPF term), each with where it came from.
  std::vector<std::string> skipped;
};

/// Splits "name TYPE" (the lookup.query text) into a Query; errors name the text.
Result<Query> parse_query_text(std::string_view text);
/// "name TYPE", the lookup.query text of a query (name normalised).
std::string query_text(const Query& query);

/// Derives the observations of one lookup. Follows the CNAME chain from the query
/// name through the answer records of every hop (records owned by other names are
/// ignored), then per type: A/AAAA resolves-to from the query name and the final
/// name; PTR ptr from the address of the reverse name; MX/NS from the query name
/// and final name; TXT: the SPF terms. DNS answers are marked trusted: the user's
/// resolver stated them, first hand, at that time.
Derived derive(const StoredLookup& lookup);

/// Forward confirmation: when `forward` (an A/AAAA lookup of a name that `ptr`
/// returned) holds the address `ptr` asked about, one observation
/// ip -fcrdns-> name timed at the forward lookup. Empty otherwise.
std::vector<Observation> derive_fcrdns(const StoredLookup& ptr, const StoredLookup& forward);

/// The names (normalised) the PTR lookup returned for its address, in answer order.
std::vector<std::string> ptr_names(const StoredLookup& ptr);

}  // namespace sg::dns
