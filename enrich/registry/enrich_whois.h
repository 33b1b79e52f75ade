// `enrich whois` and `enrich irr`: plan, ask (port 43), store, derive, for the
// whole store in one run, the way `enrich dns` does it for DNS.
//
// whois  every IP and AS of the graph is asked of its registry (server chosen as
//        Debian's whois client chooses, referrals followed); the facts are those
//        of whois_facts().
// irr    every prefix of the graph is asked of an IRR (RADB by default) for the
//        route objects covering it (exact and less specific, "-L PREFIX"), and
//        every AS for the route objects naming it as origin ("-i origin AS").
// Each answer is stored in `lookup` (source "whois" or "irr", the line sent as
// query, "host:port" as server, the bytes as answer) before it is derived.
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

/// The two port-43 sources.
enum class WhoisSource { whois, irr };

/// How a run goes.
struct WhoisEnrichOptions {
  WhoisSource source = WhoisSource::whois;
  /// Every query goes to this server instead of the chosen one: "HOST" or
  /// "HOST:PORT" ("[::1]:4343" for IPv6). Referrals are then not followed.
  std::string server_override;
  std::string irr_server = "whois.radb.net";  ///< for irr, "HOST[:PORT]"
  int64_t max_age = 7 * 86400;      ///< a lookup newer than this (seconds) is fresh: not asked again; 0 asks all
  std::optional<UnixTime> now;      ///< the run's time; default the clock
  std::optional<int64_t> limit;     ///< at most this many queries planned
  bool offline = false;             ///< plan only
  int max_referrals = 3;            ///< registry hops after the first
  int batch_answers = 200;          ///< answers per store transaction
  net::HostPolicies* policies = nullptr;  ///< shared politeness state; a run-local one when null
  uint64_t max_answer_bytes = uint64_t{1} << 20;
  int64_t timeout_seconds = 60;     ///< one query, connect to close
};

/// One query of the plan.
struct PlannedWhois {
  EntityRef entity;    ///< ip, prefix or asn
  std::string server;  ///< "whois.apnic.net:43"
  std::string line;    ///< what is sent
};

/// A query that did not end in an answer.
struct FailedWhois {
  std::string server;
  std::string line;
  std::string error;
};

/// What a run did.
struct WhoisEnrichSummary {
  int64_t planned = 0;                    ///< queries planned
  int64_t fresh = 0;                      ///< skipped: answered within max_age
  int64_t sent = 0;                       ///< queries sent, referrals included
  int64_t referrals = 0;                  ///< of which referrals followed
  std::map<std::string, int64_t> status;  ///< lookups by status (OK, NO-ENTRIES, REFUSED, ERROR, ...)
  WriteCounts written;                    ///< lookups, observations, new edges and attributes stored
  double seconds = 0;
  std::vector<FailedWhois> failed;
  std::vector<PlannedWhois> would_query;  ///< offline only
};

/// "HOST" or "HOST:PORT" or "[V6]:PORT" into host and port (43 when absent).
Result<std::pair<std::string, uint16_t>> parse_server(std::string_view text);

/// Plans, asks, stores and derives. An error (bad option, store failure) stops the
/// run; batches already committed stay.
Result<WhoisEnrichSummary> enrich_whois(Store& store, const WhoisEnrichOptions& options);

}  // namespace sg::registry
