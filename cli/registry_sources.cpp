#include "cli/registry_sources.h"

#include <fmt/format.h>

#include <iostream>

#include "cli/json_output.h"
#include "core/utf8.h"
#include "cli/commands.h"

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

int print_outcome(const SourceOutcome& outcome, bool json) {
  if (json)
    write_json(outcome.json, std::cout);
  else
    std::cout << outcome.text;
  return outcome.complete ? kExitOk : kExitSomeUnreadable;
}

}  // namespace sg
