// `spamgraph enrich rdap` (enrich/registry/enrich_rdap.h): options in, summary out.
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <unistd.h>

#include <climits>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/json_output.h"
#include "cli/registry_sources.h"
#include "cli/subcommand.h"
#include "core/time.h"
#include "core/utf8.h"
#include "enrich/dns/plan.h"
#include "enrich/registry/enrich_rdap.h"
#include "store/store.h"

namespace sg {

namespace {

std::string shown(std::string_view text) { return escape_for_terminal(text); }

struct RdapFlags {
  bool no_domains = false;
  RegistryFlags shared;
};

int fail(const Error& error) {
  std::cerr << "spamgraph: enrich rdap: " << shown(error.to_string()) << "\n";
  return kExitFatal;
}

nlohmann::json summary_json(const registry::RdapEnrichSummary& summary, bool offline) {
  nlohmann::json out = {{"offline", offline},
                        {"planned", summary.planned},
                        {"fresh", summary.fresh},
                        {"unknown", summary.unknown},
                        {"sent", summary.sent},
                        {"referrals", summary.referrals},
                        {"lookups_stored", summary.written.lookups_stored},
                        {"observations", summary.written.observations},
                        {"new_edges", summary.written.new_edges},
                        {"attributes", summary.written.attributes},
                        {"seconds", summary.seconds}};
  out["status"] = nlohmann::json::object();
  for (const auto& [status, count] : summary.status) out["status"][json_text(status)] = count;
  out["failed"] = nlohmann::json::array();
  for (const auto& failed : summary.failed)
    out["failed"].push_back({{"url", json_text(failed.url)}, {"error", json_text(failed.error)}});
  if (offline) {
    out["would_query"] = nlohmann::json::array();
    for (const auto& planned : summary.would_query)
      out["would_query"].push_back({{"kind", json_text(to_text(planned.entity.kind))},
                                    {"key", json_text(planned.entity.key)},
                                    {"url", json_text(planned.url)}});
  }
  return out;
}

std::string summary_text(const registry::RdapEnrichSummary& summary, bool offline) {
  std::string out;
  if (offline) {
    out += fmt::format("enrich rdap: {} requests planned, {} entities fresh, {} with no known service (nothing sent)\n",
                       summary.planned, summary.fresh, summary.unknown);
    for (const auto& planned : summary.would_query)
      out += fmt::format("  {} {}  {}\n", to_text(planned.entity.kind), shown(planned.entity.key), shown(planned.url));
    return out;
  }
  out += fmt::format(
      "enrich rdap: {} planned, {} fresh, {} sent ({} referrals) in {:.1f} s; {} lookups stored, {} observations "
      "({} new edges), {} attributes\n",
      summary.planned, summary.fresh, summary.sent, summary.referrals, summary.seconds, summary.written.lookups_stored,
      summary.written.observations, summary.written.new_edges, summary.written.attributes);
  for (const auto& [status, count] : summary.status) out += fmt::format("  {:<6} {}\n", shown(status), count);
  for (const auto& failed : summary.failed)
    out += fmt::format("  failed: {}: {}\n", shown(failed.url), shown(failed.error));
  return out;
}

int run(const RdapFlags& flags, const CommandContext& context) {
  auto run = resolve_registry_flags(flags.shared, context.config.registry);
  if (!run) return fail(run.error());
  auto store = Store::open(context.db_path);
  if (!store) return fail(store.error());
  auto outcome = run_rdap_source(**store, *run, !flags.no_domains);
  if (!outcome) return fail(outcome.error());
  return print_outcome(*outcome, run->json);
}

}  // namespace

std::string default_rdap_bootstrap_folder() {
  char path[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
  if (n <= 0) return "data/rdap-bootstrap";
  std::string exe(path, static_cast<size_t>(n));
  return exe.substr(0, exe.rfind('/')) + "/../data/rdap-bootstrap";
}

Result<SourceOutcome> run_rdap_source(Store& store, RegistryRun& run, bool domains) {
  registry::RdapEnrichOptions options;
  options.bootstrap_folder =
      run.settings.rdap_bootstrap.empty() ? default_rdap_bootstrap_folder() : run.settings.rdap_bootstrap;
  options.base_override = run.settings.rdap_base;
  options.contact = run.settings.contact;
  options.max_age = run.max_age;
  options.limit = run.limit;
  options.now = run.now;
  options.offline = run.offline;
  options.domains = domains;
  options.timeout_seconds = run.timeout_seconds;
  options.policies = &run.policies;
  auto summary = registry::enrich_rdap(store, options);
  if (!summary) return summary.error();
  return SourceOutcome{summary_json(*summary, run.offline), summary_text(*summary, run.offline),
                       summary->failed.empty()};
}

RegisteredCommand add_enrich_rdap_command(CLI::App& enrich) {
  auto flags = std::make_shared<RdapFlags>();
  auto* command = enrich.add_subcommand(
      "rdap", "ask the registries' RDAP services who holds the graph's IPs, ASes and domains; every answer is stored");
  command->add_flag("--no-domains", flags->no_domains, "only IPs and ASes");
  add_registry_flags(command, flags->shared, "requests", {"rdap-bootstrap", "rdap-base"});
  return {command, [flags](const CommandContext& context) { return run(*flags, context); }};
}

}  // namespace sg
