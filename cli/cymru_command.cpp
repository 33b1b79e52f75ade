// `spamgraph enrich cymru` (enrich/registry/enrich_cymru.h): options in, summary out.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <memory>
#include <string>

#include "cli/json_output.h"
#include "cli/registry_sources.h"
#include "cli/subcommand.h"
#include "core/utf8.h"
#include "enrich/registry/enrich_cymru.h"
#include "store/store.h"

namespace sg {

namespace {

std::string shown(std::string_view text) { return escape_for_terminal(text); }

struct CymruFlags {
  bool bulk = false;
  RegistryFlags shared;
};

nlohmann::json summary_json(const registry::CymruEnrichSummary& summary, bool offline) {
  nlohmann::json out = summary_counts_json(offline, summary.planned, summary.fresh, summary.sent, summary.written,
                                           summary.seconds, summary.status);
  out["bulk"] = summary.bulk;
  out["server"] = json_text(summary.server);
  out["failed"] = nlohmann::json::array();
  for (const auto& failed : summary.failed)
    out["failed"].push_back({{"query", json_text(failed.query)}, {"error", json_text(failed.error)}});
  if (offline) {
    out["would_query"] = nlohmann::json::array();
    for (const auto& planned : summary.would_query) {
      nlohmann::json entry = planned_entity_json(planned.entity);
      entry["query"] = json_text(planned.query);
      entry["name"] = json_text(planned.name);
      out["would_query"].push_back(std::move(entry));
    }
  }
  return out;
}

std::string summary_text(const registry::CymruEnrichSummary& summary, bool offline) {
  std::string out;
  const std::string how = summary.bulk ? "bulk WHOIS at " + summary.server : "DNS through " + summary.server;
  if (offline) {
    out += fmt::format("enrich cymru: {} queries planned ({}), {} entities fresh (nothing sent)\n", summary.planned,
                       shown(how), summary.fresh);
    for (const auto& planned : summary.would_query)
      out += fmt::format("  {} {}  {}\n", to_text(planned.entity.kind), shown(planned.entity.key),
                         shown(planned.name.empty() ? planned.query : planned.name + " TXT"));
    return out;
  }
  out += fmt::format("enrich cymru: {} planned, {} fresh, {} sent ({}) in {:.1f} s; ", summary.planned, summary.fresh,
                     summary.sent, shown(how), summary.seconds);
  out += written_text(summary.written, summary.status);
  for (const auto& failed : summary.failed)
    out += fmt::format("  failed: {}: {}\n", shown(failed.query), shown(failed.error));
  return out;
}

}  // namespace

Result<SourceOutcome> run_cymru_source(Store& store, RegistryRun& run, bool bulk) {
  registry::CymruEnrichOptions options;
  options.resolver = run.settings.cymru_resolver;
  if (!run.settings.cymru_server.empty()) options.bulk_server = run.settings.cymru_server;
  options.bulk = bulk;
  apply_registry_run(options, run);
  auto summary = registry::enrich_cymru(store, options);
  if (!summary) return summary.error();
  return SourceOutcome{summary_json(*summary, run.offline), summary_text(*summary, run.offline),
                       summary->failed.empty()};
}

RegisteredCommand add_enrich_cymru_command(CLI::App& enrich) {
  auto flags = std::make_shared<CymruFlags>();
  auto* command = enrich.add_subcommand(
      "cymru", "ask Team Cymru's IP-to-ASN service (DNS, or bulk WHOIS) for the graph's IPs and their ASes; every "
               "answer is stored");
  command->add_flag("--bulk", flags->bulk,
                    "ask over bulk WHOIS (--cymru-server) in batches; automatic above 1,000 IPs");
  add_registry_flags(command, flags->shared, "queries", {"cymru-resolver", "cymru-server"});
  return {command, [flags](const CommandContext& context) {
            return run_source_command("enrich cymru", flags->shared, context, [&](Store& store, RegistryRun& run) {
              return run_cymru_source(store, run, flags->bulk);
            });
          }};
}

}  // namespace sg
