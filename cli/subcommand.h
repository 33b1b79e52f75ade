// How every command of the `spamgraph` binary plugs in: each command family has
// its own file, whose add_*_command function registers the command's options on
// a CLI11 app and returns what runs it once the global options (--db, --config)
// are known. A binary's main() makes a CommandLine, registers the commands it
// holds and calls run_command_line(): cli/main.cpp (spamgraph-full, every command)
// and cli/front_main.cpp (spamgraph, the questions, handing the rest over).
#pragma once
#include <CLI/CLI.hpp>

#include <functional>
#include <string>
#include <vector>

#include "cli/config.h"
#include "collectors/analyze.h"
#include "core/result.h"

namespace sg {

/// What every command may use, resolved from the global options.
struct CommandContext {
  std::string db_path;        ///< the store to open
  Config config;              ///< the loaded config file
  AnalysisOptions analysis;   ///< the config's trust boundary, fallback time now
};

/// A registered subcommand: run() is called when `app` was the one parsed.
struct RegisteredCommand {
  CLI::App* app = nullptr;
  std::function<int(const CommandContext&)> run;  ///< returns the exit code
};

/// The app with the global options every binary takes; commands register on `app`.
struct CommandLine {
  CommandLine();
  CLI::App app;
  std::string db_flag;      ///< --db
  std::string config_flag;  ///< --config
};

/// Adds `more` at the end of `commands`.
void append(std::vector<RegisteredCommand>& commands, std::vector<RegisteredCommand> more);

/// Parses `argv` against the registered `commands`, loads the config and runs the
/// parsed command: its exit code (help and parse errors print as CLI11 does).
int run_command_line(CommandLine& line, const std::vector<RegisteredCommand>& commands, int argc, char** argv);

/// What a main() returns: `body`'s exit code, kExitFatal when it threw (the error
/// printed), and not 0 when standard output was not all written.
int exit_code_of(const std::function<int()>& body);

/// Prints "spamgraph: ERROR" on standard error, escaped like every value from
/// spam (errors quote file names, arguments and message text); returns kExitFatal.
int fail_with(const Error& error);

/// The context's analysis options with the servers of a `--trusted` flag added to
/// the config's; an error names the flag.
Result<AnalysisOptions> analysis_with_trusted(const CommandContext& context, const std::string& trusted_flag);

/// `pull` (cli/pull_command.cpp).
RegisteredCommand add_pull_command(CLI::App& app);

/// `parse` (cli/parse_command.cpp).
RegisteredCommand add_parse_command(CLI::App& app);
/// `ingest` (cli/ingest_command.cpp).
RegisteredCommand add_ingest_command(CLI::App& app);
/// `campaign auto|show|add|rename|merge|split` (cli/campaign_command.cpp).
std::vector<RegisteredCommand> add_campaign_commands(CLI::App& app);
/// `pivot`, `timeline` and `diff` (cli/findings_commands.cpp).
std::vector<RegisteredCommand> add_findings_commands(CLI::App& app);
/// `report` (cli/report_command.cpp).
RegisteredCommand add_report_command(CLI::App& app);
/// `shares`, `stats` and `show` (cli/query_commands.cpp).
std::vector<RegisteredCommand> add_query_commands(CLI::App& app);
/// `enrich dns` (cli/dns_command.cpp).
RegisteredCommand add_enrich_dns_command(CLI::App& enrich);
/// `asn` (cli/asn_query_command.cpp).
RegisteredCommand add_asn_query_command(CLI::App& app);
/// `enrich asn`, `data import|list|remove` (cli/asn_command.cpp).
std::vector<RegisteredCommand> add_asn_commands(CLI::App& enrich, CLI::App& data);
/// `enrich whois`, `enrich irr` and `whois` (cli/whois_command.cpp).
std::vector<RegisteredCommand> add_whois_commands(CLI::App& app, CLI::App& enrich);
/// `enrich rdap` (cli/rdap_command.cpp).
RegisteredCommand add_enrich_rdap_command(CLI::App& enrich);
/// `enrich bgp` (cli/bgp_command.cpp).
RegisteredCommand add_enrich_bgp_command(CLI::App& enrich);
/// `enrich all` (cli/registry_sources.cpp).
RegisteredCommand add_enrich_all_command(CLI::App& enrich);
/// `enrich cymru` (cli/cymru_command.cpp).
RegisteredCommand add_enrich_cymru_command(CLI::App& enrich);
/// `bgp dump` and `bgp import` (cli/mrt_command.cpp).
std::vector<RegisteredCommand> add_bgp_archive_commands(CLI::App& app);
/// `data fetch` (cli/fetch_command.cpp).
RegisteredCommand add_data_fetch_command(CLI::App& data);

}  // namespace sg
