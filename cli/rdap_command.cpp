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

std::string default_rdap_bootstrap_folder() {
  char path[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
  if (n <= 0) return "data/rdap-bootstrap";
  std::string exe(path, static_cast<size_t>(n));
  return exe.substr(0, exe.rfind('/')) + "/../data/rdap-bootstrap";
}

namespace {

std::string shown(std::string_view text) { return escape_for_terminal(text); }

struct RdapFlags {
  bool no_domains = false;
  RegistryFlags shared;
};

nlohmann::json summary_json(const registry::RdapEnrichSummary& summary, bool offline) {
  nlohmann::json out = summary_counts_json(offline, summary.planned, summary.fresh, summary.sent, summary.written,
                                           summary.seconds, summary.status);
  out["unknown"] = summary.unknown;
  out["referrals"] = summary.referrals;
  out["failed"] = failed_requests_json(summary.failed);
  if (offline) {
    out["would_query"] = nlohmann::json::array();
    for (const auto& planned : summary.would_query) {
      nlohmann::json entry = planned_entity_json(planned.entity);
      entry["url"] = json_text(planned.url);
      out["would_query"].push_back(std::move(entry));
    }
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
  out += fmt::format("enrich rdap: {} planned, {} fresh, {} sent ({} referrals) in {:.1f} s; ", summary.planned,
                     summary.fresh, summary.sent, summary.referrals, summary.seconds);
  out += written_text(summary.written, summary.status);
  out += failed_requests_text(summary.failed);
  return out;
}

}  // namespace

Result<SourceOutcome> run_rdap_source(Store& store, RegistryRun& run, bool domains) {
  registry::RdapEnrichOptions options;
  options.bootstrap_folder =
      run.settings.rdap_bootstrap.empty() ? default_rdap_bootstrap_folder() : run.settings.rdap_bootstrap;
  options.base_override = run.settings.rdap_base;
  options.contact = run.settings.contact;
  options.domains = domains;
  apply_registry_run(options, run);
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
  return {command, [flags](const CommandContext& context) {
            return run_source_command("enrich rdap", flags->shared, context, [&](Store& store, RegistryRun& run) {
              return run_rdap_source(store, run, !flags->no_domains);
            });
          }};
}

}  // namespace sg
