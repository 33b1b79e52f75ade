// Team Cymru's IP-to-ASN mapping (https://www.team-cymru.com/ip-asn-mapping): the
// names to ask by DNS TXT, the bulk WHOIS request, and pure parsers of both
// answers. No network here; the answers are "|"-separated text.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/ip.h"
#include "core/result.h"
#include "core/time.h"

namespace sg::cymru {

/// The TXT name for an address's origin: "101.195.113.114.origin.asn.cymru.com"
/// for 114.113.195.101 (octets reversed), for IPv6 the 32 nibbles reversed under
/// "origin6.asn.cymru.com". No trailing dot.
std::string cymru_origin_name(const IpAddress& address);

/// The TXT name for an AS's registration and name: "AS133027.asn.cymru.com".
std::string cymru_as_name(uint32_t asn);

/// An origin TXT answer: "133027 | 114.113.195.0/24 | HK | apnic | 2014-05-20".
struct CymruOrigin {
  std::vector<uint32_t> asns;  ///< several when the prefix has more origins (MOAS): "23028 3356 | ..."
  IpPrefix prefix;
  std::string country;                ///< registered country code, "HK" ("" when not given)
  std::string registry;               ///< "apnic", "ripencc", "arin", ... ("" when not given)
  std::optional<UnixTime> allocated;  ///< the allocation date, when given
};

/// Reads one origin TXT string (the record's character-strings joined).
Result<CymruOrigin> parse_cymru_origin_txt(std::string_view text);

/// An AS TXT answer: "133027 | HK | apnic | 2014-05-20 | ET355-AS Eric Tam, HK".
struct CymruAs {
  uint32_t asn = 0;
  std::string country;
  std::string registry;
  std::optional<UnixTime> allocated;
  std::string name;  ///< the AS description, commas and all
};

/// Reads one AS TXT string.
Result<CymruAs> parse_cymru_as_txt(std::string_view text);

/// The bulk WHOIS request for whois.cymru.com port 43: "begin\nverbose\n", one
/// address per line, "end\n".
std::string cymru_bulk_request(const std::vector<IpAddress>& addresses);

/// One answer line of bulk verbose mode:
/// "AS | IP | BGP Prefix | CC | Registry | Allocated | AS Name".
struct CymruBulkRow {
  std::optional<uint32_t> asn;     ///< empty for "NA": the address is not routed
  IpAddress address;               ///< the address asked about
  std::optional<IpPrefix> prefix;  ///< empty when not routed
  std::string country;
  std::string registry;
  std::optional<UnixTime> allocated;
  std::string as_name;  ///< "" when not routed
};

/// A whole bulk answer.
struct CymruBulkAnswer {
  std::optional<UnixTime> time;  ///< from the "Bulk mode; whois.cymru.com [...]" header line
  std::vector<CymruBulkRow> rows;
  /// Lines that are no row: the server's "Error: ..." lines, and lines that do
  /// not read as a row ("line N: reason").
  std::vector<Error> problems;
};

/// Lines kept in problems at most; the rest are dropped so hostile input stays bounded.
inline constexpr size_t kMaxBulkProblems = 1000;

/// Reads a bulk verbose answer. An Error only when the text is no bulk answer at
/// all (no "Bulk mode" header line before the first row).
Result<CymruBulkAnswer> parse_cymru_bulk(std::string_view answer);

}  // namespace sg::cymru
