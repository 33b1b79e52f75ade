// `spamgraph shares`, `stats` and `show`: questions to the store (store/queries.cpp),
// answered as tables or JSON (cli/query_output.h). Queries never create a store or tables.
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "core/as_number.h"
#include "cli/json_output.h"
#include "cli/query_output.h"
#include "cli/subcommand.h"
#include "collectors/indicator_list.h"
#include "core/ip.h"
#include "core/time.h"
#include "store/datasets.h"
#include "store/graph_scan.h"
#include "store/store.h"

namespace sg {

namespace {

struct SharesFlags {
  std::string query;
  bool json = false;
  std::string since;
  std::string until;
  bool names = false;  ///< one row per domain name instead of per registrable domain
};

struct ShowFlags {
  std::string kind;
  std::string key;
  bool json = false;
};

// The kinds `show` takes, in the order its help lists them.
constexpr EntityKind kShownKinds[] = {EntityKind::ip,  EntityKind::domain, EntityKind::message,
                                      EntityKind::email, EntityKind::url, EntityKind::prefix,
                                      EntityKind::asn, EntityKind::org,  EntityKind::country,
                                      EntityKind::route, EntityKind::maintainer};

std::vector<std::string> shown_kind_names() {
  std::vector<std::string> names;
  for (EntityKind kind : kShownKinds) names.emplace_back(to_text(kind));
  return names;
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

int run_shares(const CommandContext& context, SharesFlags flags) {
  flags.query = refang(flags.query);  // "103[.]244[.]54[.]137" is accepted everywhere
  auto store = Store::open(context.db_path, StoreAccess::read);
  if (!store) return fail_with(store.error());
  // One read transaction: the question sees one state of the store however long it
  // takes, and its many small reads skip a lock round each.
  ReadSnapshot snapshot(**store);
  if (!snapshot.status()) return fail_with(snapshot.status().error());
  auto range = range_from(flags.since, flags.until);
  if (!range) return fail_with(range.error());
  const ShareGrouping grouping = flags.names ? ShareGrouping::name : ShareGrouping::family;
  // An AS stands for every prefix any source says it originated.
  if (auto asn = parse_as_number(flags.query); asn && !IpAddress::parse(flags.query)) {
    auto history = asn_prefix_history(**store, *asn);
    if (!history) return fail_with(history.error());
    std::vector<IpPrefix> prefixes;
    for (const PrefixHistory& row : *history)
      if (auto prefix = IpPrefix::parse(row.prefix)) prefixes.push_back(*prefix);
    auto links = (*store)->domains_sharing_prefixes(prefixes, *range, grouping);
    if (!links) return fail_with(links.error());
    if (flags.json)
      write_json(shares_to_json(*links, true), std::cout);
    else
      print_shares(flags.query + " (" + std::to_string(prefixes.size()) + " prefixes)", *links, true, grouping,
                   std::cout);
    return kExitOk;
  }
  const bool is_address = IpAddress::parse(flags.query) || IpPrefix::parse(flags.query);
  auto links = is_address ? (*store)->domains_sharing_ip(flags.query, *range, grouping)
                          : (*store)->ips_sharing_domain(flags.query, *range);
  if (!links) return fail_with(links.error());
  if (flags.json)
    write_json(shares_to_json(*links, is_address), std::cout);
  else
    print_shares(flags.query, *links, is_address, grouping, std::cout);
  return kExitOk;
}

int run_stats(const CommandContext& context, bool json) {
  auto store = Store::open(context.db_path, StoreAccess::read);
  if (!store) return fail_with(store.error());
  // One read transaction: the question sees one state of the store however long it
  // takes, and its many small reads skip a lock round each.
  ReadSnapshot snapshot(**store);
  if (!snapshot.status()) return fail_with(snapshot.status().error());
  auto result = (*store)->stats();
  if (!result) return fail_with(result.error());
  if (json)
    write_json(stats_to_json(*result), std::cout);
  else
    print_stats(*result, std::cout);
  return kExitOk;
}

int run_show(const CommandContext& context, const ShowFlags& flags) {
  auto store = Store::open(context.db_path, StoreAccess::read);
  if (!store) return fail_with(store.error());
  // One read transaction: the question sees one state of the store however long it
  // takes, and its many small reads skip a lock round each.
  ReadSnapshot snapshot(**store);
  if (!snapshot.status()) return fail_with(snapshot.status().error());
  auto kind = parse_entity_kind(flags.kind);  // one of kShownKinds: the option checks it
  if (!kind) return fail_with(Error{"not a kind of entity", flags.kind});
  auto report = (*store)->show(EntityRef{*kind, refang(flags.key)});
  if (!report) return fail_with(report.error());
  // A message's hops come from its stored header block, analysed again with the
  // current trust settings (analysis is a pure function of the bytes).
  std::optional<Evidence> reanalysed;
  if (report->message)
    reanalysed = Analyzer(context.analysis).analyze(report->message->raw_headers, report->message->source);
  const Evidence* hops = reanalysed ? &*reanalysed : nullptr;
  // For an IP, the whole chain to its network: ip -> prefix -> AS -> holder, and
  // the registry facts around a prefix, route object or AS.
  std::optional<std::vector<ChainLink>> chain;
  const EntityKind kind_shown = report->entity.kind;
  if (kind_shown == EntityKind::ip || kind_shown == EntityKind::prefix || kind_shown == EntityKind::route ||
      kind_shown == EntityKind::asn) {
    auto links = network_chain(**store, report->entity);
    if (!links) return fail_with(links.error());
    chain = std::move(*links);
  }
  const std::vector<ChainLink>* network = chain ? &*chain : nullptr;
  // For an IP, which day's table of each series answers for each day it was seen in mail.
  std::optional<std::vector<RoutingAsOf>> routing;
  if (kind_shown == EntityKind::ip) {
    auto rows = routing_as_of(**store, report->entity.key);
    if (!rows) return fail_with(rows.error());
    routing = std::move(*rows);
  }
  const std::vector<RoutingAsOf>* by_day = routing ? &*routing : nullptr;
  if (flags.json)
    write_json(report_to_json(*report, hops, network, by_day), std::cout);
  else
    print_report(*report, std::cout, hops, network, by_day);
  return kExitOk;
}

}  // namespace

std::vector<RegisteredCommand> add_query_commands(CLI::App& app) {
  std::vector<RegisteredCommand> commands;

  auto shares_flags = std::make_shared<SharesFlags>();
  auto* shares = app.add_subcommand(
      "shares", "domains tied to an IP, a prefix or an AS (every prefix it originated), or IPs tied to a domain");
  shares->add_option("IP|PREFIX|AS|DOMAIN", shares_flags->query)->required();
  shares->add_flag("--json", shares_flags->json, "JSON output");
  shares->add_option("--since", shares_flags->since, "only links seen on or after DATE");
  shares->add_option("--until", shares_flags->until, "only links seen on or before DATE");
  shares->add_flag("--names", shares_flags->names,
                   "a row per domain name (default: a row per registrable domain, with how many names it stands for)");
  commands.push_back(
      {shares, [shares_flags](const CommandContext& context) { return run_shares(context, *shares_flags); }});

  auto stats_json = std::make_shared<bool>(false);
  auto* stats = app.add_subcommand("stats", "what the store holds");
  stats->add_flag("--json", *stats_json, "JSON output");
  commands.push_back({stats, [stats_json](const CommandContext& context) { return run_stats(context, *stats_json); }});

  auto show_flags = std::make_shared<ShowFlags>();
  auto* show = app.add_subcommand("show", "every edge of one entity with times and provenance");
  show->add_option("KIND", show_flags->kind, "ip, domain, message, email, url, prefix, asn, org, country, route, maintainer")
      ->required()
      ->check(CLI::IsMember(shown_kind_names()));
  show->add_option("KEY", show_flags->key, "the IP, domain, message hash (prefix), ...")->required();
  show->add_flag("--json", show_flags->json, "JSON output");
  commands.push_back({show, [show_flags](const CommandContext& context) { return run_show(context, *show_flags); }});

  return commands;
}

}  // namespace sg
