// Registry facts from RDAP answers (RFC 9083): IP networks, autnums, domains.
// A pure function of a parsed answer.
#pragma once

#include "core/observation.h"
#include "enrich/rdap/rdap.h"
#include "enrich/registry/facts.h"

namespace sg::registry {

/// The facts of an RDAP answer about `asked` (an ip, asn or domain entity), timed
/// at `time`:
/// - an IP network: ip -registered-in-> each of its CIDRs holding the address, and
///   for each, holder (the registrant's name, else the network's name), country,
///   abuse-contact, and the attributes network-name, handle, status (its type),
///   parent-handle, range, registered and last-changed;
/// - an autnum: asn -holder-> "NAME Registrant", country, abuse-contact, and the
///   attributes as-name, handle, registered, last-changed;
/// - a domain: domain -registrar-> org, -ns-> each name server, -abuse-contact-> the
///   registrar's abuse desk, and the attributes registered, expires, last-changed,
///   status and registrar-iana-id.
/// An answer that is no object (404, 429) gives no facts.
Facts rdap_facts(const rdap::Answer& answer, const EntityRef& asked, UnixTime time);

}  // namespace sg::registry
