// Subcommands defined outside main.cpp: each registers its own options on a CLI11
// app and runs once the global options (--db, --config) are known.
#pragma once
#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

#include "cli/config.h"
#include "collectors/analyze.h"

namespace sg {

/// What every command may use, resolved from the global options.
struct CommandContext {
  std::string db_path;        ///< the store to open
  Config config;              ///< the loaded config file
  AnalysisOptions analysis;   ///< trust boundary and fallback time
};

/// A registered subcommand: run() is called when `app` was the one parsed.
struct RegisteredCommand {
  CLI::App* app = nullptr;
  std::function<int(const CommandContext&)> run;  ///< returns the exit code
};

/// `enrich dns` (cli/dns_command.cpp).
RegisteredCommand add_enrich_dns_command(CLI::App& enrich);
/// `enrich asn`, `data import` and `asn` (cli/asn_command.cpp).
std::vector<RegisteredCommand> add_asn_commands(CLI::App& app, CLI::App& enrich, CLI::App& data);
/// `data fetch` (cli/fetch_command.cpp).
RegisteredCommand add_data_fetch_command(CLI::App& data);

}  // namespace sg
