// `enrich bgp`: what RIPE RIS saw in BGP for the graph, from the RIPEstat Data
// API (https://stat.ripe.net/docs/data-api/). Every public IP is asked for the
// announced prefix covering it (network-info); every prefix a graph IP is in for
// its origins and their holders now (prefix-overview) and over the years
// (routing-history), and its abuse contact
// (abuse-contact-finder); every AS originating such a prefix for what it
// announced since 2000 (announced-prefixes) and its holder (as-overview). The
// prefixes and ASes that answers add to that set are asked in the same run, so
// a second run within max-age asks nothing.
// Each answer is stored in `lookup` (source "ripestat", query "RESOURCE CALL",
// the HTTP status, the host, the body) before ripestat_facts() derives it.
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
struct RipestatEnrichOptions {
  std::string base_url = "https://stat.ripe.net";  ///< the Data API's base (tests, mirrors)
  std::string sourceapp = "spamgraph";             ///< RIPEstat's sourceapp parameter: who asks
  std::string contact;              ///< for the User-Agent: an e-mail or URL RIPE can reach
  int64_t max_age = 7 * 86400;      ///< an entity answered more recently than this (seconds) is not asked; 0 asks all
  std::optional<UnixTime> now;      ///< the run's time; default the clock
  std::optional<int64_t> limit;     ///< at most this many requests planned from the graph
  bool offline = false;             ///< plan only
  bool follow = true;               ///< ask about the prefixes and ASes that answers name
  std::string history_start = "2000-01-01T00:00:00";  ///< announced-prefixes' starttime
  int batch_answers = 200;          ///< answers per store transaction
  int64_t timeout_seconds = 60;     ///< one request, retries included
  net::HostPolicies* policies = nullptr;  ///< shared politeness state; a run-local one when null
};

/// One request of the plan.
struct PlannedRipestat {
  EntityRef entity;
  std::string call;  ///< "network-info", ...
  std::string url;
};

/// What a run did.
struct RipestatEnrichSummary {
  int64_t planned = 0;                    ///< requests planned from the graph
  int64_t fresh = 0;                      ///< skipped: answered within max_age
  int64_t followed = 0;                   ///< requests added for prefixes and ASes that answers named
  int64_t sent = 0;
  std::map<std::string, int64_t> status;  ///< lookups by status ("200", "ERROR", ...)
  WriteCounts written;
  double seconds = 0;
  std::vector<FailedRequest> failed;
  std::vector<PlannedRipestat> would_query;  ///< offline only
};

/// Plans, asks, stores and derives. An error (store failure) stops the run;
/// batches already committed stay.
Result<RipestatEnrichSummary> enrich_ripestat(Store& store, const RipestatEnrichOptions& options);

}  // namespace sg::registry
