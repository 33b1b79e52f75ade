// The options every online registry source shares (`enrich rdap|whois|irr|bgp|
// cymru|all`): freshness, plan-only runs, limits, the run's time, timeouts, the
// contact named in the User-Agent, per-host rates and each source's address,
// with the config file's registry keys under the flags.
#pragma once
#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cli/config.h"
#include "core/result.h"
#include "core/time.h"
#include "enrich/net/host_policy.h"

namespace sg {

/// The shared flags as typed.
struct RegistryFlags {
  std::string max_age = "7d";
  bool offline = false;
  int64_t limit = -1;
  std::string now;
  int64_t timeout = 60;
  bool json = false;
  std::vector<std::string> rates;  ///< "HOST=RATE[,IN_FLIGHT]"
  RegistrySettings overrides;      ///< the address flags given (and --contact); "" when not
};

/// Registers the shared flags on `command`, and the address flags named in
/// `settings` ("whois-server", "rdap-base", ...: the config keys, as flags);
/// `what` names one request ("requests", "queries").
void add_registry_flags(CLI::App* command, RegistryFlags& flags, const std::string& what,
                        const std::vector<std::string>& settings);

/// The shared flags read and checked.
struct RegistryRun {
  int64_t max_age = 0;  ///< seconds
  std::optional<UnixTime> now;
  std::optional<int64_t> limit;
  bool offline = false;
  bool json = false;
  int64_t timeout_seconds = 60;
  RegistrySettings settings;  ///< each flag given, else the config's key
  net::HostPolicies policies;  ///< with the config's rates, then the flags'
};

/// Reads the flags over the config's registry keys; the error names the flag or key.
Result<RegistryRun> resolve_registry_flags(const RegistryFlags& flags, const RegistrySettings& config);

}  // namespace sg
