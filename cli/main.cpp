// spamgraph-full: every command of spamgraph (cli/front_main.cpp hands it what
// the front binary does not answer itself), registered from the cli/*_command(s).cpp
// files (cli/subcommand.h).
#include <vector>

#include "cli/subcommand.h"

namespace {

using namespace sg;

int run(int argc, char** argv) {
  CommandLine line;
  CLI::App& app = line.app;
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
  append(commands, add_asn_commands(*enrich, *data));
  commands.push_back(add_asn_query_command(app));
  append(commands, add_whois_commands(app, *enrich));
  commands.push_back(add_enrich_rdap_command(*enrich));
  commands.push_back(add_enrich_bgp_command(*enrich));
  commands.push_back(add_enrich_all_command(*enrich));
  commands.push_back(add_enrich_cymru_command(*enrich));
  commands.push_back(add_data_fetch_command(*data));
  append(commands, add_bgp_archive_commands(app));
  return run_command_line(line, commands, argc, argv);
}

}  // namespace

int main(int argc, char** argv) {
  return exit_code_of([&] { return run(argc, argv); });
}
