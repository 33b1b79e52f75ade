// spamgraph: builds the command line from the commands each cli/*_command(s).cpp
// registers (cli/subcommand.h), resolves the global options and runs the one given.
#include <CLI/CLI.hpp>

#include <ctime>
#include <iterator>
#include <vector>

#include "cli/commands.h"
#include "cli/config.h"
#include "cli/subcommand.h"
#include "core/run_catching.h"

namespace {

using namespace sg;

Result<TrustConfig> trust_from(const Config& config) {
  TrustConfig trust;
  if (auto status = trust.add(config.trusted); !status)
    return Error{"trusted: " + status.error().to_string(), config.path};
  return trust;
}

void append(std::vector<RegisteredCommand>& commands, std::vector<RegisteredCommand> more) {
  commands.insert(commands.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
}

int run(int argc, char** argv) {
  CLI::App app{"spamgraph: spam headers in, campaign graph out"};
  app.require_subcommand(1);
  std::string db_flag, config_flag;
  app.add_option("--db", db_flag, "SQLite store (default: $SPAMGRAPH_DB, else ./spamgraph.db)");
  app.add_option("--config", config_flag, "config file (default: $SPAMGRAPH_CONFIG or ~/.config/spamgraph/config)");

  // Registered in the order `spamgraph --help` lists them.
  std::vector<RegisteredCommand> commands;
  commands.push_back(add_parse_command(app));
  commands.push_back(add_ingest_command(app));
  commands.push_back(add_pull_command(app));
  append(commands, add_query_commands(app));
  append(commands, add_campaign_commands(app));
  append(commands, add_findings_commands(app));
  commands.push_back(add_report_command(app));
  auto* enrich = app.add_subcommand("enrich", "add facts from DNS, IP-to-AS data and the registries (WHOIS, IRR, RDAP, Team Cymru) to the graph");
  enrich->require_subcommand(1);
  auto* data = app.add_subcommand("data", "import or download offline datasets");
  data->require_subcommand(1);
  commands.push_back(add_enrich_dns_command(*enrich));
  append(commands, add_asn_commands(app, *enrich, *data));
  append(commands, add_whois_commands(app, *enrich));
  commands.push_back(add_enrich_rdap_command(*enrich));
  commands.push_back(add_enrich_bgp_command(*enrich));
  commands.push_back(add_enrich_all_command(*enrich));
  commands.push_back(add_enrich_cymru_command(*enrich));
  commands.push_back(add_data_fetch_command(*data));
  append(commands, add_bgp_archive_commands(app));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? kExitOk : kExitFatal;
  }

  auto config = load_config(default_config_path(config_flag));
  if (!config) return fail_with(config.error());
  auto trust = trust_from(*config);
  if (!trust) return fail_with(trust.error());
  CommandContext context;
  context.db_path = resolve_db_path(db_flag, *config);
  context.config = std::move(*config);
  context.analysis.trust = std::move(*trust);
  context.analysis.fallback_time = static_cast<UnixTime>(std::time(nullptr));

  for (const auto& command : commands) {
    if (command.app->parsed()) return command.run(context);
  }
  return kExitFatal;
}

}  // namespace

int main(int argc, char** argv) {
  int exit_code = kExitFatal;
  if (auto status = run_catching([&] { exit_code = run(argc, argv); }); !status) exit_code = fail_with(status.error());
  // An answer that did not reach its file must not look like success.
  if (auto status = flush_standard_output(); !status) exit_code = fail_with(status.error());
  return exit_code;
}
