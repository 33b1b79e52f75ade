#include "analysis/diff.h"

#include <algorithm>
#include <iterator>
#include <map>

#include "analysis/campaign_facts.h"
#include "store/campaigns.h"
#include "store/datasets.h"
#include "store/graph_queries.h"
#include "store/graph_scan.h"

namespace sg {

namespace {

size_t kind_rank(EntityKind kind) {
  for (size_t i = 0; i < std::size(kIndicatorKinds); ++i)
    if (kIndicatorKinds[i] == kind) return i;
  return std::size(kIndicatorKinds);
}

void sort_by(std::vector<IndicatorStats>& rows, bool by_first) {
  std::sort(rows.begin(), rows.end(), [by_first](const IndicatorStats& a, const IndicatorStats& b) {
    if (kind_rank(a.kind) != kind_rank(b.kind)) return kind_rank(a.kind) < kind_rank(b.kind);
    const UnixTime ta = by_first ? a.first_seen : a.last_seen;
    const UnixTime tb = by_first ? b.first_seen : b.last_seen;
    if (ta != tb) return ta < tb;
    return a.value < b.value;
  });
}

// Sorts both lists, counts them by kind, and keeps the first `limit` of each (0: all).
void finish(DiffResult& result, size_t limit) {
  sort_by(result.appeared, true);
  sort_by(result.vanished, false);
  for (auto [rows, counts] : {std::pair{&result.appeared, &result.appeared_by_kind},
                              std::pair{&result.vanished, &result.vanished_by_kind}}) {
    for (const IndicatorStats& stats : *rows) (*counts)[stats.kind] += 1;
    if (limit && rows->size() > limit) rows->resize(limit);
  }
}

// At most `limit` IPs per domain (the first in text order); ips_total counts all.
void cap_ties(DiffResult& result, size_t limit) {
  for (auto* rows : {&result.appeared, &result.vanished})
    for (IndicatorStats& stats : *rows) {
      stats.ips_total = std::max(stats.ips_total, static_cast<int64_t>(stats.ips.size()));
      while (stats.ips.size() > limit) stats.ips.erase(std::prev(stats.ips.end()));
    }
}

// Diff of two indicator sets: what `now` has that `before` lacks, and what `previous` had that `now` lacks.
void compare(const IndicatorSet& before, const IndicatorSet& previous, const IndicatorSet& now, DiffResult& result) {
  for (const auto& [key, stats] : now)
    if (!before.count(key)) result.appeared.push_back(stats);
  for (const auto& [key, stats] : previous)
    if (!now.count(key)) result.vanished.push_back(stats);
}

std::vector<int64_t> in_range(const std::vector<MessageSummary>& messages, UnixTime since, UnixTime until) {
  std::vector<int64_t> ids;
  for (const MessageSummary& message : messages)
    if (message.time >= since && message.time <= until) ids.push_back(message.id);
  return ids;
}

// Messages read for a period: the campaign's, or the store's by time.
Result<IndicatorSet> period_indicators(Store& store, const std::vector<MessageSummary>* campaign, UnixTime since,
                                       UnixTime until) {
  std::vector<int64_t> ids;
  if (campaign) {
    ids = in_range(*campaign, since, until);
  } else {
    auto found = messages_between(store, since, until);
    if (!found) return found.error();
    ids = std::move(*found);
  }
  return indicators_of_messages(store, ids, since, until);
}

// The IPs a domain is tied to: where its mail came from, what gave it as a name, what
// it resolves to; as `shares DOMAIN` finds them (from totals kept at ingest), the most
// seen first. Relays do not count: every mail passes some.
Status add_ties(Store& store, IndicatorStats& stats, size_t limit) {
  auto links = stats.entity_id ? store.ips_sharing_domain(stats.entity_id, TimeRange{})
                               : store.ips_sharing_domain(stats.value, TimeRange{});
  if (!links) return links.error();
  for (const SharedLink& link : *links) {
    if (stats.ips.size() >= limit) break;
    for (const std::string& role : link.roles)
      if (role == kHelo.text() || role == kPtr.text() || role == kResolvesTo.text() || role == "origin-ip") {
        stats.ips.insert(link.value);
        break;
      }
  }
  return Ok{};
}

IndicatorStats from_seen(SeenEntity& seen) {
  IndicatorStats stats;
  stats.kind = seen.entity.ref.kind;
  stats.value = std::move(seen.entity.ref.key);
  stats.entity_id = seen.entity.id;
  stats.first_seen = seen.first_seen;
  stats.last_seen = seen.last_seen;
  stats.messages = seen.messages;
  return stats;
}

// The whole store up to now: family_seen answers both sides for domains, entity_seen
// for IPs, and network_seen (the IPs inside) for networks. Domains come without
// their IPs (add_ties() names them for the ones listed).
Result<DiffResult> diff_open_end(Store& store, DiffResult result) {
  using SeenRange = Result<std::vector<SeenEntity>> (*)(Store&, UnixTime, UnixTime);
  // A family appeared when mail first named any of its names in the period, and
  // vanished when it last named one in the previous period; a network when mail
  // first (last) came from any IP inside it. Each table holds its own kinds, each
  // key once: no indicator comes twice.
  const std::pair<SeenRange, SeenRange> tables[] = {{families_first_seen, families_last_seen},
                                                    {ips_first_seen, ips_last_seen},
                                                    {networks_first_seen, networks_last_seen}};
  for (const auto& [first_seen_in, last_seen_in] : tables) {
    for (bool appearing : {true, false}) {
      auto rows = appearing ? first_seen_in(store, result.since, result.until)
                            : last_seen_in(store, result.previous_since, result.since - 1);
      if (!rows) return rows.error();
      std::vector<IndicatorStats>& into = appearing ? result.appeared : result.vanished;
      into.reserve(into.size() + rows->size());
      for (SeenEntity& seen : *rows) into.push_back(from_seen(seen));
    }
  }
  return result;
}

// One campaign up to now, from its stored facts (nullopt when they are stale): an
// indicator appeared when the campaign first named it in the period, and vanished
// when it last named it in the previous one. As for the whole store, a vanished
// indicator's times and messages are over all of the campaign's mail.
Result<std::optional<DiffResult>> campaign_diff_from_facts(Store& store, int64_t campaign, DiffResult result,
                                                           size_t limit) {
  ReadSnapshot snapshot(store);  // the facts the freshness check vouches for (inside a caller's, that one)
  auto totals = fresh_campaign_facts(store, campaign);
  if (!totals) return totals.error();
  if (!*totals) return std::optional<DiffResult>{};
  auto appeared = stored_campaign_changes(store, campaign, true, result.since, result.until + 1, limit,
                                          result.appeared_by_kind);
  if (!appeared) return appeared.error();
  auto vanished = stored_campaign_changes(store, campaign, false, result.previous_since, result.since, limit,
                                          result.vanished_by_kind);
  if (!vanished) return vanished.error();
  result.appeared = std::move(*appeared);
  result.vanished = std::move(*vanished);
  return std::optional<DiffResult>{std::move(result)};
}

// When any mail first named the indicator (for networks: any IP inside it).
Result<UnixTime> first_seen_anywhere(Store& store, const IndicatorStats& stats) {
  std::optional<int64_t> id = stats.entity_id ? std::optional<int64_t>(stats.entity_id)
                                              : store.find_entity(EntityRef{stats.kind, stats.value});
  if (!id) return stats.first_seen;
  std::optional<std::pair<UnixTime, UnixTime>> span;
  if (stats.kind == EntityKind::domain) {
    auto found = domain_family_seen(store, *id);
    if (!found) return found.error();
    span = *found;
  } else if (stats.kind == EntityKind::ip) {
    auto found = entity_seen(store, *id);
    if (!found) return found.error();
    if (*found) span = std::pair{(*found)->first_seen, (*found)->last_seen};
  } else {
    auto found = network_seen(store, StoredEntity{*id, EntityRef{stats.kind, stats.value}, ""});
    if (!found) return found.error();
    span = *found;
  }
  return span ? std::min(span->first, stats.first_seen) : stats.first_seen;
}

}  // namespace

Result<DiffResult> diff_period(Store& store, const DiffOptions& options) {
  DiffResult result;
  result.since = options.since;
  auto newest = newest_message_time(store);
  if (!newest) return newest.error();
  // An open end is the newest mail: the previous period is then as long as the
  // stretch of mail the period covers, not the time since the last message came.
  result.until = options.until.value_or(std::max(options.since, newest->value_or(options.now)));
  if (result.until < result.since) return Error{"the period ends before it starts", "--until"};
  result.previous_since = result.since - (result.until - result.since) - 1;

  const bool open_end = !options.until || !*newest || *options.until >= **newest;
  if (options.campaign && open_end && !options.read_messages && ensure_campaign_facts(store, *options.campaign)) {
    auto stored = campaign_diff_from_facts(store, *options.campaign, result, options.limit);
    if (!stored) return stored.error();
    if (*stored) {
      result = std::move(**stored);
      cap_ties(result, options.tie_limit);
      return result;
    }
  }
  const bool from_seen_tables = !options.campaign && open_end && !options.read_messages;
  if (from_seen_tables) {
    auto diff = diff_open_end(store, result);
    if (!diff) return diff.error();
    result = std::move(*diff);
  } else {
    std::optional<std::vector<MessageSummary>> campaign;
    if (options.campaign) {
      auto ids = campaign_message_ids(store, *options.campaign);
      if (!ids) return ids.error();
      auto messages = message_times(store, *ids);
      if (!messages) return messages.error();
      campaign = std::move(*messages);
    }
    const std::vector<MessageSummary>* scope = campaign ? &*campaign : nullptr;
    // Before the period: the campaign's own mail, or for the whole store what
    // entity_seen says of each indicator of the period.
    IndicatorSet before;
    if (scope) {
      auto earlier = period_indicators(store, scope, INT64_MIN, result.since - 1);
      if (!earlier) return earlier.error();
      before = std::move(*earlier);
    }
    auto previous = period_indicators(store, scope, result.previous_since, result.since - 1);
    if (!previous) return previous.error();
    auto now = period_indicators(store, scope, result.since, result.until);
    if (!now) return now.error();
    if (!scope)
      for (const auto& [key, stats] : *now) {
        auto first = first_seen_anywhere(store, stats);
        if (!first) return first.error();
        if (*first < result.since) before.emplace(key, stats);
      }
    compare(before, *previous, *now, result);
  }
  finish(result, options.limit);
  if (from_seen_tables)
    for (IndicatorStats& stats : result.appeared)
      if (stats.kind == EntityKind::domain)
        if (auto status = add_ties(store, stats, options.tie_limit); !status) return status.error();
  cap_ties(result, options.tie_limit);
  return result;
}

}  // namespace sg
