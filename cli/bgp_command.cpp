// `spamgraph enrich bgp` (enrich/registry/enrich_ripestat.h): options in, summary out.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/json_output.h"
#include "cli/registry_sources.h"
#include "cli/subcommand.h"
#include "core/utf8.h"
#include "enrich/registry/enrich_ripestat.h"
#include "store/store.h"

namespace sg {

namespace {

std::string shown(std::string_view text) { return escape_for_terminal(text); }

struct BgpFlags {
  bool no_follow = false;
  RegistryFlags shared;
};

nlohmann::json summary_json(const registry::RipestatEnrichSummary& summary, bool offline) {
  nlohmann::json out = summary_counts_json(offline, summary.planned, summary.fresh, summary.sent, summary.written,
                                           summary.seconds, summary.status);
  out["followed"] = summary.followed;
  out["failed"] = failed_requests_json(summary.failed);
  if (offline) {
    out["would_query"] = nlohmann::json::array();
    for (const auto& planned : summary.would_query) {
      nlohmann::json entry = planned_entity_json(planned.entity);
      entry["call"] = json_text(planned.call);
      entry["url"] = json_text(planned.url);
      out["would_query"].push_back(std::move(entry));
    }
  }
  return out;
}

std::string summary_text(const registry::RipestatEnrichSummary& summary, bool offline) {
  std::string out;
  if (offline) {
    out += fmt::format("enrich bgp: {} requests planned, {} fresh (nothing sent)\n", summary.planned, summary.fresh);
    for (const auto& planned : summary.would_query)
      out += fmt::format("  {} {}  {}  {}\n", to_text(planned.entity.kind), shown(planned.entity.key),
                         shown(planned.call), shown(planned.url));
    return out;
  }
  out += fmt::format("enrich bgp: {} planned, {} fresh, {} sent ({} for prefixes and ASes the answers named) in {:.1f} s; ",
                     summary.planned, summary.fresh, summary.sent, summary.followed, summary.seconds);
  out += written_text(summary.written, summary.status);
  out += failed_requests_text(summary.failed);
  return out;
}

}  // namespace

Result<SourceOutcome> run_bgp_source(Store& store, RegistryRun& run, bool follow) {
  registry::RipestatEnrichOptions options;
  if (!run.settings.ripestat_url.empty()) options.base_url = run.settings.ripestat_url;
  if (!run.settings.sourceapp.empty()) options.sourceapp = run.settings.sourceapp;
  options.contact = run.settings.contact;
  options.follow = follow;
  apply_registry_run(options, run);
  auto summary = registry::enrich_ripestat(store, options);
  if (!summary) return summary.error();
  return SourceOutcome{summary_json(*summary, run.offline), summary_text(*summary, run.offline),
                       summary->failed.empty()};
}

RegisteredCommand add_enrich_bgp_command(CLI::App& enrich) {
  auto flags = std::make_shared<BgpFlags>();
  auto* command = enrich.add_subcommand(
      "bgp", "ask RIPEstat what RIPE RIS saw in BGP: the announced prefix of each IP, origins over the years, "
             "what each AS announced and since when; every answer is stored");
  command->alias("ripestat");
  command->add_flag("--no-follow", flags->no_follow,
                    "ask only about the graph's own entities, not the prefixes and ASes answers name");
  add_registry_flags(command, flags->shared, "requests", {"ripestat-url", "sourceapp"});
  return {command, [flags](const CommandContext& context) {
            return run_source_command("enrich bgp", flags->shared, context, [&](Store& store, RegistryRun& run) {
              return run_bgp_source(store, run, !flags->no_follow);
            });
          }};
}

}  // namespace sg
