// `enrich dns`: plan, fetch (c-ares) and derive for the whole store in one run.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "enrich/dns/plan.h"
#include "enrich/dns/resolver.h"
#include "store/store.h"

namespace sg::dns {

/// Counters a progress display reads while the run goes on.
struct Progress {
  int64_t submitted = 0;  ///< queries handed to the resolver so far (plan + FCrDNS forward)
  int64_t answered = 0;   ///< of which ended (any status)
  double seconds = 0;     ///< since the first query was sent
};

/// How `enrich dns` runs.
struct EnrichOptions {
  ResolverOptions resolver;        ///< servers (empty: the system's), in flight, timeout, tries
  PlanOptions plan;                ///< scope, max_age, limit (plan.now is set from `now`)
  std::optional<UnixTime> now;     ///< the run's time (--now); lookups are stamped with it. Default: the clock
  bool offline = false;            ///< plan only: nothing is sent, nothing written
  int batch_answers = 1000;        ///< answers per store transaction
  /// Called after each answer (from the resolver's thread, the caller's own).
  std::function<void(const Progress&)> on_progress;
};

/// A lookup that did not end in NOERROR, for the user to see.
struct FailedLookup {
  std::string query;   ///< "nx.example.shop A"
  std::string status;  ///< NXDOMAIN, SERVFAIL, TIMEOUT, REFUSED, ...
  UnixTime time = 0;
  /// The status of the newest earlier lookup of the same query ("" when none): a
  /// NOERROR here means the name stopped resolving.
  std::string previous_status;
};

/// What a run did.
struct EnrichSummary {
  int64_t planned_entities = 0;            ///< entities with at least one query
  int64_t planned_queries = 0;             ///< queries from the plan
  int64_t fresh = 0;                       ///< entity-type pairs skipped by max_age
  int64_t queries = 0;                     ///< queries sent (plan + FCrDNS forward lookups)
  std::map<std::string, int64_t> status;   ///< answers by status text
  int64_t lookups_stored = 0;              ///< lookup rows written
  int64_t observations = 0;                ///< observations written
  int64_t new_edges = 0;                   ///< edges that did not exist before
  int64_t fcrdns_checked = 0;              ///< PTR names whose forward lookup ended
  int64_t fcrdns_confirmed = 0;            ///< of which resolve back to the address
  int64_t skipped_values = 0;              ///< unusable names/values in answers (see derive)
  double seconds = 0;                      ///< wall time of fetch + derive
  std::vector<FailedLookup> failed;        ///< every lookup that did not end NOERROR
  std::vector<PlannedQuery> would_query;   ///< offline only: the plan
  std::string server;                      ///< what lookup.server says ("system" or the list)
};

/// Plans from `store`, sends the queries (unless offline), stores every answer as a
/// `lookup` row (raw bytes first) and the observations derived from it, with
/// ("lookup", id) as provenance, in transactions of batch_answers answers. Each PTR
/// name is looked up forward (A for IPv4, AAAA for IPv6) in the same run for FCrDNS:
/// the PTRs and their forward lookups go first, then the domains' queries (a query
/// already asked as a forward lookup is not asked again).
/// An error (bad resolver option, store failure) stops the run; batches already
/// committed stay.
Result<EnrichSummary> enrich_dns(Store& store, const EnrichOptions& options);

/// The lookup.server text for a resolver configuration: the servers joined by ","
/// in canonical form, or "system".
std::string server_label(const ResolverOptions& options);

}  // namespace sg::dns
