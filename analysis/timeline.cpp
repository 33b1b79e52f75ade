#include "analysis/timeline.h"

#include <algorithm>
#include <map>

#include "store/campaigns.h"
#include "store/graph_queries.h"

namespace sg {

namespace {

constexpr UnixTime kDay = 86400;
constexpr UnixTime kWeek = 7 * kDay;

std::string indicator_text(const IndicatorStats& stats) {
  return std::string(to_text(stats.kind)) + " " + stats.value;
}

}  // namespace

UnixTime week_start(UnixTime time) {
  // 1970-01-01 was a Thursday: day d is (d + 3) % 7 days after a Monday.
  UnixTime day = time >= 0 ? time / kDay : -((-time + kDay - 1) / kDay);
  const UnixTime since_monday = ((day + 3) % 7 + 7) % 7;
  return (day - since_monday) * kDay;
}

Result<Timeline> timeline_of_messages(Store& store, const std::vector<int64_t>& message_ids, std::string subject) {
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

  UnixTime first_week = week_start(timeline.first_seen);
  const UnixTime last_week = week_start(timeline.last_seen);
  if ((last_week - first_week) / kWeek + 1 > static_cast<UnixTime>(kMaxWeeks)) {
    first_week = last_week - static_cast<UnixTime>(kMaxWeeks - 1) * kWeek;
    timeline.weeks_truncated = true;
  }
  for (UnixTime week = first_week; week <= last_week; week += kWeek) timeline.weeks.push_back({week, 0, {}});
  auto row_of = [&](UnixTime time) -> TimelineWeekRow* {
    const UnixTime week = week_start(time);
    if (week < first_week) return nullptr;
    return &timeline.weeks[static_cast<size_t>((week - first_week) / kWeek)];
  };
  for (const MessageSummary& message : *messages)
    if (TimelineWeekRow* row = row_of(message.time)) row->messages += 1;
  for (const IndicatorStats& stats : timeline.indicators)
    if (TimelineWeekRow* row = row_of(stats.first_seen)) row->new_indicators.push_back(indicator_text(stats));
  return timeline;
}

Result<Timeline> campaign_timeline(Store& store, const CampaignSummary& campaign) {
  auto ids = campaign_message_ids(store, campaign.id);
  if (!ids) return ids.error();
  return timeline_of_messages(store, *ids, campaign.name);
}

Result<Timeline> indicator_timeline(Store& store, const EntityRef& indicator) {
  auto ids = messages_naming(store, indicator);
  if (!ids) return ids.error();
  return timeline_of_messages(store, *ids, describe(indicator));
}

}  // namespace sg
