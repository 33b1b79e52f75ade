// Registry facts from Team Cymru's IP-to-ASN answers as `enrich cymru` stores them
// in `lookup` (source "cymru"): pure functions of the stored answer text, so a
// parser fix re-derives the graph without asking Team Cymru again.
//
// The stored answers:
//   "origin IP"  the origin TXT strings, one per line ("133027 | 114.113.195.0/24 | HK | apnic | 2014-05-20")
//   "as ASN"     the AS TXT strings, one per line ("133027 | HK | apnic | 2014-05-20 | ET355-AS Eric Tam, HK")
//   "bulk IP"    the bulk answer's "Bulk mode;" header line and the rows of that IP,
//                as received (enrich_cymru.h says why one row per IP)
#pragma once
#include <string>
#include <string_view>

#include "core/observation.h"
#include "enrich/registry/facts.h"

namespace sg::registry {

/// The facts of an origin answer about the ip `asked`: ip -in-prefix-> the most
/// specific prefix holding it; for every prefix of the answer that holds it,
/// prefix -originated-by-> each origin AS (several for MOAS), prefix -country->
/// the registered country, and the attributes registry and allocated. Lines that
/// do not read, and prefixes that do not hold the address, go to `skipped`.
Facts cymru_origin_facts(std::string_view answer, const EntityRef& asked, UnixTime time);

/// The facts of an AS answer about the asn `asked`: asn -holder-> org (the AS name
/// without Team Cymru's trailing ", CC"), asn -country->, and the attributes
/// registry and allocated. A line about another AS is skipped.
Facts cymru_as_facts(std::string_view answer, const EntityRef& asked, UnixTime time);

/// The facts of a bulk verbose answer about the ip `asked`: its rows read as an
/// origin answer, and each row's AS name as that AS's holder. Rows of other
/// addresses, unrouted ("NA") rows and the server's Error lines give nothing.
Facts cymru_bulk_facts(std::string_view answer, const EntityRef& asked, UnixTime time);

/// "ET355-AS Eric Tam" for "ET355-AS Eric Tam, HK": Team Cymru ends AS names with
/// the country code, which the holder's name (as other sources write it) lacks.
std::string cymru_holder_name(std::string_view as_name);

}  // namespace sg::registry
