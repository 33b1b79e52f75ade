// `timeline`: when each indicator of a campaign (or around one indicator) was
// first and last seen, and week by week how much mail came and what
// infrastructure was new.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "analysis/indicator_set.h"
#include "core/observation.h"
#include "core/result.h"
#include "core/time.h"
#include "store/campaigns.h"
#include "store/store.h"

namespace sg {

/// One week (Monday 00:00 UTC onwards).
struct TimelineWeekRow {
  UnixTime week_start = 0;
  int64_t messages = 0;
  int64_t new_count = 0;                    ///< indicators first seen that week
  std::vector<std::string> new_indicators;  ///< "domain somach789.xyz": all of them, or the first TimelineLimits::names_per_week
};

/// How much of a timeline to list; the totals always count everything.
struct TimelineLimits {
  size_t indicators = 0;      ///< indicators listed at most (0: all)
  size_t names_per_week = 0;  ///< new indicators named per week at most (0: all)
};

/// A timeline.
struct Timeline {
  std::string subject;  ///< the campaign's name, or the indicator ("ip 103.244.54.137")
  int64_t messages = 0;
  UnixTime first_seen = 0;
  UnixTime last_seen = 0;
  int64_t indicators_total = 0;            ///< indicators in all, listed or not
  std::vector<IndicatorStats> indicators;  ///< by first_seen, then kind and value; at most TimelineLimits::indicators
  std::vector<TimelineWeekRow> weeks;      ///< every week from the first to the last (at most kMaxWeeks)
  bool weeks_truncated = false;            ///< the span was longer than kMaxWeeks: the newest are shown
};

/// Weeks a timeline lists at most (ten years).
inline constexpr size_t kMaxWeeks = 520;

/// The Monday 00:00 UTC on or before `time`.
UnixTime week_start(UnixTime time);

/// The timeline of a campaign, as find_campaign() gave it: from its stored facts
/// (analysis/campaign_facts.h). Stale facts are made again and stored first; where
/// that fails (inside a transaction, a store this process cannot write) the
/// campaign's messages are read instead.
Result<Timeline> campaign_timeline(Store& store, const CampaignSummary& campaign, const TimelineLimits& limits = {});
/// The timeline of the messages naming an indicator (messages_naming()).
Result<Timeline> indicator_timeline(Store& store, const EntityRef& indicator, const TimelineLimits& limits = {});
/// The timeline of any set of messages, named `subject`.
Result<Timeline> timeline_of_messages(Store& store, const std::vector<int64_t>& message_ids, std::string subject,
                                      const TimelineLimits& limits = {});

}  // namespace sg
