// `spamgraph pivot`, `timeline` and `diff`: questions about what is linked and
// what changed (analysis/), shown as tables or JSON (cli/findings_output.h).
#include <ctime>
#include <iostream>
#include <memory>
#include <sstream>

#include "analysis/diff.h"
#include "analysis/pivot.h"
#include "analysis/timeline.h"
#include "cli/commands.h"
#include "cli/findings_output.h"
#include "cli/indicator_arg.h"
#include "cli/json_output.h"
#include "cli/subcommand.h"
#include "core/time.h"
#include "store/campaigns.h"
#include "store/graph_scan.h"

namespace sg {

namespace {

struct PivotFlags {
  std::string indicator;
  int depth = 1;
  std::vector<std::string> relations;
  size_t limit = 25;
  bool json = false;
};

// A timeline or a diff lists this many indicators (per list) unless told otherwise:
// the largest campaigns have hundreds of thousands, more than anyone reads in a
// terminal. The totals count all.
constexpr size_t kListLimit = 1000;
// And names this many of each week's new indicators (the weeks count them all).
constexpr size_t kNamesPerWeek = 20;

struct TimelineFlags {
  std::string subject;
  bool indicator = false;
  size_t limit = kListLimit;
  bool json = false;
};

struct DiffFlags {
  std::string since;
  std::string until;
  std::string campaign;
  size_t limit = kListLimit;
  bool json = false;
};

// "--rel a,b --rel c" -> {a, b, c}.
std::vector<std::string> split_commas(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const std::string& value : values) {
    std::stringstream stream(value);
    for (std::string item; std::getline(stream, item, ',');)
      if (!item.empty()) out.push_back(item);
  }
  return out;
}

int run_pivot(const CommandContext& context, const PivotFlags& flags) {
  auto store = Store::open(context.db_path, StoreAccess::read);
  if (!store) return fail_with(store.error());
  // One read transaction: the question sees one state of the store however long it
  // takes, and its many small reads skip a lock round each.
  ReadSnapshot snapshot(**store);
  if (!snapshot.status()) return fail_with(snapshot.status().error());
  auto root = indicator_arg(flags.indicator, "INDICATOR");
  if (!root) return fail_with(root.error());
  PivotOptions options;
  options.depth = flags.depth;
  options.relations = split_commas(flags.relations);
  options.limit = flags.limit;
  auto tree = pivot(**store, *root, options);
  if (!tree) return fail_with(tree.error());
  if (flags.json)
    write_json(pivot_to_json(*tree), std::cout);
  else
    print_pivot(*tree, std::cout);
  return kExitOk;
}

int run_timeline(const CommandContext& context, const TimelineFlags& flags) {
  auto store = Store::open(context.db_path, StoreAccess::read);
  if (!store) return fail_with(store.error());
  TimelineLimits limits;
  limits.indicators = flags.limit;
  limits.names_per_week = flags.limit ? kNamesPerWeek : 0;
  // A campaign's id or name first, unless --indicator says otherwise.
  Result<Timeline> timeline = Error{"", ""};
  std::optional<CampaignSummary> campaign;
  if (!flags.indicator)
    if (auto found = find_campaign(**store, flags.subject)) campaign = *found;
  if (campaign) {
    timeline = campaign_timeline(**store, *campaign, limits);
  } else {
    auto indicator = indicator_arg(flags.subject, "CAMPAIGN|INDICATOR");
    if (!indicator) return fail_with(Error{"neither a campaign nor an indicator", flags.subject});
    // One read transaction: the question sees one state of the store however long it
    // takes, and its many small reads skip a lock round each. (A campaign's timeline
    // takes its own: it may store the campaign's facts first.)
    ReadSnapshot snapshot(**store);
    if (!snapshot.status()) return fail_with(snapshot.status().error());
    timeline = indicator_timeline(**store, *indicator, limits);
  }
  if (!timeline) return fail_with(timeline.error());
  if (flags.json)
    write_json(timeline_to_json(*timeline), std::cout);
  else
    print_timeline(*timeline, std::cout);
  return kExitOk;
}

int run_diff(const CommandContext& context, const DiffFlags& flags) {
  auto store = Store::open(context.db_path, StoreAccess::read);
  if (!store) return fail_with(store.error());
  DiffOptions options;
  options.now = static_cast<UnixTime>(std::time(nullptr));
  options.limit = flags.limit;
  auto since = parse_user_date(flags.since);
  if (!since) return fail_with(Error{"not a date (try 2024-01-31)", "--since " + flags.since});
  options.since = *since;
  if (!flags.until.empty()) {
    auto until = parse_user_date(flags.until, true);
    if (!until) return fail_with(Error{"not a date (try 2024-01-31)", "--until " + flags.until});
    options.until = *until;
  }
  if (!flags.campaign.empty()) {
    auto campaign = find_campaign(**store, flags.campaign);
    if (!campaign) return fail_with(campaign.error());
    options.campaign = campaign->id;
  }
  // A campaign's diff may store the campaign's facts first: it takes its own snapshot.
  std::optional<ReadSnapshot> snapshot;
  if (!options.campaign) {
    // One read transaction: the question sees one state of the store however long it
    // takes, and its many small reads skip a lock round each.
    snapshot.emplace(**store);
    if (!snapshot->status()) return fail_with(snapshot->status().error());
  }
  auto diff = diff_period(**store, options);
  if (!diff) return fail_with(diff.error());
  if (flags.json)
    write_json(diff_to_json(*diff), std::cout);
  else
    print_diff(*diff, std::cout);
  return kExitOk;
}

}  // namespace

std::vector<RegisteredCommand> add_findings_commands(CLI::App& app) {
  std::vector<RegisteredCommand> commands;

  auto pivot_flags = std::make_shared<PivotFlags>();
  auto* pivot_cmd = app.add_subcommand("pivot", "what is linked to an indicator, as a tree with roles, trust and times");
  pivot_cmd->add_option("INDICATOR", pivot_flags->indicator, "IP, prefix, AS, domain, address or URL (defanged is fine)")
      ->required();
  pivot_cmd->add_option("--depth", pivot_flags->depth, "levels (1 to 4, default 1)")->check(CLI::Range(1, 4));
  pivot_cmd->add_option("--rel", pivot_flags->relations,
                        "follow only these relations (helo,ptr,resolves-to,sent-from,envelope-from,in-prefix,...)");
  pivot_cmd->add_option("--limit", pivot_flags->limit, "links shown per node, the most seen first (default 25)");
  pivot_cmd->add_flag("--json", pivot_flags->json, "JSON output");
  commands.push_back(
      {pivot_cmd, [pivot_flags](const CommandContext& context) { return run_pivot(context, *pivot_flags); }});

  auto timeline_flags = std::make_shared<TimelineFlags>();
  auto* timeline = app.add_subcommand(
      "timeline", "first and last sighting of every indicator of a campaign (or around an indicator), and each week");
  timeline->add_option("CAMPAIGN|INDICATOR", timeline_flags->subject, "a campaign's id or name, or an indicator")
      ->required();
  timeline->add_flag("--indicator", timeline_flags->indicator, "read the argument as an indicator even if a campaign has that name");
  timeline->add_option("--limit", timeline_flags->limit,
                       "list at most this many indicators, and name at most " + std::to_string(kNamesPerWeek) +
                           " new ones per week (default " + std::to_string(kListLimit) + "; 0: all)");
  timeline->add_flag("--json", timeline_flags->json, "JSON output");
  commands.push_back(
      {timeline, [timeline_flags](const CommandContext& context) { return run_timeline(context, *timeline_flags); }});

  auto diff_flags = std::make_shared<DiffFlags>();
  auto* diff = app.add_subcommand(
      "diff", "domains, IPs, prefixes, ASNs and route objects that appeared or vanished in a period");
  diff->add_option("--since", diff_flags->since, "the period's first day")->required();
  diff->add_option("--until", diff_flags->until, "its last day (default: the newest message)");
  diff->add_option("--campaign", diff_flags->campaign, "only this campaign's mail (id or name)");
  diff->add_option("--limit", diff_flags->limit,
                   "list at most this many appeared and vanished indicators each (default " +
                       std::to_string(kListLimit) + "; 0: all)");
  diff->add_flag("--json", diff_flags->json, "JSON output");
  commands.push_back({diff, [diff_flags](const CommandContext& context) { return run_diff(context, *diff_flags); }});
  return commands;
}

}  // namespace sg
