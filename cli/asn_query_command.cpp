// `asn`: argument parsing and printing over store/datasets.h's asn_report() and
// asn_prefix_history(). A question, so it lives apart from `enrich asn` and `data`:
// the spamgraph front binary (cli/front_main.cpp) links it without the enrichers.
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/json_output.h"
#include "cli/query_output.h"
#include "cli/subcommand.h"
#include "core/as_number.h"
#include "store/datasets.h"

namespace sg {
namespace {

int run_asn(const CommandContext& context, const std::string& query, bool json, bool history) {
  auto asn = parse_as_number(query);
  if (!asn) return fail_with(Error{"not an AS number (AS133027, as133027 or 133027)", query});
  auto store = Store::open(context.db_path, StoreAccess::read);
  if (!store) return fail_with(store.error());
  if (history) {
    auto rows = asn_prefix_history(**store, *asn);
    if (!rows) return fail_with(rows.error());
    if (json)
      write_json(prefix_history_to_json(*asn, *rows), std::cout);
    else
      print_prefix_history(*asn, *rows, std::cout);
    return kExitOk;
  }
  auto report = asn_report(**store, *asn);
  if (!report) return fail_with(report.error());
  if (json)
    write_json(asn_report_to_json(*report), std::cout);
  else
    print_asn_report(*report, std::cout);
  return kExitOk;
}

}  // namespace

RegisteredCommand add_asn_query_command(CLI::App& app) {
  auto asn_query = std::make_shared<std::string>();
  auto asn_json = std::make_shared<bool>(false);
  auto asn_history = std::make_shared<bool>(false);
  auto* asn = app.add_subcommand("asn", "an AS: its names, prefixes per dataset, and the graph's IPs and domains in them");
  asn->add_option("ASN", *asn_query, "AS133027, as133027 or 133027")->required();
  asn->add_flag("--history", *asn_history,
                "the prefixes it originated with first and last dates, from every source (BGP, IRR, datasets)");
  asn->add_flag("--json", *asn_json, "JSON output");
  return {asn, [asn_query, asn_json, asn_history](const CommandContext& c) {
            return run_asn(c, *asn_query, *asn_json, *asn_history);
          }};
}

}  // namespace sg
