// `data import|list|remove` and `enrich asn`: argument parsing and printing over
// store/datasets.h and enrich/asn/ (the `asn` question is cli/asn_query_command.cpp).
#include <fmt/format.h>

#include <algorithm>
#include <iostream>

#include "cli/commands.h"
#include "cli/json_output.h"
#include "cli/query_output.h"
#include "cli/subcommand.h"
#include "core/as_number.h"
#include "enrich/asn/dataset_import.h"
#include "enrich/asn/enrich_asn.h"
#include "core/utf8.h"
#include "store/datasets.h"

namespace sg {
namespace {

// Dataset files are downloaded from third parties: their names, lines and the
// problems quoting them are shown escaped like spam.
std::string shown(std::string_view text) { return escape_for_terminal(text); }

int fail(const Error& error) {
  std::cerr << "spamgraph: " << shown(error.to_string()) << "\n";
  return kExitFatal;
}

constexpr size_t kProblemsShown = 20;

struct ImportArgs {
  std::string format;
  std::vector<std::string> files;
  std::string name;
  std::string date;
  std::string numeric;
};

int run_import(const CommandContext& context, const ImportArgs& args) {
  auto format = asn::parse_format_name(args.format);
  if (!format) return fail(Error{"unknown format (pfx2as, ip2asn, ip-location-db, pyasn)", args.format});
  asn::DatasetImportRequest request;
  request.format = *format;
  request.name = args.name;
  if (!args.date.empty()) {
    request.date = parse_user_date(args.date);
    if (!request.date) return fail(Error{"not a date (try 2024-01-31)", "--date " + args.date});
  }
  if (!args.numeric.empty()) request.numeric_v6 = args.numeric == "v6";
  auto store = Store::open(context.db_path);
  if (!store) return fail(store.error());
  int exit_code = kExitOk;
  for (const std::string& file : args.files) {
    request.path = file;
    auto result = asn::import_dataset(**store, request);
    if (!result) {
      std::cerr << "spamgraph: " << shown(result.error().to_string()) << " (nothing of this file stored)\n";
      exit_code = kExitSomeUnreadable;
      continue;
    }
    const DatasetInfo& d = result->dataset;
    if (result->already_imported) {
      std::cout << fmt::format("{}: already imported as {} (dataset {}, {} rows): nothing changed\n", shown(file),
                               shown(dataset_label(d)), d.id, d.rows);
      continue;
    }
    const double rate = result->seconds > 0 ? static_cast<double>(d.rows) / result->seconds : 0;
    std::cout << fmt::format("{}: imported {} (dataset {}, {}): {} lines, {} rows, {} distinct prefix rows stored, "
                             "{} skipped, {} bad, in {:.2f} s ({:.0f} rows/s)\n",
                             shown(file), shown(dataset_label(d)), d.id, shown(d.format), result->stats.lines,
                             result->stats.rows, d.rows,
                             result->stats.skipped, result->stats.bad_lines, result->seconds, rate);
    for (size_t i = 0; i < result->problems.size() && i < kProblemsShown; ++i)
      std::cerr << shown(result->problems[i].to_string()) << "\n";
    if (result->stats.bad_lines > kProblemsShown)
      std::cerr << fmt::format("{}: ... {} bad lines in all\n", shown(file), result->stats.bad_lines);
    if (result->stats.bad_lines > 0) exit_code = kExitSomeUnreadable;
  }
  return exit_code;
}

struct EnrichArgs {
  std::vector<std::string> mmdb;
  std::string dataset;
  std::string as_of;
};

// "largest gap 7 days, table older": how far a table's date was from the messages it
// answered for (gap = table date - message time).
std::string gap_text(int64_t gap) {
  const int64_t days = (gap < 0 ? -gap : gap) / 86400;
  if (days == 0) return "largest gap under a day";
  return fmt::format("largest gap {} day{}, table {}", days, days == 1 ? "" : "s", gap < 0 ? "older" : "newer");
}

int run_enrich(const CommandContext& context, const EnrichArgs& args) {
  // --mmdb replaces the config's list: naming files on the command line means "these".
  asn::EnrichAsnOptions options;
  options.mmdb_paths = args.mmdb.empty() ? context.config.mmdb : args.mmdb;
  options.dataset_name = args.dataset;
  if (!args.as_of.empty()) {
    options.as_of = parse_user_date(args.as_of);
    if (!options.as_of) return fail(Error{"not a date (try 2024-01-31)", "--as-of " + args.as_of});
  }
  auto store = Store::open(context.db_path);
  if (!store) return fail(store.error());
  auto report = asn::enrich_asn(**store, options);
  if (!report) return fail(report.error());
  std::cout << fmt::format("looked up {} IPs ({} prefixes of {} table{} loaded and built in {:.2f} s)\n", report->ips,
                           report->prefixes, report->tables, report->tables == 1 ? "" : "s", report->load_seconds);
  const bool series = std::any_of(report->datasets.begin(), report->datasets.end(),
                                  [](const auto& d) { return d.series_size > 1; });
  if (options.as_of)
    std::cout << fmt::format("routing as of {}: each series' table for that day\n",
                             format_iso8601(*options.as_of).substr(0, 10));
  else if (series)
    std::cout << "routing of each message's day: of a series, the table of each day an IP was seen in mail, "
                 "the latest for IPs in no message\n";
  for (const auto& d : report->datasets) {
    std::string line = fmt::format("  {:<40} {:<15} asked {:>6}  matched {:>6}  new observations {}", shown(d.label),
                                   shown(d.format), d.asked, d.matched, d.observations);
    if (d.series_size > 1) line += fmt::format("  (1 of {} tables of the series)", d.series_size);
    if (d.largest_gap) line += "  " + gap_text(*d.largest_gap);
    std::cout << line << "\n";
  }
  std::cout << fmt::format("unmatched {}\n", report->unmatched.size());
  for (const auto& u : report->unmatched) std::cout << fmt::format("  {:<40} {}\n", shown(u.ip), shown(u.reason));
  return kExitOk;
}

int run_list(const CommandContext& context) {
  auto store = Store::open(context.db_path, StoreAccess::read);
  if (!store) return fail(store.error());
  auto datasets = list_datasets(**store);
  if (!datasets) return fail(datasets.error());
  for (const DatasetInfo& d : *datasets)
    std::cout << fmt::format("{:>4}  {:<40} {:<15} {:>9} rows  {}\n", d.id, shown(dataset_label(d)), shown(d.format),
                             d.rows, shown(d.path));
  return kExitOk;
}

int run_remove(const CommandContext& context, const std::string& which) {
  auto store = Store::open(context.db_path);
  if (!store) return fail(store.error());
  auto datasets = list_datasets(**store);
  if (!datasets) return fail(datasets.error());
  std::vector<DatasetInfo> chosen;
  for (const DatasetInfo& d : *datasets)
    if (std::to_string(d.id) == which || d.name == which) chosen.push_back(d);
  if (chosen.empty()) return fail(Error{"no dataset with this id or name (see `data list`)", which});
  if (chosen.size() > 1)
    return fail(Error{std::to_string(chosen.size()) + " datasets have this name: give one id (see `data list`)", which});
  auto removal = remove_dataset(**store, chosen.front().id);
  if (!removal) return fail(removal.error());
  std::cout << fmt::format("removed {} (dataset {}, {} rows): {} observations, {} edges gone, {} edges kept from other "
                           "sources\n",
                           shown(dataset_label(removal->dataset)), removal->dataset.id, removal->dataset.rows,
                           removal->observations, removal->edges_removed, removal->edges_narrowed);
  return kExitOk;
}

}  // namespace

std::vector<RegisteredCommand> add_asn_commands(CLI::App& enrich, CLI::App& data) {
  std::vector<RegisteredCommand> commands;

  auto import_args = std::make_shared<ImportArgs>();
  auto* import = data.add_subcommand("import", "import an IP-to-ASN dataset file (plain, .gz or .bz2)");
  import->add_option("FORMAT", import_args->format, "pfx2as, ip2asn, ip-location-db, pyasn")
      ->required()
      ->check(CLI::IsMember({"pfx2as", "ip2asn", "ip-location-db", "pyasn"}));
  import->add_option("FILE", import_args->files, "the dataset file(s)")->required();
  import->add_option("--name", import_args->name,
                     "dataset name (default: format and file name without date, e.g. ip-location-db-asn-ipv4)");
  import->add_option("--date", import_args->date,
                     "the data's date (default: from the file or folder name, e.g. 20240101, else the file's mtime)");
  import->add_option("--numeric", import_args->numeric,
                     "ip-location-db numeric files hold v4 or v6 numbers (default: from the name, else the values)")
      ->check(CLI::IsMember({"v4", "v6"}));
  commands.push_back({import, [import_args](const CommandContext& c) { return run_import(c, *import_args); }});

  auto* list = data.add_subcommand("list", "the imported datasets (and mmdb files read), with their ids");
  commands.push_back({list, [](const CommandContext& c) { return run_list(c); }});
  auto remove_which = std::make_shared<std::string>();
  auto* remove = data.add_subcommand("remove", "remove a dataset and every observation it was the source of");
  remove->add_option("DATASET", *remove_which, "its id or name (see `data list`)")->required();
  commands.push_back({remove, [remove_which](const CommandContext& c) { return run_remove(c, *remove_which); }});

  auto enrich_args = std::make_shared<EnrichArgs>();
  auto* asn_enrich = enrich.add_subcommand("asn", "prefix, origin AS, AS name and country for every IP of the graph");
  asn_enrich->add_option("--mmdb", enrich_args->mmdb,
                         ".mmdb file read in place (repeatable; default: the config's mmdb = lines)");
  asn_enrich->add_option("--dataset", enrich_args->dataset, "only the datasets (or mmdb files) of this name");
  asn_enrich->add_option("--as-of", enrich_args->as_of,
                         "look every IP up in each series' table for DATE (default: the table of each day the IP was "
                         "seen in mail, or the latest)");
  commands.push_back({asn_enrich, [enrich_args](const CommandContext& c) { return run_enrich(c, *enrich_args); }});

  return commands;
}

}  // namespace sg
