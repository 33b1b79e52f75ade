// `bgp dump` and `bgp import`: MRT files (RouteViews, RIPE RIS) read by
// enrich/mrt/. Argument parsing and printing only.
#include <fmt/format.h>

#include <cstdio>
#include <iostream>

#include "cli/commands.h"
#include "cli/subcommand.h"
#include "core/as_number.h"
#include "core/utf8.h"
#include "enrich/mrt/mrt_dump.h"
#include "enrich/mrt/mrt_import.h"
#include "store/store.h"

namespace sg {
namespace {

std::string shown(std::string_view text) { return escape_for_terminal(text); }

constexpr size_t kProblemsShown = 20;

/// The route filter flags shared by `bgp dump` and `bgp import`.
struct FilterFlags {
  std::string prefix;
  bool more_specific = false;
  bool less_specific = false;
  std::string origin;
  std::string peer_as;
  std::string peer_ip;
  std::vector<std::string> types;
};

void add_filter_flags(CLI::App& command, FilterFlags& flags) {
  command.add_option("--prefix", flags.prefix, "only this prefix (e.g. 114.113.195.0/24)");
  command.add_flag("--more-specific", flags.more_specific, "with --prefix: also every prefix inside it");
  command.add_flag("--less-specific", flags.less_specific, "with --prefix: also every prefix that contains it");
  command.add_option("--origin", flags.origin, "only routes originated by this AS (AS58779 or 58779)");
  command.add_option("--peer-asn", flags.peer_as, "only routes from peers of this AS");
  command.add_option("--peer-ip", flags.peer_ip, "only routes from this peer address");
  command.add_option("--type", flags.types, "only these kinds: rib, announce, withdraw, state (repeatable)");
}

Result<mrt::ElementFilter> resolve_filter(const FilterFlags& flags) {
  mrt::ElementFilter filter;
  if (!flags.prefix.empty()) {
    filter.prefix = IpPrefix::parse(flags.prefix);
    if (!filter.prefix) return Error{"not a prefix (try 114.113.195.0/24)", "--prefix " + flags.prefix};
  }
  if ((flags.more_specific || flags.less_specific) && !filter.prefix) {
    return Error{"needs --prefix", flags.more_specific ? "--more-specific" : "--less-specific"};
  }
  filter.more_specific = flags.more_specific;
  filter.less_specific = flags.less_specific;
  if (!flags.origin.empty()) {
    filter.origin_as = parse_as_number(flags.origin);
    if (!filter.origin_as) return Error{"not an AS number", "--origin " + flags.origin};
  }
  if (!flags.peer_as.empty()) {
    filter.peer_as = parse_as_number(flags.peer_as);
    if (!filter.peer_as) return Error{"not an AS number", "--peer-asn " + flags.peer_as};
  }
  if (!flags.peer_ip.empty()) {
    filter.peer_ip = IpAddress::parse(flags.peer_ip);
    if (!filter.peer_ip) return Error{"not an IP address", "--peer-ip " + flags.peer_ip};
  }
  for (const std::string& type : flags.types) {
    if (type == "rib") {
      filter.types.push_back(mrt::ElementType::rib);
    } else if (type == "announce") {
      filter.types.push_back(mrt::ElementType::announce);
    } else if (type == "withdraw") {
      filter.types.push_back(mrt::ElementType::withdraw);
    } else if (type == "state") {
      filter.types.push_back(mrt::ElementType::state);
    } else {
      return Error{"not a kind (rib, announce, withdraw, state)", "--type " + type};
    }
  }
  return filter;
}

/// Problems go to standard error as "FILE: offset N: reason", the first few of them.
void print_problems(const std::string& file, const std::vector<mrt::MrtProblem>& problems, uint64_t count) {
  for (size_t i = 0; i < problems.size() && i < kProblemsShown; ++i) {
    std::cerr << fmt::format("{}: offset {}: {}{}\n", shown(file), problems[i].offset, shown(problems[i].reason),
                             problems[i].fatal ? " (reading stopped)" : "");
  }
  if (count > kProblemsShown) std::cerr << fmt::format("{}: ... {} problems in all\n", shown(file), count);
}

struct DumpArgs {
  std::vector<std::string> files;
  bool json = false;
  bool quiet = false;
  FilterFlags filter;
};

int run_dump(const DumpArgs& args) {
  auto filter = resolve_filter(args.filter);
  if (!filter) return fail_with(filter.error());
  mrt::DumpOptions options;
  options.format = args.json ? mrt::DumpFormat::json : mrt::DumpFormat::bgpdump;
  options.filter = *filter;
  int exit_code = kExitOk;
  for (const std::string& file : args.files) {
    auto report = mrt::dump_mrt(file, options, stdout);
    if (!report) {
      std::cerr << "spamgraph: " << shown(report.error().to_string()) << "\n";
      exit_code = kExitSomeUnreadable;
      continue;
    }
    if (report->problem_count > 0) {
      if (!args.quiet) print_problems(file, report->problems, report->problem_count);
      exit_code = kExitSomeUnreadable;
    }
  }
  return exit_code;
}

struct ImportArgs {
  std::vector<std::string> files;
  std::string name;
  bool all = false;
};

void print_import(const std::string& file, const mrt::MrtImportResult& r) {
  const DatasetInfo& d = r.dataset;
  if (r.already_imported) {
    std::cout << fmt::format("{}: already imported as {} (dataset {}): {} rows added{}, {} in all\n",
                             shown(file), shown(dataset_label(d)), d.id, r.rows_added,
                             r.rows_added == 0 ? " (nothing new)" : "", d.rows);
    return;
  }
  if (r.rib) {
    std::cout << fmt::format(
        "{}: imported RIB {} (dataset {}): {} routes, {} prefixes ({} with several origins), {} prefix-origin rows, "
        "{} stored{}, in {:.2f} s\n",
        shown(file), shown(dataset_label(d)), d.id, r.elements, r.prefixes, r.multi_origin, r.rows_seen, r.rows_kept,
        r.rows_kept == r.rows_seen ? "" : fmt::format(" (those holding {} graph IPs, and the other prefixes of their {} origin ASes)",
                                                      r.graph_ips, r.graph_asns),
        r.seconds);
  } else {
    std::cout << fmt::format("{}: imported updates {} (dataset {}): {} announcements and withdrawals, {} stored{}, in {:.2f} s\n",
                             shown(file), shown(dataset_label(d)), d.id, r.elements, r.rows_kept,
                             r.rows_kept == r.rows_seen ? "" : fmt::format(" (those of prefixes holding {} graph IPs)", r.graph_ips),
                             r.seconds);
  }
  if (r.rows_kept == 0 && r.rows_seen > 0) {
    std::cout << fmt::format("{}: nothing concerns the graph's IPs yet: ingest mail first, or give --all to keep the whole table\n",
                             shown(file));
  }
}

int run_import(const CommandContext& context, const ImportArgs& args) {
  auto store = Store::open(context.db_path);
  if (!store) return fail_with(store.error());
  int exit_code = kExitOk;
  for (const std::string& file : args.files) {
    mrt::MrtImportRequest request;
    request.path = file;
    request.name = args.name;
    request.all = args.all;
    auto result = mrt::import_mrt(**store, request);
    if (!result) {
      std::cerr << "spamgraph: " << shown(result.error().to_string()) << " (nothing of this file stored)\n";
      exit_code = kExitSomeUnreadable;
      continue;
    }
    print_import(file, *result);
    if (result->problem_count > 0) {
      print_problems(file, result->problems, result->problem_count);
      exit_code = kExitSomeUnreadable;
    }
  }
  return exit_code;
}

}  // namespace

std::vector<RegisteredCommand> add_bgp_archive_commands(CLI::App& app) {
  auto* bgp = app.add_subcommand("bgp", "read BGP archives (MRT RIB and update dumps from RouteViews and RIPE RIS)");
  bgp->require_subcommand(1);

  auto dump_args = std::make_shared<DumpArgs>();
  auto* dump = bgp->add_subcommand("dump", "print an MRT file one route per line, as `bgpdump -m` does (or --json)");
  dump->add_option("file", dump_args->files, "MRT files: plain, gzip or bzip2")->required();
  dump->add_flag("--json", dump_args->json, "one JSON object per route instead of bgpdump's text");
  dump->add_flag("--quiet", dump_args->quiet, "do not list the damage found (the exit code still says so)");
  add_filter_flags(*dump, dump_args->filter);

  auto import_args = std::make_shared<ImportArgs>();
  auto* import = bgp->add_subcommand(
      "import", "store an MRT RIB dump as a dated prefix -> origin table, or an update dump as events");
  import->add_option("file", import_args->files, "MRT files: plain, gzip or bzip2")->required();
  import->add_option("--name", import_args->name,
                     "dataset name (default: routeviews-COLLECTOR or ris-RRC from the path, else mrt-FILE)");
  import->add_flag("--all", import_args->all,
                   "keep the whole table (default: the prefixes holding the graph's IPs and every prefix of their origin ASes)");

  std::vector<RegisteredCommand> commands;
  commands.push_back({dump, [dump_args](const CommandContext&) { return run_dump(*dump_args); }});
  commands.push_back({import, [import_args](const CommandContext& context) { return run_import(context, *import_args); }});
  return commands;
}

}  // namespace sg
