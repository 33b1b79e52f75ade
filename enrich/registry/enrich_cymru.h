// `enrich cymru`: Team Cymru's IP-to-ASN service (https://www.team-cymru.com/ip-asn-mapping)
// asked about every public IP of the graph, the way `enrich rdap` asks the registries.
//
// DNS    (the default) each IP's origin TXT name (origin.asn.cymru.com,
//        origin6.asn.cymru.com) through the DNS resolver of enrich/dns; then the
//        AS TXT name (AS133027.asn.cymru.com) of every AS of the graph not asked
//        within max-age, which includes the origins just found.
// bulk   (`bulk`, or more than `auto_bulk_above` IPs planned) the IPs in batches
//        over Team Cymru's bulk WHOIS ("begin\nverbose\n...\nend\n", port 43),
//        through the shared WHOIS client with its caps and host limits. The AS
//        names come in the rows, so no AS names are asked.
//
// Every answer is stored in `lookup` (source "cymru") before cymru_facts derives
// it. Queries: "origin IP" and "as ASN" (answer: the TXT strings, one per line;
// server: the resolver), "bulk IP" (server: HOST:PORT). A bulk answer is stored
// as one row per IP of the batch holding the answer's "Bulk mode;" header line
// and that IP's rows, byte for byte: each fact then names the lookup that states
// it, the IP's freshness is its own, and a row re-derives alone. An IP the answer
// has no row for is stored with status MISSING and the answer's Error lines. A
// batch that failed (refused, timed out, cut at the size cap, no bulk answer)
// stores a row per IP with status ERROR, TRUNCATED or UNREADABLE, the bytes that
// came kept once, with the batch's first IP; a cut answer's complete rows count.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/observation.h"
#include "core/result.h"
#include "enrich/net/host_policy.h"
#include "enrich/registry/fact_writer.h"
#include "store/store.h"

namespace sg::registry {

/// How a run goes.
struct CymruEnrichOptions {
  std::string resolver;                         ///< DNS server "HOST[:PORT]"; "" = the system's resolvers
  std::string bulk_server = "whois.cymru.com";  ///< "HOST[:PORT]" (port 43 when absent)
  bool bulk = false;                            ///< ask over bulk WHOIS rather than DNS
  int64_t auto_bulk_above = 1000;               ///< more IPs planned than this: bulk, whatever `bulk` says
  size_t bulk_batch = 1000;                     ///< IPs per bulk request (>= 1)
  int64_t max_age = 7 * 86400;  ///< an entity answered more recently than this (seconds) is not asked; 0 asks all
  std::optional<UnixTime> now;   ///< the run's time; default the clock
  std::optional<int64_t> limit;  ///< at most this many entities planned (IPs first, then ASes)
  bool offline = false;          ///< plan only
  int batch_answers = 200;       ///< answers per store transaction
  int64_t timeout_seconds = 60;  ///< one bulk request, connect to close
  uint64_t max_answer_bytes = uint64_t{4} << 20;  ///< a bulk answer is cut here (about 20,000 rows)
  net::HostPolicies* policies = nullptr;          ///< shared politeness state; a run-local one when null
};

/// One query of the plan.
struct PlannedCymru {
  EntityRef entity;    ///< ip or asn
  std::string query;   ///< the lookup.query text: "origin 114.113.195.101", "as AS133027", "bulk ..."
  std::string name;    ///< the TXT name asked, or "" for bulk
};

/// A query that did not end in an answer the parser could read.
struct FailedCymru {
  std::string query;  ///< lookup.query
  std::string error;
};

/// What a run did.
struct CymruEnrichSummary {
  bool bulk = false;                      ///< whether the IPs went over bulk WHOIS
  std::string server;                     ///< the resolver ("system" or HOST:PORT), or the bulk server
  int64_t planned = 0;                    ///< entities planned: IPs, and ASes asked by DNS
  int64_t fresh = 0;                      ///< skipped: answered within max_age
  int64_t sent = 0;                       ///< DNS queries, or bulk requests
  std::map<std::string, int64_t> status;  ///< lookups by status (OK, NXDOMAIN, MISSING, TIMEOUT, ...)
  WriteCounts written;                    ///< lookups, observations, new edges and attributes stored
  double seconds = 0;
  std::vector<FailedCymru> failed;
  std::vector<PlannedCymru> would_query;  ///< offline only: the IPs, and the ASes already in the graph
};

/// Plans, asks, stores and derives. An error (bad option, store failure) stops the
/// run; batches already committed stay.
Result<CymruEnrichSummary> enrich_cymru(Store& store, const CymruEnrichOptions& options);

}  // namespace sg::registry
