// How campaigns, pivots, timelines and diffs are shown: tables for people (values
// from spam escaped by escape_for_terminal()) and JSON for tools (valid UTF-8,
// times as ISO 8601).
#pragma once
#include <nlohmann/json.hpp>

#include <ostream>
#include <vector>

#include "analysis/campaign_auto.h"
#include "analysis/diff.h"
#include "analysis/indicator_set.h"
#include "analysis/pivot.h"
#include "analysis/timeline.h"
#include "store/campaigns.h"

namespace sg {

/// One indicator with its roles, times, messages and trust.
nlohmann::json indicator_to_json(const IndicatorStats& stats);

/// `campaign show` without a campaign: every campaign, one line each.
void print_campaign_list(const std::vector<CampaignSummary>& campaigns, std::ostream& out);
/// The same as an array of {id, name, messages, first_seen, last_seen, pinned}.
nlohmann::json campaign_list_to_json(const std::vector<CampaignSummary>& campaigns);

/// `campaign show C`: the campaign and its members (indicators).
void print_campaign(const CampaignSummary& campaign, const std::vector<IndicatorStats>& members, std::ostream& out);
nlohmann::json campaign_to_json(const CampaignSummary& campaign, const std::vector<IndicatorStats>& members);

/// What `campaign auto` did, and the hubs it suppressed.
void print_campaign_auto(const CampaignAutoSummary& summary, std::ostream& out);
nlohmann::json campaign_auto_to_json(const CampaignAutoSummary& summary);

/// `pivot`: the tree, indented.
void print_pivot(const PivotNode& tree, std::ostream& out);
nlohmann::json pivot_to_json(const PivotNode& tree);

/// `timeline`.
void print_timeline(const Timeline& timeline, std::ostream& out);
nlohmann::json timeline_to_json(const Timeline& timeline);

/// `diff`.
void print_diff(const DiffResult& diff, std::ostream& out);
nlohmann::json diff_to_json(const DiffResult& diff);

}  // namespace sg
