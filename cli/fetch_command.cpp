#include "cli/commands.h"
#include "cli/subcommand.h"

namespace sg {

RegisteredCommand add_data_fetch_command(CLI::App& data) {
  auto* command = data.add_subcommand("fetch", "download a dataset (not yet implemented)");
  return {command, [](const CommandContext&) { return int{kExitFatal}; }};
}

}  // namespace sg
