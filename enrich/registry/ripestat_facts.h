// Routing facts from RIPEstat Data API answers (BGP as RIPE RIS saw it). Pure
// functions of a stored answer, so that a parser fix re-derives the graph.
//
// The time lines of announced-prefixes and routing-history become observations at
// their own start and end, not at the time of the query: an edge prefix
// -originated-by-> AS then spans the years it was announced.
#pragma once
#include <optional>
#include <string>
#include <string_view>

#include "core/observation.h"
#include "core/result.h"
#include "enrich/registry/facts.h"

namespace sg::registry {

/// The data calls `enrich bgp` makes, by the kind of entity asked about.
/// ip: network-info; prefix: prefix-overview, routing-history, abuse-contact-finder;
/// asn: announced-prefixes, as-overview.
inline constexpr std::string_view kNetworkInfo = "network-info";
inline constexpr std::string_view kPrefixOverview = "prefix-overview";
inline constexpr std::string_view kRoutingHistory = "routing-history";
inline constexpr std::string_view kAbuseContactFinder = "abuse-contact-finder";
inline constexpr std::string_view kAnnouncedPrefixes = "announced-prefixes";
inline constexpr std::string_view kAsOverview = "as-overview";

/// The facts of the answer to data call `call` about `asked`, at `time` (the query's):
/// - network-info: ip -in-prefix-> the announced prefix, prefix -originated-by-> each origin;
/// - prefix-overview: the answered prefix (the asked one, or the less specific one
///   announced) -originated-by-> each origin, each origin -holder-> its holder,
///   attribute "iana-block" ("114.0.0.0/8 APNIC (Status: ALLOCATED)");
/// - announced-prefixes: prefix -originated-by-> the AS at each time line's start and end;
/// - routing-history: prefix -originated-by-> each origin at each time line's start and end;
/// - as-overview: asn -holder-> org (the registered holder), attribute "announced" yes/no;
/// - abuse-contact-finder: asked -abuse-contact-> each e-mail address,
///   attribute "authoritative-rir".
/// An answer whose envelope reports an error gives no facts; a body that is no
/// such answer is an Error naming the field.
Result<Facts> ripestat_facts(std::string_view call, std::string_view body, const EntityRef& asked, UnixTime time);

/// Observations of more time lines than this in one answer are not kept (a huge
/// transit AS's routing-history): `skipped` says how many were left out.
inline constexpr size_t kMaxTimelineObservations = 200000;

}  // namespace sg::registry
