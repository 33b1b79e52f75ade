// spamgraph: thin argument parsing over the library calls of cli/commands.h.
#include <CLI/CLI.hpp>
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <iostream>

#include "cli/commands.h"
#include "cli/config.h"
#include "cli/evidence_json.h"
#include "cli/json_output.h"
#include "cli/query_output.h"
#include "cli/subcommand.h"
#include "collectors/analysis_pipeline.h"
#include "core/domain.h"
#include "core/utf8.h"
#include "store/datasets.h"

namespace {

using namespace sg;

// Errors quote file names, arguments and message text: escaped like every value.
int fail(const Error& error) {
  std::cerr << "spamgraph: " << escape_for_terminal(error.to_string()) << "\n";
  return kExitFatal;
}

Result<TrustConfig> trust_from(const Config& config, const std::string& flag) {
  TrustConfig trust;
  if (auto status = trust.add(config.trusted); !status)
    return Error{"trusted: " + status.error().to_string(), config.path};
  if (auto status = trust.add(flag); !status) return Error{status.error().to_string(), "--trusted"};
  return trust;
}

Result<TimeRange> range_from(const std::string& since, const std::string& until) {
  TimeRange range;
  if (!since.empty()) {
    range.since = parse_user_date(since);
    if (!range.since) return Error{"not a date (try 2024-01-31)", "--since " + since};
  }
  if (!until.empty()) {
    range.until = parse_user_date(until, true);
    if (!range.until) return Error{"not a date (try 2024-01-31)", "--until " + until};
  }
  return range;
}

int run(int argc, char** argv) {
  CLI::App app{"spamgraph: spam headers in, campaign graph out"};
  app.require_subcommand(1);
  std::string db_flag, config_flag;
  app.add_option("--db", db_flag, "SQLite store (default: $SPAMGRAPH_DB, else ./spamgraph.db)");
  app.add_option("--config", config_flag, "config file (default: $SPAMGRAPH_CONFIG or ~/.config/spamgraph/config)");

  std::string trusted, format = "auto", since, until, assume_time;
  bool json = false, no_body = false;

  auto* parse = app.add_subcommand("parse", "analyse one message without storing it");
  std::string parse_path;
  parse->add_option("FILE", parse_path, "message, paste or mbox (first message); - for stdin")->required();
  parse->add_option("--format", format, "auto, eml, mbox, paste");
  parse->add_option("--trusted", trusted, "your own servers: host names, *.suffix, CIDR prefixes");
  parse->add_flag("--json", json, "JSON output");
  parse->add_flag("--no-body", no_body, "skip body URLs");

  auto* ingest = app.add_subcommand("ingest", "analyse and store messages");
  std::vector<std::string> ingest_paths;
  ingest->add_option("PATH", ingest_paths, "files, folders (Maildir or .eml trees), mbox; - for stdin")->required();
  ingest->add_option("--format", format, "auto, eml, dir, maildir, mbox, paste, indicators");
  std::string source_label;
  ingest->add_option("--source", source_label, "with --format indicators: who listed them (default: file name)");
  ingest->add_option("--trusted", trusted, "your own servers: host names, *.suffix, CIDR prefixes");
  ingest->add_option("--assume-time", assume_time, "time for messages that carry no date at all (default: now)");
  ingest->add_flag("--no-body", no_body, "skip body URLs");
  unsigned jobs = std::min(4u, default_analysis_jobs());
  ingest->add_option("--jobs", jobs, "analysis threads (default: cores - 1, at most 4)")
      ->check(CLI::Range(1u, 256u))
      ->default_val(jobs);

  auto* shares = app.add_subcommand("shares", "domains tied to an IP or prefix, or IPs tied to a domain");
  std::string shares_query;
  shares->add_option("IP|PREFIX|DOMAIN", shares_query)->required();
  shares->add_flag("--json", json, "JSON output");
  shares->add_option("--since", since, "only links seen on or after DATE");
  shares->add_option("--until", until, "only links seen on or before DATE");

  auto* stats = app.add_subcommand("stats", "what the store holds");
  stats->add_flag("--json", json, "JSON output");

  auto* show = app.add_subcommand("show", "every edge of one entity with times and provenance");
  std::string show_kind, show_key;
  show->add_option("KIND", show_kind, "ip, domain, message, email, url, prefix, asn, org, country")
      ->required()
      ->check(CLI::IsMember({"ip", "domain", "message", "email", "url", "prefix", "asn", "org", "country"}));
  show->add_option("KEY", show_key, "the IP, domain, message hash (prefix), ...")->required();
  show->add_flag("--json", json, "JSON output");

  auto* enrich = app.add_subcommand("enrich", "add facts from DNS and IP-to-AS data to the graph");
  enrich->require_subcommand(1);
  auto* data = app.add_subcommand("data", "import or download offline datasets");
  data->require_subcommand(1);
  std::vector<RegisteredCommand> commands;
  commands.push_back(add_enrich_dns_command(*enrich));
  for (auto& command : add_asn_commands(app, *enrich, *data)) commands.push_back(std::move(command));
  commands.push_back(add_data_fetch_command(*data));

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? kExitOk : kExitFatal;
  }

  auto config = load_config(default_config_path(config_flag));
  if (!config) return fail(config.error());
  auto trust = trust_from(*config, trusted);
  if (!trust) return fail(trust.error());
  AnalysisOptions analysis;
  analysis.trust = *trust;
  analysis.fallback_time = static_cast<UnixTime>(std::time(nullptr));

  if (parse->parsed()) {
    analysis.body_urls = !no_body;
    auto evidence = analyze_path(parse_path, format, analysis);
    if (!evidence) return fail(evidence.error());
    if (json)
      write_json(evidence_to_json(*evidence), std::cout);
    else
      print_evidence_table(*evidence, std::cout);
    return kExitOk;
  }

  const std::string db_path = resolve_db_path(db_flag, *config);
  // Commands registered from other files open the store themselves (data fetch needs none).
  for (const auto& command : commands) {
    if (command.app->parsed()) return command.run(CommandContext{db_path, *config, analysis});
  }

  // Queries never create a store or tables; only ingest writes.
  auto store = Store::open(db_path, ingest->parsed() ? StoreAccess::write : StoreAccess::read);
  if (!store) return fail(store.error());

  if (ingest->parsed()) {
    IngestOptions options;
    options.paths = ingest_paths;
    options.format = format;
    options.analysis = analysis;
    options.analysis.body_urls = !no_body;
    options.jobs = jobs;
    if (!assume_time.empty()) {
      auto time = parse_user_date(assume_time);
      if (!time) return fail(Error{"not a date", "--assume-time " + assume_time});
      options.analysis.fallback_time = *time;
    }
    options.source_label = source_label;
    if (!assume_time.empty()) options.import_time = options.analysis.fallback_time;
    options.progress = isatty(STDERR_FILENO) != 0;
    auto report = run_ingest(**store, options, std::cerr);
    if (!report) return fail(report.error());
    print_ingest_report(*report, std::cout);
    return report->unreadable > 0 ? kExitSomeUnreadable : kExitOk;
  }

  if (shares->parsed()) {
    auto range = range_from(since, until);
    if (!range) return fail(range.error());
    const bool is_address = IpAddress::parse(shares_query) || IpPrefix::parse(shares_query);
    auto links = is_address ? (*store)->domains_sharing_ip(shares_query, *range)
                            : (*store)->ips_sharing_domain(shares_query, *range);
    if (!links) return fail(links.error());
    if (json)
      write_json(shares_to_json(*links, is_address), std::cout);
    else
      print_shares(shares_query, *links, is_address, std::cout);
    return kExitOk;
  }

  if (stats->parsed()) {
    auto result = (*store)->stats();
    if (!result) return fail(result.error());
    if (json)
      write_json(stats_to_json(*result), std::cout);
    else
      print_stats(*result, std::cout);
    return kExitOk;
  }

  if (show->parsed()) {
    auto report = (*store)->show(EntityRef{show_kind, show_key});
    if (!report) return fail(report.error());
    std::optional<Evidence> reanalysed;
    if (report->message)
      reanalysed = Analyzer(analysis).analyze(report->message->raw_headers, report->message->source);
    const Evidence* hops = reanalysed ? &*reanalysed : nullptr;
    // For an IP, the whole chain to its network: ip -> prefix -> AS -> holder.
    std::optional<std::vector<ChainLink>> chain;
    if (report->entity.kind == "ip") {
      auto links = ip_chain(**store, report->entity.key);
      if (!links) return fail(links.error());
      chain = std::move(*links);
    }
    const std::vector<ChainLink>* network = chain ? &*chain : nullptr;
    if (json)
      write_json(report_to_json(*report, hops, network), std::cout);
    else
      print_report(*report, std::cout, hops, network);
    return kExitOk;
  }
  return kExitFatal;
}

}  // namespace

int main(int argc, char** argv) {
  int exit_code = kExitFatal;
  if (auto status = run_catching([&] { exit_code = run(argc, argv); }); !status) exit_code = fail(status.error());
  // An answer that did not reach its file must not look like success.
  if (auto status = flush_standard_output(); !status) exit_code = fail(status.error());
  return exit_code;
}
