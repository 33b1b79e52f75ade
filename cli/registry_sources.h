// The online registry sources as `enrich` runs them, one function each, so that
// `enrich rdap|whois|irr|bgp|cymru` and `enrich all` share one way to run and
// report a source (each defined in its command's file).
#pragma once
#include <nlohmann/json.hpp>

#include <functional>
#include <map>
#include <string>

#include "cli/registry_flags.h"
#include "cli/subcommand.h"
#include "core/result.h"
#include "enrich/registry/enrich_whois.h"
#include "store/store.h"

namespace sg {

/// What a source's run reports.
struct SourceOutcome {
  nlohmann::json json;  ///< the summary as `--json` prints it
  std::string text;     ///< the summary for people, lines ending in '\n'
  bool complete = true;  ///< false when some request failed (exit code kExitSomeUnreadable)
};

/// `enrich rdap`: IPs, ASes and (when `domains`) registrable domains.
Result<SourceOutcome> run_rdap_source(Store& store, RegistryRun& run, bool domains);
/// `enrich whois` or `enrich irr`.
Result<SourceOutcome> run_whois_source(Store& store, RegistryRun& run, registry::WhoisSource source);

/// `enrich bgp` (RIPEstat); `follow` asks about the prefixes and ASes answers name.
Result<SourceOutcome> run_bgp_source(Store& store, RegistryRun& run, bool follow);

/// The counts every source's summary starts with, as JSON: offline, planned, fresh,
/// sent, lookups_stored, observations, new_edges, attributes, seconds, status.
nlohmann::json summary_counts_json(bool offline, int64_t planned, int64_t fresh, int64_t sent,
                                   const std::map<std::string, int64_t>& status, const registry::WriteCounts& written,
                                   double seconds);
/// The same for people: "{} lookups stored, {} observations ({} new edges), {} attributes"
/// and a line per status, each indented.
std::string written_text(const std::map<std::string, int64_t>& status, const registry::WriteCounts& written);

/// The body of `enrich NAME`: reads the shared flags over the config, opens the
/// store, runs `source` and prints its outcome; returns the exit code.
int run_source_command(const std::string& name, const RegistryFlags& flags, const CommandContext& context,
                       const std::function<Result<SourceOutcome>(Store&, RegistryRun&)>& source);

}  // namespace sg
