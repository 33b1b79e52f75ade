// Each campaign's indicators and weeks, computed once and stored, so that a
// timeline of a campaign of any size is one indexed range. Stored facts carry the
// campaign's membership stamp and the store's graph clock (store/schema.cpp keeps
// both with triggers); facts whose stamps no longer match are stale, and readers
// fall back to computing from the messages.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "analysis/indicator_set.h"
#include "core/result.h"
#include "core/time.h"
#include "store/store.h"

namespace sg {

/// The totals of a campaign's stored facts.
struct CampaignFactsTotals {
  int64_t messages = 0;
  UnixTime first_seen = 0;  ///< 0 when the campaign has no messages
  UnixTime last_seen = 0;
  int64_t indicators = 0;
};

/// One week of a campaign's stored facts.
struct CampaignFactsWeek {
  UnixTime week_start = 0;
  int64_t messages = 0;
  int64_t new_indicators = 0;  ///< indicators first seen that week
};

/// The totals of campaign `id`'s stored facts if they are still true; nullopt when it
/// has none or they are stale. Read `indicators` and `weeks` in the same read
/// transaction (ReadSnapshot) to see the facts this answer vouches for.
Result<std::optional<CampaignFactsTotals>> fresh_campaign_facts(Store& store, int64_t id);
/// The stored indicators of campaign `id` by first sighting, then kind and value; at
/// most `limit` of them (0: all).
Result<std::vector<IndicatorStats>> stored_campaign_indicators(Store& store, int64_t id, size_t limit);
/// The stored indicators of campaign `id` first seen in [since, until), in the same
/// order, at most `limit` (0: all), as "kind value" ("domain somach789.xyz").
Result<std::vector<std::string>> stored_campaign_names_between(Store& store, int64_t id, UnixTime since,
                                                               UnixTime until, size_t limit);
/// The stored indicators of campaign `id` last seen in [since, until), by kind and value, at most `limit` (0: all).
Result<std::vector<IndicatorStats>> stored_campaign_indicators_last_between(Store& store, int64_t id, UnixTime since,
                                                                           UnixTime until, size_t limit);
/// The stored indicators of campaign `id` first seen (`by_first`) or last seen in
/// [since, until), as a diff lists them: by kind in kIndicatorKinds order, then that
/// time and value; at most `limit` (0: all). `by_kind` counts them all.
Result<std::vector<IndicatorStats>> stored_campaign_changes(Store& store, int64_t id, bool by_first, UnixTime since,
                                                           UnixTime until, size_t limit,
                                                           std::map<EntityKind, int64_t>& by_kind);
/// The stored weeks of campaign `id` that had mail or new indicators, oldest first.
Result<std::vector<CampaignFactsWeek>> stored_campaign_weeks(Store& store, int64_t id);

/// How refresh_campaign_facts() reads the graph.
struct FactsRefreshOptions {
  /// Stale campaigns with at most this many messages in all are computed by lookups
  /// around their messages; above it, by one scan of the whole store.
  int64_t lookup_limit = 50000;
  /// Only this campaign (when stale); nullopt: every stale campaign.
  std::optional<int64_t> campaign;
};

/// What refresh_campaign_facts() did.
struct FactsRefreshSummary {
  int64_t campaigns = 0;  ///< campaigns whose facts were computed and stored
  int64_t messages = 0;   ///< their messages
  bool scanned = false;   ///< read by a scan of the whole store, not by lookups
};

/// Makes campaign `id`'s stored facts true when they are missing or stale
/// (refresh_campaign_facts() for it alone), and tells whether they are true now:
/// false, not an error, where they cannot be stored (inside a transaction, in a
/// store this process cannot write), and the caller reads the messages instead.
bool ensure_campaign_facts(Store& store, int64_t id);

/// Computes and stores the facts of every campaign whose stored facts are missing or
/// stale, in one write transaction of its own (an error inside another transaction).
Result<FactsRefreshSummary> refresh_campaign_facts(Store& store, const FactsRefreshOptions& options = {});

}  // namespace sg
