// Registry facts from port-43 answers: the RIRs' WHOIS (inetnum, inet6num,
// NetRange, aut-num, ASNumber) and the IRRs' route objects (RADB and the RIR
// databases). Pure functions of the answer text.
#pragma once
#include <string_view>

#include "core/observation.h"
#include "enrich/registry/facts.h"

namespace sg::registry {

/// The facts of a WHOIS answer about `asked` (an ip, prefix or asn entity), timed
/// at `time` (when it was asked) unless the registry dates them itself:
/// - for an address or prefix, the most specific network of the answer:
///   ip -registered-in-> each prefix of its range, and for each prefix holder
///   (OrgName, org-name, owner, else the first descr or the netname), country,
///   abuse-contact, mnt-by, and the attributes network-name, handle, status,
///   registered and last-changed;
/// - for an AS number: asn -holder-> org (as-name and organisation), country,
///   abuse-contact, mnt-by, and the attributes as-name, registered, last-changed.
/// The abuse contact is what the registry names for abuse: "% Abuse contact for
/// ... is '...'", abuse-mailbox, RAbuseEmail/OrgAbuseEmail, or the e-mail of the
/// abuse-c object. Route objects in the answer are read as by irr_facts.
Facts whois_facts(std::string_view answer, const EntityRef& asked, UnixTime time);

/// The facts of an IRR answer: for each route or route6 object, a route entity
/// keyed "PREFIX ASN SOURCE" with prefix -route-object-> route,
/// route -route-origin-> asn and route -mnt-by-> maintainer, and the attributes
/// descr, remarks, source, created and last-modified of the route.
Facts irr_facts(std::string_view answer, UnixTime time);

/// "114.113.195.0/24 AS133027 RADB": the key of a route entity.
std::string route_key(const IpPrefix& prefix, uint32_t origin, std::string_view source);

}  // namespace sg::registry
