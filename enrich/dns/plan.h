// plan: which stored entities need which DNS lookups, honouring --max-age.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/observation.h"
#include "core/result.h"
#include "enrich/dns/types.h"
#include "store/lookup_log.h"

namespace sg::dns {

/// Which entities a plan covers.
enum class PlanScope { All, Ips, Domains };

/// Parses an `--only` value: "ip" or "domain" (plural forms too); errors name it.
Result<PlanScope> parse_scope(std::string_view text);

/// Parses a duration for --max-age and --timeout: a number with a unit, "500ms",
/// "30s", "30m", "12h", "1d", "2w", or a bare "0". Returns milliseconds; errors name
/// `option` and the text.
Result<int64_t> parse_duration_ms(std::string_view text, std::string_view option);

/// What to plan.
struct PlanOptions {
  PlanScope scope = PlanScope::All;
  /// A lookup of the same type for the same entity newer than this (seconds before
  /// `now`) is fresh enough: the type is skipped. 0 asks everything again.
  int64_t max_age = 86400;
  UnixTime now = 0;                 ///< the run's time, for max_age
  std::optional<int64_t> limit;     ///< at most this many entities (in store order)
};

/// One query to send, and the entity it is for.
struct PlannedQuery {
  EntityRef entity;  ///< ip or domain; a registrable domain may not be stored yet
  Query query;
};

/// The plan of a run.
struct Plan {
  std::vector<PlannedQuery> queries;  ///< IPs' PTR queries first, then domains'
  int64_t entities = 0;               ///< entities with at least one query
  int64_t fresh = 0;                  ///< entity-type pairs skipped by max_age
};

/// The record types asked for a domain: A, AAAA, MX, NS, TXT (CNAME chains come
/// with the A/AAAA answers).
const std::vector<RecordType>& domain_query_types();

/// Plans from the store: PTR for every IP entity (v4 and v6); A, AAAA, MX, NS and
/// TXT for every domain entity and its registrable domain. Entities are taken in
/// id order, registrable domains right after the first name under them.
/// `latest` comes from LookupLog::latest.
Plan make_plan(const std::vector<EntityRow>& ips, const std::vector<EntityRow>& domains,
               const LatestLookups& latest, const PlanOptions& options);

/// Convenience: reads the entities and latest lookups through `log`, then make_plan.
Result<Plan> plan_from_store(LookupLog& log, const PlanOptions& options);

/// The statuses after which a lookup counts as done for max_age: a server answered
/// (NOERROR, NXDOMAIN, SERVFAIL, REFUSED, ...). TIMEOUT and local errors are retried.
const std::vector<std::string>& answered_statuses();

}  // namespace sg::dns
