// The online registry sources as `enrich` runs them, one function each, so that
// `enrich rdap|whois|irr|bgp|cymru` and `enrich all` share one way to run and
// report a source (each defined in its command's file).
#pragma once
#include <nlohmann/json.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cli/registry_flags.h"
#include "cli/subcommand.h"
#include "core/result.h"
#include "enrich/registry/enrich_whois.h"
#include "enrich/registry/fact_writer.h"
#include "store/store.h"

namespace sg {

/// What a source's run reports.
struct SourceOutcome {
  nlohmann::json json;  ///< the summary as `--json` prints it
  std::string text;     ///< the summary for people, lines ending in '\n'
  bool complete = true;  ///< false when some request failed (exit code kExitSomeUnreadable)
};

/// data/rdap-bootstrap beside the binary's folder (build/spamgraph -> data/): the
/// snapshot the repository ships, which `enrich rdap` reads and `data fetch
/// rdap-bootstrap` replaces unless the flag or config key `rdap-bootstrap` names another.
std::string default_rdap_bootstrap_folder();

/// `enrich rdap`: IPs, ASes and (when `domains`) registrable domains.
Result<SourceOutcome> run_rdap_source(Store& store, RegistryRun& run, bool domains);
/// `enrich whois` or `enrich irr`.
Result<SourceOutcome> run_whois_source(Store& store, RegistryRun& run, registry::WhoisSource source);

/// `enrich bgp` (RIPEstat); `follow` asks about the prefixes and ASes answers name.
Result<SourceOutcome> run_bgp_source(Store& store, RegistryRun& run, bool follow);
/// `enrich cymru`: the IPs (and, by DNS, their ASes) asked of Team Cymru; `bulk`
/// asks over bulk WHOIS.
Result<SourceOutcome> run_cymru_source(Store& store, RegistryRun& run, bool bulk);

/// Copies the shared flags' freshness, limit, time, plan-only switch, timeout and
/// host policies into a source's options (each source's options have them all).
template <typename Options>
void apply_registry_run(Options& options, RegistryRun& run) {
  options.max_age = run.max_age;
  options.limit = run.limit;
  options.now = run.now;
  options.offline = run.offline;
  options.timeout_seconds = run.timeout_seconds;
  options.policies = &run.policies;
}

/// {"kind": ..., "key": ...} of a planned entity, for a plan's JSON (the source adds
/// what it would ask).
nlohmann::json planned_entity_json(const EntityRef& entity);

/// Prints an outcome as the command's flags ask; returns the exit code.
int print_outcome(const SourceOutcome& outcome, bool json);

/// The JSON members every source's summary has: offline, planned, fresh, sent, what
/// the FactWriter wrote, seconds, and the lookups by status.
nlohmann::json summary_counts_json(bool offline, int64_t planned, int64_t fresh, int64_t sent,
                                   const registry::WriteCounts& written, double seconds,
                                   const std::map<std::string, int64_t>& status);

/// The end of a summary's first line for people, "N lookups stored, N observations
/// (N new edges), N attributes\n", then a line per status ("  OK          3").
std::string written_text(const registry::WriteCounts& written, const std::map<std::string, int64_t>& status);

/// The "failed" array of an HTTP source's summary: [{"url", "error"}].
nlohmann::json failed_requests_json(const std::vector<registry::FailedRequest>& failed);
/// The same for people: "  failed: URL: ERROR" lines.
std::string failed_requests_text(const std::vector<registry::FailedRequest>& failed);

/// A source's command: reads the shared flags over the config, opens the store,
/// runs `source` and prints its outcome; an error is printed as "spamgraph: NAME:
/// ERROR" (escaped). Returns the exit code.
int run_source_command(std::string_view name, const RegistryFlags& flags, const CommandContext& context,
                       const std::function<Result<SourceOutcome>(Store&, RegistryRun&)>& source);

}  // namespace sg
