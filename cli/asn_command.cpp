#include "cli/commands.h"
#include "cli/subcommand.h"

namespace sg {

std::vector<RegisteredCommand> add_asn_commands(CLI::App&, CLI::App&, CLI::App&) { return {}; }

}  // namespace sg
