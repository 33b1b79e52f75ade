// The online registry sources as `enrich` runs them, one function each, so that
// `enrich rdap|whois|irr|bgp|cymru` and `enrich all` share one way to run and
// report a source (each defined in its command's file).
#pragma once
#include <nlohmann/json.hpp>

#include <string>

#include "cli/registry_flags.h"
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

/// data/rdap-bootstrap beside the binary's folder (build/spamgraph -> data/): the
/// snapshot the repository ships, which `enrich rdap` reads and `data fetch
/// rdap-bootstrap` replaces unless the flag or config key `rdap-bootstrap` names another.
std::string default_rdap_bootstrap_folder();

/// `enrich rdap`: IPs, ASes and (when `domains`) registrable domains.
Result<SourceOutcome> run_rdap_source(Store& store, RegistryRun& run, bool domains);
/// `enrich whois` or `enrich irr`.
Result<SourceOutcome> run_whois_source(Store& store, RegistryRun& run, registry::WhoisSource source);

/// Prints an outcome as the command's flags ask; returns the exit code.
int print_outcome(const SourceOutcome& outcome, bool json);

}  // namespace sg
