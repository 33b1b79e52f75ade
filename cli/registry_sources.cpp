#include "cli/registry_sources.h"

#include <fmt/format.h>

#include <iostream>

#include "cli/commands.h"
#include "cli/json_output.h"
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

}  // namespace sg
