#include "cli/registry_sources.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "cli/json_output.h"
#include "cli/subcommand.h"
#include "core/utf8.h"

namespace sg {

int print_outcome(const SourceOutcome& outcome, bool json) {
  if (json)
    write_json(outcome.json, std::cout);
  else
    std::cout << outcome.text;
  return outcome.complete ? kExitOk : kExitSomeUnreadable;
}

nlohmann::json summary_counts_json(bool offline, int64_t planned, int64_t fresh, int64_t sent,
                                   const registry::WriteCounts& written, double seconds,
                                   const std::map<std::string, int64_t>& status) {
  nlohmann::json out = {{"offline", offline},
                        {"planned", planned},
                        {"fresh", fresh},
                        {"sent", sent},
                        {"lookups_stored", written.lookups_stored},
                        {"observations", written.observations},
                        {"new_edges", written.new_edges},
                        {"attributes", written.attributes},
                        {"seconds", seconds}};
  out["status"] = nlohmann::json::object();
  for (const auto& [name, count] : status) out["status"][json_text(name)] = count;
  return out;
}

std::string written_text(const registry::WriteCounts& written, const std::map<std::string, int64_t>& status) {
  std::string out = fmt::format("{} lookups stored, {} observations ({} new edges), {} attributes\n",
                                written.lookups_stored, written.observations, written.new_edges, written.attributes);
  for (const auto& [name, count] : status) out += fmt::format("  {:<11} {}\n", escape_for_terminal(name), count);
  return out;
}

nlohmann::json planned_entity_json(const EntityRef& entity) {
  return {{"kind", json_text(to_text(entity.kind))}, {"key", json_text(entity.key)}};
}

nlohmann::json failed_requests_json(const std::vector<registry::FailedRequest>& failed) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& request : failed)
    out.push_back({{"url", json_text(request.url)}, {"error", json_text(request.error)}});
  return out;
}

std::string failed_requests_text(const std::vector<registry::FailedRequest>& failed) {
  std::string out;
  for (const auto& request : failed)
    out += fmt::format("  failed: {}: {}\n", escape_for_terminal(request.url), escape_for_terminal(request.error));
  return out;
}

int run_source_command(std::string_view name, const RegistryFlags& flags, const CommandContext& context,
                       const std::function<Result<SourceOutcome>(Store&, RegistryRun&)>& source) {
  const auto fail = [&](const Error& error) {
    std::cerr << "spamgraph: " << name << ": " << escape_for_terminal(error.to_string()) << "\n";
    return kExitFatal;
  };
  auto run = resolve_registry_flags(flags, context.config.registry);
  if (!run) return fail(run.error());
  auto store = Store::open(context.db_path);
  if (!store) return fail(store.error());
  auto outcome = source(**store, *run);
  if (!outcome) return fail(outcome.error());
  return print_outcome(*outcome, run->json);
}

namespace {

struct AllFlags {
  bool no_domains = false;
  bool no_follow = false;
  bool cymru_bulk = false;
  std::vector<std::string> skip;
  RegistryFlags shared;
};

// One source of `enrich all`, in the order they run: BGP first, so that the
// registries are then asked about the networks it found too.
struct NamedSource {
  const char* name;
  std::function<Result<SourceOutcome>(Store&, RegistryRun&, const AllFlags&)> run;
};

std::vector<NamedSource> all_sources() {
  return {
      {"bgp", [](Store& s, RegistryRun& r, const AllFlags& f) { return run_bgp_source(s, r, !f.no_follow); }},
      {"cymru", [](Store& s, RegistryRun& r, const AllFlags& f) { return run_cymru_source(s, r, f.cymru_bulk); }},
      {"whois",
       [](Store& s, RegistryRun& r, const AllFlags&) { return run_whois_source(s, r, registry::WhoisSource::whois); }},
      {"irr", [](Store& s, RegistryRun& r, const AllFlags&) { return run_whois_source(s, r, registry::WhoisSource::irr); }},
      {"rdap", [](Store& s, RegistryRun& r, const AllFlags& f) { return run_rdap_source(s, r, !f.no_domains); }},
  };
}

int run_all(const AllFlags& flags, const CommandContext& context) {
  auto run = resolve_registry_flags(flags.shared, context.config.registry);
  if (!run) return fail_with(run.error());
  auto store = Store::open(context.db_path);
  if (!store) return fail_with(store.error());
  nlohmann::json json = nlohmann::json::object();
  int exit_code = kExitOk;
  for (const NamedSource& source : all_sources()) {
    if (std::find(flags.skip.begin(), flags.skip.end(), source.name) != flags.skip.end()) continue;
    // A source that cannot run (its server's address is wrong, say) is reported;
    // the others still run.
    auto outcome = source.run(**store, *run, flags);
    if (!outcome) {
      std::cerr << "spamgraph: enrich " << source.name << ": " << escape_for_terminal(outcome.error().to_string()) << "\n";
      json[source.name] = {{"error", json_text(outcome.error().to_string())}};
      exit_code = kExitFatal;
      continue;
    }
    if (!outcome->complete && exit_code == kExitOk) exit_code = kExitSomeUnreadable;
    if (run->json)
      json[source.name] = std::move(outcome->json);
    else
      std::cout << outcome->text;
  }
  if (run->json) write_json(json, std::cout);
  return exit_code;
}

}  // namespace

RegisteredCommand add_enrich_all_command(CLI::App& enrich) {
  auto flags = std::make_shared<AllFlags>();
  auto* command = enrich.add_subcommand(
      "all", "every online registry source in turn: bgp (RIPEstat), cymru, whois, irr, rdap; each answer stored");
  command->add_flag("--no-domains", flags->no_domains, "rdap: only IPs and ASes");
  command->add_flag("--no-follow", flags->no_follow, "bgp: only the graph's own entities");
  command->add_flag("--bulk", flags->cymru_bulk, "cymru: ask over bulk WHOIS instead of DNS");
  command->add_option("--skip", flags->skip, "leave out these sources (repeatable)")
      ->check(CLI::IsMember({"bgp", "cymru", "whois", "irr", "rdap"}));
  add_registry_flags(command, flags->shared, "requests per source",
                     {"ripestat-url", "sourceapp", "cymru-resolver", "cymru-server", "whois-server", "irr-server",
                      "rdap-bootstrap", "rdap-base"});
  return {command, [flags](const CommandContext& context) { return run_all(*flags, context); }};
}

}  // namespace sg
