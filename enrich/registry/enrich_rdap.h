// `enrich rdap`: every IP, AS and registrable domain of the graph asked of its
// registry's RDAP service (RFC 7480-7484, 9083), found through the IANA bootstrap
// (RFC 9224), over the shared HTTP client with each host's rate limit. Each answer
// (404 and 429 included) is stored in `lookup` (source "rdap", query "ip ADDRESS",
// "autnum AS133027" or "domain NAME", the HTTP status, the URL's host, the body)
// before rdap_facts() derives it. A domain's answer that names the registrar's
// own RDAP service is followed once, for the registrar's details.
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
struct RdapEnrichOptions {
  std::string bootstrap_folder;   ///< asn.json, ipv4.json, ipv6.json, dns.json (data/rdap-bootstrap/)
  /// Every query goes to this base URL ("http://127.0.0.1:8080/rdap/") instead of the
  /// bootstrap's choice (tests, mirrors); referrals are then not followed.
  std::string base_override;
  std::string contact;              ///< for the User-Agent: an e-mail or URL the registries can reach
  int64_t max_age = 7 * 86400;      ///< an entity answered more recently than this (seconds) is not asked; 0 asks all
  std::optional<UnixTime> now;      ///< the run's time; default the clock
  std::optional<int64_t> limit;     ///< at most this many queries planned
  bool offline = false;             ///< plan only
  bool domains = true;              ///< ask about registrable domains too
  int batch_answers = 200;          ///< answers per store transaction
  int64_t timeout_seconds = 60;     ///< one request, retries included
  net::HostPolicies* policies = nullptr;  ///< shared politeness state; a run-local one when null
};

/// One request of the plan.
struct PlannedRdap {
  EntityRef entity;
  std::string url;
};

/// What a run did.
struct RdapEnrichSummary {
  int64_t planned = 0;
  int64_t fresh = 0;                      ///< skipped: answered within max_age
  int64_t unknown = 0;                    ///< entities no RDAP service is known for
  int64_t sent = 0;                       ///< requests, referrals included
  int64_t referrals = 0;
  std::map<std::string, int64_t> status;  ///< lookups by status ("200", "404", "429", "ERROR")
  WriteCounts written;                    ///< lookups, observations, new edges and attributes stored
  double seconds = 0;
  std::vector<FailedRequest> failed;
  std::vector<PlannedRdap> would_query;   ///< offline only
};

/// Plans, asks, stores and derives. An error (unreadable bootstrap, store failure)
/// stops the run; batches already committed stay.
Result<RdapEnrichSummary> enrich_rdap(Store& store, const RdapEnrichOptions& options);

}  // namespace sg::registry
