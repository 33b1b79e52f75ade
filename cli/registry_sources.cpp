#include "cli/registry_sources.h"

#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <iostream>
#include <memory>

#include "cli/json_output.h"
#include "core/utf8.h"
#include "cli/commands.h"
#include "cli/subcommand.h"

namespace sg {

nlohmann::json summary_counts_json(bool offline, int64_t planned, int64_t fresh, int64_t sent,
                                   const std::map<std::string, int64_t>& status, const registry::WriteCounts& written,
                                   double seconds) {
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

std::string written_text(const std::map<std::string, int64_t>& status, const registry::WriteCounts& written) {
  std::string out = fmt::format("  {} lookups stored, {} observations ({} new edges), {} attributes\n",
                                written.lookups_stored, written.observations, written.new_edges, written.attributes);
  for (const auto& [name, count] : status) out += fmt::format("  {:<11} {}\n", escape_for_terminal(name), count);
  return out;
}

int run_source_command(const std::string& name, const RegistryFlags& flags, const CommandContext& context,
                       const std::function<Result<SourceOutcome>(Store&, RegistryRun&)>& source) {
  const auto fail = [&](const Error& error) {
    std::cerr << "spamgraph: enrich " << name << ": " << escape_for_terminal(error.to_string()) << "\n";
    return kExitFatal;
  };
  auto run = resolve_registry_flags(flags, context.config.registry);
  if (!run) return fail(run.error());
  auto store = Store::open(context.db_path);
  if (!store) return fail(store.error());
  auto outcome = source(**store, *run);
  if (!outcome) return fail(outcome.error());
  if (run->json)
    write_json(outcome->json, std::cout);
  else
    std::cout << outcome->text;
  return outcome->complete ? kExitOk : kExitSomeUnreadable;
}

namespace {

struct AllFlags {
  bool no_domains = false;
  bool no_follow = false;
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
      "all", "every online registry source in turn: bgp (RIPEstat), whois, irr, rdap; each answer stored");
  command->add_flag("--no-domains", flags->no_domains, "rdap: only IPs and ASes");
  command->add_flag("--no-follow", flags->no_follow, "bgp: only the graph's own entities");
  command->add_option("--skip", flags->skip, "leave out these sources (repeatable)")
      ->check(CLI::IsMember({"bgp", "whois", "irr", "rdap"}));
  add_registry_flags(command, flags->shared, "requests per source",
                     {"ripestat-url", "sourceapp", "whois-server", "irr-server", "rdap-bootstrap", "rdap-base"});
  return {command, [flags](const CommandContext& context) { return run_all(*flags, context); }};
}

}  // namespace sg
