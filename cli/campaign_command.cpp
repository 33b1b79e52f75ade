// `spamgraph campaign auto|show|add|rename|merge|split`: campaigns made by
// clustering (analysis/campaign_auto.h) or by hand (store/campaigns.h).
#include <algorithm>
#include <ctime>
#include <iostream>
#include <memory>

#include "analysis/campaign_auto.h"
#include "analysis/campaign_facts.h"
#include "analysis/indicator_set.h"
#include "analysis/timeline.h"
#include "cli/commands.h"
#include "cli/findings_output.h"
#include "cli/indicator_arg.h"
#include "cli/json_output.h"
#include "cli/subcommand.h"
#include "store/campaigns.h"
#include "store/graph_scan.h"

namespace sg {

namespace {

struct CampaignFlags {
  // auto
  double min_weight = 1.0;
  int64_t hub_degree = 500;
  int64_t min_messages = 2;
  bool no_known_hubs = false;
  std::vector<std::string> hubs;
  // show, add, rename, merge, split
  std::string campaign;
  std::string name;
  std::vector<std::string> indicators;
  std::vector<std::string> others;
  bool json = false;
};

UnixTime now() { return static_cast<UnixTime>(std::time(nullptr)); }

// The messages naming any of `indicators` (flag name for errors).
Result<std::vector<int64_t>> messages_of(Store& store, const std::vector<std::string>& indicators) {
  std::vector<int64_t> all;
  for (const std::string& text : indicators) {
    auto entity = indicator_arg(text, "INDICATOR " + text);
    if (!entity) return entity.error();
    auto ids = messages_naming(store, *entity);
    if (!ids) return ids.error();
    all.insert(all.end(), ids->begin(), ids->end());
  }
  std::sort(all.begin(), all.end());
  all.erase(std::unique(all.begin(), all.end()), all.end());
  return all;
}

// Stores the facts of the campaigns a change made stale, so that their timelines
// read them. A failure leaves the change in place: timelines then read the messages.
void store_campaign_facts(Store& store) {
  if (auto refreshed = refresh_campaign_facts(store); !refreshed)
    std::cerr << "warning: campaign facts not stored (timelines read the messages instead): "
              << refreshed.error().message << '\n';
}

// Runs `change` inside one write batch; commits when it succeeds.
int in_batch(Store& store, const std::function<Status()>& change) {
  if (auto status = store.begin(); !status) return fail_with(status.error());
  if (auto status = change(); !status) {
    store.rollback();
    return fail_with(status.error());
  }
  if (auto status = store.commit(); !status) return fail_with(status.error());
  store_campaign_facts(store);
  return kExitOk;
}

int run_auto(Store& store, const CampaignFlags& flags) {
  CampaignAutoOptions options;
  options.min_weight = flags.min_weight;
  options.hub_degree = flags.hub_degree;
  options.min_messages = flags.min_messages;
  options.known_hubs = !flags.no_known_hubs;
  options.now = now();
  for (const std::string& hub : flags.hubs) {
    auto entity = indicator_arg(hub, "--hub " + hub);
    if (!entity) return fail_with(entity.error());
    options.extra_hubs.push_back(*entity);
  }
  auto summary = cluster_campaigns(store, options);
  if (!summary) return fail_with(summary.error());
  store_campaign_facts(store);
  if (flags.json)
    write_json(campaign_auto_to_json(*summary), std::cout);
  else
    print_campaign_auto(*summary, std::cout);
  return kExitOk;
}

int run_show(Store& store, const CampaignFlags& flags) {
  ReadSnapshot snapshot(store);  // one state of the store, and no lock round per read
  if (!snapshot.status()) return fail_with(snapshot.status().error());
  if (flags.campaign.empty()) {
    auto campaigns = list_campaigns(store);
    if (!campaigns) return fail_with(campaigns.error());
    if (flags.json)
      write_json(campaign_list_to_json(*campaigns), std::cout);
    else
      print_campaign_list(*campaigns, std::cout);
    return kExitOk;
  }
  auto campaign = find_campaign(store, flags.campaign);
  if (!campaign) return fail_with(campaign.error());
  // Its stored facts when they are true (a timeline with everything listed).
  auto timeline = campaign_timeline(store, *campaign);
  if (!timeline) return fail_with(timeline.error());
  std::vector<IndicatorStats> members = std::move(timeline->indicators);
  std::sort(members.begin(), members.end(), [](const IndicatorStats& a, const IndicatorStats& b) {
    return a.kind != b.kind ? a.kind < b.kind : a.value < b.value;
  });
  if (flags.json)
    write_json(campaign_to_json(*campaign, members), std::cout);
  else
    print_campaign(*campaign, members, std::cout);
  return kExitOk;
}

int run_add(Store& store, const CampaignFlags& flags) {
  auto messages = messages_of(store, flags.indicators);
  if (!messages) return fail_with(messages.error());
  int64_t id = 0;
  const int code = in_batch(store, [&]() -> Status {
    auto existing = find_campaign(store, flags.name);
    if (existing) {
      id = existing->id;
      if (auto status = pin_campaign(store, id, now()); !status) return status;
    } else {
      auto created = create_campaign(store, flags.name, true, now());
      if (!created) return created.error();
      id = *created;
    }
    return assign_messages(store, id, *messages, now());
  });
  if (code == kExitOk) std::cout << "campaign " << id << ": " << messages->size() << " messages added\n";
  return code;
}

int run_rename(Store& store, const CampaignFlags& flags) {
  auto campaign = find_campaign(store, flags.campaign);
  if (!campaign) return fail_with(campaign.error());
  return in_batch(store, [&]() { return rename_campaign(store, campaign->id, flags.name, now()); });
}

int run_merge(Store& store, const CampaignFlags& flags) {
  auto into = find_campaign(store, flags.campaign);
  if (!into) return fail_with(into.error());
  std::vector<CampaignSummary> merged;
  for (const std::string& other : flags.others) {
    auto campaign = find_campaign(store, other);
    if (!campaign) return fail_with(campaign.error());
    if (campaign->id == into->id) return fail_with(Error{"cannot merge a campaign into itself", other});
    merged.push_back(*campaign);
  }
  return in_batch(store, [&]() -> Status {
    for (const CampaignSummary& campaign : merged) {
      auto ids = campaign_message_ids(store, campaign.id);
      if (!ids) return ids.error();
      if (auto status = assign_messages(store, into->id, *ids, now()); !status) return status;
      if (auto status = delete_campaign(store, campaign.id); !status) return status;
    }
    return pin_campaign(store, into->id, now());
  });
}

int run_split(Store& store, const CampaignFlags& flags) {
  auto from = find_campaign(store, flags.campaign);
  if (!from) return fail_with(from.error());
  auto named = messages_of(store, flags.indicators);
  if (!named) return fail_with(named.error());
  auto members = campaign_message_ids(store, from->id);
  if (!members) return fail_with(members.error());
  std::vector<int64_t> moving;
  std::set_intersection(members->begin(), members->end(), named->begin(), named->end(), std::back_inserter(moving));
  if (moving.empty()) return fail_with(Error{"none of the campaign's messages names these indicators", flags.campaign});
  if (moving.size() == members->size())
    return fail_with(Error{"every message of the campaign names these indicators: nothing to split", flags.campaign});
  int64_t id = 0;
  const int code = in_batch(store, [&]() -> Status {
    auto created = create_campaign(store, flags.name, true, now());
    if (!created) return created.error();
    id = *created;
    if (auto status = assign_messages(store, id, moving, now()); !status) return status;
    return pin_campaign(store, from->id, now());
  });
  if (code == kExitOk) std::cout << "campaign " << id << ": " << moving.size() << " messages split off\n";
  return code;
}

}  // namespace

std::vector<RegisteredCommand> add_campaign_commands(CLI::App& app) {
  auto* campaign = app.add_subcommand("campaign", "campaigns: cluster the store, list, show and edit them");
  campaign->require_subcommand(1);
  std::vector<RegisteredCommand> commands;
  auto add = [&](CLI::App* sub, int (*run)(Store&, const CampaignFlags&), std::shared_ptr<CampaignFlags> flags,
                 StoreAccess access) {
    commands.push_back({sub, [flags, run, access](const CommandContext& context) {
                          auto store = Store::open(context.db_path, access);
                          if (!store) return fail_with(store.error());
                          return run(**store, *flags);
                        }});
  };

  auto auto_flags = std::make_shared<CampaignFlags>();
  auto* automatic = campaign->add_subcommand(
      "auto", "cluster every message by shared infrastructure; campaigns that continue keep their id and name");
  automatic->add_option("--min-weight", auto_flags->min_weight,
                        "shared features must weigh this much to link two messages (default 1: an origin IP or "
                        "sender domain alone; 0.5: a /24, a relay or a name server alone)");
  automatic->add_option("--hub-degree", auto_flags->hub_degree,
                        "a feature linking more distinct sender domains (networks) or origin networks (domains) "
                        "than this is a hub and links nothing (default 500)");
  automatic->add_option("--min-messages", auto_flags->min_messages, "smaller clusters form no campaign (default 2)");
  automatic->add_flag("--no-known-hubs", auto_flags->no_known_hubs,
                      "do not suppress the built-in list of mail providers, clouds and DNS hosts");
  automatic->add_option("--hub", auto_flags->hubs, "also suppress this indicator (your own domain, say)");
  automatic->add_flag("--json", auto_flags->json, "JSON output");
  add(automatic, run_auto, auto_flags, StoreAccess::scan);

  auto show_flags = std::make_shared<CampaignFlags>();
  auto* show = campaign->add_subcommand("show", "list the campaigns, or show one with its members");
  show->add_option("CAMPAIGN", show_flags->campaign, "id or name (none: list all)");
  show->add_flag("--json", show_flags->json, "JSON output");
  add(show, run_show, show_flags, StoreAccess::read);

  auto add_flags = std::make_shared<CampaignFlags>();
  auto* add_cmd = campaign->add_subcommand(
      "add", "make a campaign by hand (or extend one) from the messages naming the indicators");
  add_cmd->add_option("NAME", add_flags->name, "the campaign's name")->required();
  add_cmd->add_option("INDICATOR", add_flags->indicators, "IPs, prefixes, ASNs, domains, addresses (defanged is fine)")
      ->required();
  add(add_cmd, run_add, add_flags, StoreAccess::read);

  auto rename_flags = std::make_shared<CampaignFlags>();
  auto* rename = campaign->add_subcommand("rename", "rename a campaign");
  rename->add_option("CAMPAIGN", rename_flags->campaign, "id or name")->required();
  rename->add_option("NAME", rename_flags->name, "the new name")->required();
  add(rename, run_rename, rename_flags, StoreAccess::read);

  auto merge_flags = std::make_shared<CampaignFlags>();
  auto* merge = campaign->add_subcommand("merge", "move the messages of campaigns into one and delete the others");
  merge->add_option("INTO", merge_flags->campaign, "id or name of the campaign that stays")->required();
  merge->add_option("FROM", merge_flags->others, "ids or names merged into it")->required();
  add(merge, run_merge, merge_flags, StoreAccess::read);

  auto split_flags = std::make_shared<CampaignFlags>();
  auto* split = campaign->add_subcommand("split", "move the messages of a campaign that name indicators to a new one");
  split->add_option("CAMPAIGN", split_flags->campaign, "id or name")->required();
  split->add_option("INDICATOR", split_flags->indicators, "the messages naming any of these move")->required();
  split->add_option("--name", split_flags->name, "the new campaign's name")->required();
  add(split, run_split, split_flags, StoreAccess::read);
  return commands;
}

}  // namespace sg
