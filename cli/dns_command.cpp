#include "cli/commands.h"
#include "cli/subcommand.h"

namespace sg {

RegisteredCommand add_enrich_dns_command(CLI::App& enrich) {
  auto* command = enrich.add_subcommand("dns", "resolve the graph's IPs and domains (not yet implemented)");
  return {command, [](const CommandContext&) { return int{kExitFatal}; }};
}

}  // namespace sg
