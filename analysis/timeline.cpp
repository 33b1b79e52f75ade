#include "analysis/timeline.h"

#include <algorithm>
#include <map>

#include "analysis/campaign_facts.h"
#include "store/campaigns.h"
#include "store/graph_queries.h"
#include "store/graph_scan.h"

namespace sg {

namespace {

constexpr UnixTime kDay = 86400;
constexpr UnixTime kWeek = 7 * kDay;

std::string indicator_text(const IndicatorStats& stats) {
  return std::string(to_text(stats.kind)) + " " + stats.value;
}

// Every week from the first sighting to the last, at most kMaxWeeks (the newest).
void lay_out_weeks(Timeline& timeline) {
  UnixTime first_week = week_start(timeline.first_seen);
  const UnixTime last_week = week_start(timeline.last_seen);
  if ((last_week - first_week) / kWeek + 1 > static_cast<UnixTime>(kMaxWeeks)) {
    first_week = last_week - static_cast<UnixTime>(kMaxWeeks - 1) * kWeek;
    timeline.weeks_truncated = true;
  }
  for (UnixTime week = first_week; week <= last_week; week += kWeek) timeline.weeks.push_back({week, 0, 0, {}});
}

// The row of the week holding `time`; nullptr before the first row.
TimelineWeekRow* week_of(Timeline& timeline, UnixTime time) {
  if (timeline.weeks.empty()) return nullptr;
  const UnixTime week = week_start(time);
  if (week < timeline.weeks.front().week_start || week > timeline.weeks.back().week_start) return nullptr;
  return &timeline.weeks[static_cast<size_t>((week - timeline.weeks.front().week_start) / kWeek)];
}

void name_new(TimelineWeekRow& row, const IndicatorStats& stats, const TimelineLimits& limits) {
  if (!limits.names_per_week || row.new_indicators.size() < limits.names_per_week)
    row.new_indicators.push_back(indicator_text(stats));
}

Result<Timeline> from_stored_facts(Store& store, const CampaignSummary& campaign, const CampaignFactsTotals& totals,
                                   const TimelineLimits& limits) {
  Timeline timeline;
  timeline.subject = campaign.name;
  timeline.messages = totals.messages;
  timeline.indicators_total = totals.indicators;
  if (!totals.messages) return timeline;
  timeline.first_seen = totals.first_seen;
  timeline.last_seen = totals.last_seen;
  auto indicators = stored_campaign_indicators(store, campaign.id, limits.indicators);
  if (!indicators) return indicators.error();
  timeline.indicators = std::move(*indicators);
  lay_out_weeks(timeline);
  auto weeks = stored_campaign_weeks(store, campaign.id);
  if (!weeks) return weeks.error();
  const bool all_listed = static_cast<int64_t>(timeline.indicators.size()) == totals.indicators;
  for (const CampaignFactsWeek& week : *weeks) {
    TimelineWeekRow* row = week_of(timeline, week.week_start);
    if (!row) continue;
    row->messages = week.messages;
    row->new_count = week.new_indicators;
    if (!week.new_indicators || all_listed) continue;
    auto named = stored_campaign_names_between(store, campaign.id, week.week_start, week.week_start + kWeek,
                                               limits.names_per_week);
    if (!named) return named.error();
    row->new_indicators = std::move(*named);
  }
  if (all_listed)
    for (const IndicatorStats& stats : timeline.indicators)
      if (TimelineWeekRow* row = week_of(timeline, stats.first_seen)) name_new(*row, stats, limits);
  return timeline;
}

}  // namespace

UnixTime week_start(UnixTime time) {
  // 1970-01-01 was a Thursday: day d is (d + 3) % 7 days after a Monday.
  UnixTime day = time >= 0 ? time / kDay : -((-time + kDay - 1) / kDay);
  const UnixTime since_monday = ((day + 3) % 7 + 7) % 7;
  return (day - since_monday) * kDay;
}

Result<Timeline> timeline_of_messages(Store& store, const std::vector<int64_t>& message_ids, std::string subject,
                                      const TimelineLimits& limits) {
  Timeline timeline;
  timeline.subject = std::move(subject);
  auto messages = message_times(store, message_ids);
  if (!messages) return messages.error();
  timeline.messages = static_cast<int64_t>(messages->size());
  if (messages->empty()) return timeline;
  timeline.first_seen = INT64_MAX;
  timeline.last_seen = INT64_MIN;
  for (const MessageSummary& message : *messages) {
    timeline.first_seen = std::min(timeline.first_seen, message.time);
    timeline.last_seen = std::max(timeline.last_seen, message.time);
  }
  auto set = indicators_of_messages(store, message_ids, timeline.first_seen, timeline.last_seen);
  if (!set) return set.error();
  for (auto& [key, stats] : *set) timeline.indicators.push_back(std::move(stats));
  std::stable_sort(timeline.indicators.begin(), timeline.indicators.end(),
                   [](const IndicatorStats& a, const IndicatorStats& b) { return a.first_seen < b.first_seen; });
  timeline.indicators_total = static_cast<int64_t>(timeline.indicators.size());

  lay_out_weeks(timeline);
  for (const MessageSummary& message : *messages)
    if (TimelineWeekRow* row = week_of(timeline, message.time)) row->messages += 1;
  for (const IndicatorStats& stats : timeline.indicators)
    if (TimelineWeekRow* row = week_of(timeline, stats.first_seen)) {
      row->new_count += 1;
      name_new(*row, stats, limits);
    }
  if (limits.indicators && timeline.indicators.size() > limits.indicators) timeline.indicators.resize(limits.indicators);
  return timeline;
}

Result<Timeline> campaign_timeline(Store& store, const CampaignSummary& campaign, const TimelineLimits& limits) {
  if (ensure_campaign_facts(store, campaign.id)) {
    // The freshness check and the facts it vouches for, from one snapshot (inside a
    // caller's transaction, that one): another process may have changed them since.
    ReadSnapshot snapshot(store);
    auto totals = fresh_campaign_facts(store, campaign.id);
    if (!totals) return totals.error();
    if (*totals) return from_stored_facts(store, campaign, **totals, limits);
  }
  auto ids = campaign_message_ids(store, campaign.id);
  if (!ids) return ids.error();
  return timeline_of_messages(store, *ids, campaign.name, limits);
}

Result<Timeline> indicator_timeline(Store& store, const EntityRef& indicator, const TimelineLimits& limits) {
  auto ids = messages_naming(store, indicator);
  if (!ids) return ids.error();
  return timeline_of_messages(store, *ids, describe(indicator), limits);
}

}  // namespace sg
