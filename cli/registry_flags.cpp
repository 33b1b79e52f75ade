#include "cli/registry_flags.h"

#include "enrich/dns/plan.h"

namespace sg {

namespace {

// What each address flag is for, in --help.
const char* setting_help(const std::string& name) {
  if (name == "whois-server") return "ask HOST[:PORT] instead of each registry (tests, mirrors); no referrals then";
  if (name == "irr-server") return "the IRR as HOST[:PORT] (default whois.radb.net)";
  if (name == "rdap-bootstrap") return "folder of IANA's RDAP bootstrap files (default: the data/rdap-bootstrap snapshot)";
  if (name == "rdap-base") return "send every RDAP request to this base URL instead (tests, mirrors)";
  if (name == "ripestat-url") return "the RIPEstat Data API's base URL (default https://stat.ripe.net)";
  if (name == "sourceapp") return "RIPEstat's sourceapp parameter: who is asking (default spamgraph)";
  if (name == "cymru-resolver") return "the DNS server (HOST[:PORT]) for Team Cymru's TXT names (default the system's)";
  if (name == "cymru-server") return "Team Cymru's bulk WHOIS as HOST[:PORT] (default whois.cymru.com)";
  return "";
}

}  // namespace

void add_registry_flags(CLI::App* command, RegistryFlags& flags, const std::string& what,
                        const std::vector<std::string>& settings) {
  for (const std::string& name : settings)
    command->add_option("--" + name, *registry_setting(flags.overrides, name),
                        std::string(setting_help(name)) + " (config: " + name + ")");
  command->add_option("--max-age", flags.max_age,
                      "skip an entity answered more recently than this (default 7d; 0 asks all)");
  command->add_flag("--offline", flags.offline, "send nothing: print what would be asked");
  command->add_option("--limit", flags.limit, "at most N " + what)->check(CLI::NonNegativeNumber);
  command->add_option("--now", flags.now, "the run's time (testing, replays): stamps the lookups, drives --max-age");
  command->add_option("--timeout", flags.timeout, "seconds per request, retries included (default 60)")
      ->check(CLI::Range(1, 3600));
  command->add_option("--contact", flags.overrides.contact,
                      "an e-mail or URL for the User-Agent, so registries can reach you (config: contact)");
  command->add_option("--rate", flags.rates,
                      "HOST=RATE[,IN_FLIGHT]: ask HOST at most RATE (10/min, 2/s) with IN_FLIGHT at once "
                      "(repeatable; config: rate.HOST)");
  command->add_flag("--json", flags.json, "JSON summary (every failure, the plan with --offline)");
}

Result<RegistryRun> resolve_registry_flags(const RegistryFlags& flags, const RegistrySettings& config) {
  RegistryRun run;
  auto max_age = dns::parse_duration_ms(flags.max_age, "--max-age");
  if (!max_age) return max_age.error();
  run.max_age = *max_age / 1000;
  if (flags.limit >= 0) run.limit = flags.limit;
  if (!flags.now.empty()) {
    run.now = parse_user_date(flags.now);
    if (!run.now) return Error{"not a date (try 2026-12-06)", "--now " + flags.now};
  }
  run.offline = flags.offline;
  run.json = flags.json;
  run.timeout_seconds = flags.timeout;
  run.settings = config;
  RegistrySettings given = flags.overrides;
  for (const char* name : {"contact", "whois-server", "irr-server", "rdap-bootstrap", "rdap-base", "ripestat-url",
                           "sourceapp", "cymru-resolver", "cymru-server"}) {
    if (const std::string& value = *registry_setting(given, name); !value.empty())
      *registry_setting(run.settings, name) = value;
  }
  for (const auto& [host, value] : config.rates)
    if (auto status = net::set_rate(run.policies, host, value); !status)
      return Error{status.error().message, "rate." + host + " = " + value};
  for (const std::string& setting : flags.rates) {
    const size_t equals = setting.find('=');
    if (equals == std::string::npos) return Error{"expected HOST=RATE[,IN_FLIGHT]", "--rate " + setting};
    if (auto status = net::set_rate(run.policies, setting.substr(0, equals), setting.substr(equals + 1)); !status)
      return Error{status.error().message, "--rate " + setting};
  }
  return run;
}

}  // namespace sg
