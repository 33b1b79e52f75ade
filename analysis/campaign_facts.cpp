#include "analysis/campaign_facts.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "analysis/indicator_tally.h"
#include "analysis/timeline.h"
#include "store/campaigns.h"
#include "store/datasets.h"
#include "store/graph_queries.h"
#include "store/graph_scan.h"

namespace sg {

namespace {

Error read_error(Store& store, const sql::Statement& query, const char* what) {
  return Error{std::string(what) + ": " + query.error(), store.database().path()};
}

std::string joined(const std::set<std::string>& items, char separator) {
  std::string text;
  for (const std::string& item : items) {
    if (!text.empty()) text += separator;
    text += item;
  }
  return text;
}

std::set<std::string> split(std::string_view text, char separator) {
  std::set<std::string> items;
  while (!text.empty()) {
    const size_t end = text.find(separator);
    items.emplace(text.substr(0, end));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return items;
}

constexpr const char* kIndicatorColumns =
    "kind, value, entity_id, roles, first_seen, last_seen, messages, fact, ips, ips_total";

Result<std::vector<IndicatorStats>> read_indicators(Store& store, sql::Statement& query) {
  std::vector<IndicatorStats> rows;
  while (query.step()) {
    IndicatorStats stats;
    stats.kind = static_cast<EntityKind>(query.int64(0));
    stats.value = query.text(1);
    stats.entity_id = query.int64(2);
    stats.roles = split(query.text_view(3), ',');
    stats.first_seen = query.int64(4);
    stats.last_seen = query.int64(5);
    stats.messages = query.int64(6);
    stats.fact = query.int64(7) != 0;
    stats.ips = split(query.text_view(8), ' ');
    stats.ips_total = query.int64(9);
    rows.push_back(std::move(stats));
  }
  if (!query.error().empty()) return read_error(store, query, "reading campaign indicators");
  return rows;
}

// The whole graph as scans left it in memory: the kind, registrable domain and key
// of every IP, domain and network, and the edges the tally follows.
class ScanGraph final : public TallyGraph {
 public:
  Status load(Store& store) {
    auto status = scan_entities(
        store, {EntityKind::ip, EntityKind::domain, EntityKind::prefix, EntityKind::asn, EntityKind::route},
        [&](int64_t id, EntityKind kind, std::string_view key, int64_t parent) {
          if (id < 0) return;
          const size_t at = static_cast<size_t>(id);
          if (at >= entities_.size()) entities_.resize(std::max(at + 1, entities_.size() * 2));
          entities_[at] = {kind, kind == EntityKind::domain ? (parent ? parent : id) : 0, keys_.size(), key.size()};
          keys_.append(key);
        });
    if (!status) return status;
    for (auto [relation, into] : {std::pair{kInPrefix, &in_prefix_}, std::pair{kOriginatedBy, &originated_by_},
                                  std::pair{kRouteObject, &route_object_}, std::pair{kResolvesTo, &resolves_to_}})
      if (status = scan_edges(store, relation, [into = into](int64_t src, int64_t dst) { (*into)[src].push_back(dst); });
          !status)
        return status;
    return Ok{};
  }

  Result<TallyEntity> entity(int64_t id) override {
    const Row* row = at(id);
    if (!row) return TallyEntity{};  // a kind the tally does not count (an email, a URL)
    return TallyEntity{row->kind, row->registrable};
  }

  Result<std::string> key(int64_t id) override {
    const Row* row = at(id);
    if (!row) return Error{"entity " + std::to_string(id) + " is not in the store", "campaign facts"};
    return keys_.substr(row->key_at, row->key_size);
  }

  Result<std::vector<TallyNetwork>> networks(int64_t ip) override {
    std::vector<TallyNetwork> networks;
    auto prefixes = in_prefix_.find(ip);
    if (prefixes == in_prefix_.end()) return networks;
    for (int64_t prefix : prefixes->second) {
      networks.push_back({prefix, EntityKind::prefix});
      if (auto asns = originated_by_.find(prefix); asns != originated_by_.end())
        for (int64_t asn : asns->second) networks.push_back({asn, EntityKind::asn});
      if (auto routes = route_object_.find(prefix); routes != route_object_.end())
        for (int64_t route : routes->second) networks.push_back({route, EntityKind::route});
    }
    return networks;
  }

  Result<std::vector<int64_t>> resolves_to(int64_t domain) override {
    auto addresses = resolves_to_.find(domain);
    if (addresses == resolves_to_.end()) return std::vector<int64_t>{};
    return addresses->second;
  }

 private:
  struct Row {
    EntityKind kind = EntityKind::url;
    int64_t registrable = 0;
    size_t key_at = 0;
    size_t key_size = 0;
  };
  const Row* at(int64_t id) const {
    if (id < 0 || static_cast<size_t>(id) >= entities_.size() || entities_[static_cast<size_t>(id)].key_size == 0)
      return nullptr;
    return &entities_[static_cast<size_t>(id)];
  }

  std::vector<Row> entities_;
  std::string keys_;
  std::unordered_map<int64_t, std::vector<int64_t>> in_prefix_, originated_by_, route_object_, resolves_to_;
};

// A stale campaign being computed.
struct Pending {
  int64_t id = 0;
  int64_t members_version = 0;
  int64_t messages = 0;
  UnixTime first_seen = INT64_MAX;
  UnixTime last_seen = INT64_MIN;
  std::map<UnixTime, CampaignFactsWeek> weeks;
  IndicatorSet indicators;
};

Status write_facts(Store& store, Pending& campaign, int64_t graph_version) {
  sql::Database& db = store.database();
  for (const char* table : {"campaign_indicator", "campaign_week"}) {
    auto drop = db.prepare(std::string("DELETE FROM ") + table + " WHERE campaign_id = ?1");
    drop.bind(1, campaign.id);
    drop.step();
    if (!drop.error().empty()) return read_error(store, drop, "clearing campaign facts");
  }
  auto insert = db.cached(
      "INSERT INTO campaign_indicator(campaign_id, first_seen, kind, value, entity_id, roles, last_seen, messages, fact,"
      " ips, ips_total) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  for (const auto& [key, stats] : campaign.indicators) {
    // Bound without a copy: alive until the statement is reset.
    const std::string roles = joined(stats.roles, ','), ips = joined(stats.ips, ' ');
    insert->bind(1, campaign.id)
        .bind(2, stats.first_seen)
        .bind(3, static_cast<int64_t>(stats.kind))
        .bind(4, stats.value)
        .bind(5, stats.entity_id)
        .bind(6, roles)
        .bind(7, stats.last_seen)
        .bind(8, stats.messages)
        .bind(9, int64_t{stats.fact})
        .bind(10, ips)
        .bind(11, stats.ips_total);
    insert->step();
    if (!insert->error().empty()) return read_error(store, *insert, "storing campaign indicators");
    insert->reset();
    const UnixTime week = week_start(stats.first_seen);
    campaign.weeks[week].week_start = week;
    campaign.weeks[week].new_indicators += 1;
  }
  auto week_row = db.cached("INSERT INTO campaign_week(campaign_id, week_start, messages, new_indicators) VALUES (?1, ?2, ?3, ?4)");
  for (const auto& [start, week] : campaign.weeks) {
    week_row->bind(1, campaign.id).bind(2, start).bind(3, week.messages).bind(4, week.new_indicators);
    week_row->step();
    if (!week_row->error().empty()) return read_error(store, *week_row, "storing campaign weeks");
    week_row->reset();
  }
  auto facts = db.cached(
      "INSERT INTO campaign_facts(campaign_id, members_version, graph_version, messages, first_seen, last_seen, indicators)"
      " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(campaign_id) DO UPDATE SET members_version = excluded.members_version,"
      " graph_version = excluded.graph_version, messages = excluded.messages, first_seen = excluded.first_seen,"
      " last_seen = excluded.last_seen, indicators = excluded.indicators");
  const bool empty = campaign.messages == 0;
  facts->bind(1, campaign.id)
      .bind(2, campaign.members_version)
      .bind(3, graph_version)
      .bind(4, campaign.messages)
      .bind(5, empty ? 0 : campaign.first_seen)
      .bind(6, empty ? 0 : campaign.last_seen)
      .bind(7, static_cast<int64_t>(campaign.indicators.size()));
  facts->step();
  if (!facts->error().empty()) return read_error(store, *facts, "storing campaign facts");
  return Ok{};
}

Result<int64_t> graph_version(Store& store) {
  auto query = store.database().prepare("SELECT version FROM graph_clock");
  if (!query.step()) return read_error(store, query, "reading the graph clock");
  return query.int64(0);
}

// Every stale campaign's messages by lookups around them.
Status compute_by_lookups(Store& store, std::vector<Pending>& pending,
                          const std::vector<std::vector<int64_t>>& members) {
  for (size_t i = 0; i < pending.size(); ++i) {
    auto times = message_times(store, members[i]);
    if (!times) return times.error();
    for (const MessageSummary& message : *times) {
      pending[i].messages += 1;
      pending[i].first_seen = std::min(pending[i].first_seen, message.time);
      pending[i].last_seen = std::max(pending[i].last_seen, message.time);
      const UnixTime week = week_start(message.time);
      pending[i].weeks[week].week_start = week;
      pending[i].weeks[week].messages += 1;
    }
    if (!pending[i].messages) continue;
    auto set = indicators_of_messages(store, members[i], pending[i].first_seen, pending[i].last_seen);
    if (!set) return set.error();
    pending[i].indicators = std::move(*set);
  }
  return Ok{};
}

// Every stale campaign's messages by one pass over the whole store.
Status compute_by_scan(Store& store, std::vector<Pending>& pending, const std::vector<std::vector<int64_t>>& members) {
  std::unordered_map<int64_t, uint32_t> group_of;  // message id -> index in `pending`
  for (size_t i = 0; i < members.size(); ++i)
    for (int64_t message : members[i]) group_of.emplace(message, static_cast<uint32_t>(i));
  std::unordered_map<int64_t, UnixTime> time_of;
  {
    auto query = store.database().prepare("SELECT id, time FROM message INDEXED BY message_time");
    while (query.step()) {
      auto group = group_of.find(query.int64(0));
      if (group == group_of.end()) continue;
      const UnixTime time = query.int64(1);
      time_of.emplace(group->first, time);
      Pending& campaign = pending[group->second];
      campaign.messages += 1;
      campaign.first_seen = std::min(campaign.first_seen, time);
      campaign.last_seen = std::max(campaign.last_seen, time);
      const UnixTime week = week_start(time);
      campaign.weeks[week].week_start = week;
      campaign.weeks[week].messages += 1;
    }
    if (!query.error().empty()) return read_error(store, query, "reading message times");
  }
  ScanGraph graph;
  if (auto status = graph.load(store); !status) return status;
  // The names hops gave, by message.
  std::vector<std::pair<int64_t, TallyHop>> hops;
  for (Relation relation : {kHelo, kPtr}) {
    auto query = store.database().prepare(
        "SELECT o.source_id, e.src, e.dst, o.time, o.trusted FROM edge e JOIN observation o ON o.edge_id = e.id"
        " WHERE e.relation = ?1 AND o.source_kind = 'message'");
    query.bind(1, relation.text());
    while (query.step())
      if (group_of.count(query.int64(0)))
        hops.push_back({query.int64(0), {query.int64(1), query.int64(2), relation == kPtr, query.int64(3), query.int64(4) != 0}});
    if (!query.error().empty()) return read_error(store, query, "reading hop names");
  }
  std::sort(hops.begin(), hops.end(), [](const auto& a, const auto& b) { return a.first < b.first; });

  auto relations = relation_ids(store);
  if (!relations) return relations.error();
  std::unordered_map<int64_t, std::string> relation_names;
  for (auto& [name, id] : *relations) relation_names.emplace(id, name);
  IndicatorTally tally(std::move(relation_names));
  int64_t current = -1;
  std::vector<TallyLink> links;
  std::vector<TallyHop> message_hops;
  size_t next_hop = 0;
  Status failed = Ok{};
  auto flush = [&]() -> Status {
    if (current < 0) return Ok{};
    message_hops.clear();
    while (next_hop < hops.size() && hops[next_hop].first < current) ++next_hop;
    while (next_hop < hops.size() && hops[next_hop].first == current) message_hops.push_back(hops[next_hop++].second);
    auto status = tally.add(group_of.at(current), current, time_of.at(current), links, message_hops, graph);
    links.clear();
    return status;
  };
  auto status = scan_message_links(store, [&](int64_t message, int64_t relation, int64_t entity, bool trusted) {
    if (!failed) return;
    if (message != current) {
      failed = flush();
      current = group_of.count(message) ? message : -1;
    }
    if (current >= 0) links.push_back({entity, relation, trusted});
  });
  if (!status) return status;
  if (!failed) return failed;
  if (auto flushed = flush(); !flushed) return flushed;
  return tally.take(graph, [&](uint32_t group, IndicatorSet&& set) -> Status {
    pending[group].indicators = std::move(set);
    return Ok{};
  });
}

}  // namespace

Result<std::optional<CampaignFactsTotals>> fresh_campaign_facts(Store& store, int64_t id) {
  auto query = store.database().cached(
      "SELECT f.messages, f.first_seen, f.last_seen, f.indicators FROM campaign_facts f JOIN campaign c ON c.id = f.campaign_id"
      " WHERE f.campaign_id = ?1 AND f.members_version = c.members_version"
      " AND f.graph_version = (SELECT version FROM graph_clock)");
  query->bind(1, id);
  std::optional<CampaignFactsTotals> totals;
  if (query->step()) totals = CampaignFactsTotals{query->int64(0), query->int64(1), query->int64(2), query->int64(3)};
  if (!query->error().empty()) return read_error(store, *query, "reading campaign facts");
  return totals;
}

Result<std::vector<IndicatorStats>> stored_campaign_indicators(Store& store, int64_t id, size_t limit) {
  auto query = store.database().cached(std::string("SELECT ") + kIndicatorColumns +
                                       " FROM campaign_indicator WHERE campaign_id = ?1"
                                       " ORDER BY first_seen, kind, value LIMIT ?2");
  query->bind(1, id).bind(2, limit ? static_cast<int64_t>(limit) : -1);
  return read_indicators(store, *query);
}

Result<std::vector<std::string>> stored_campaign_names_between(Store& store, int64_t id, UnixTime since,
                                                               UnixTime until, size_t limit) {
  auto query = store.database().cached(
      "SELECT kind, value FROM campaign_indicator WHERE campaign_id = ?1 AND first_seen >= ?2 AND first_seen < ?3"
      " ORDER BY first_seen, kind, value LIMIT ?4");
  query->bind(1, id).bind(2, since).bind(3, until).bind(4, limit ? static_cast<int64_t>(limit) : -1);
  std::vector<std::string> names;
  while (query->step())
    names.push_back(std::string(to_text(static_cast<EntityKind>(query->int64(0)))) + " " + query->text(1));
  if (!query->error().empty()) return read_error(store, *query, "reading campaign indicators");
  return names;
}

Result<std::vector<IndicatorStats>> stored_campaign_indicators_last_between(Store& store, int64_t id, UnixTime since,
                                                                           UnixTime until, size_t limit) {
  auto query = store.database().cached(std::string("SELECT ") + kIndicatorColumns +
                                       " FROM campaign_indicator WHERE campaign_id = ?1 AND last_seen >= ?2"
                                       " AND last_seen < ?3 ORDER BY kind, value LIMIT ?4");
  query->bind(1, id).bind(2, since).bind(3, until).bind(4, limit ? static_cast<int64_t>(limit) : -1);
  return read_indicators(store, *query);
}

Result<std::vector<IndicatorStats>> stored_campaign_changes(Store& store, int64_t id, bool by_first, UnixTime since,
                                                           UnixTime until, size_t limit,
                                                           std::map<EntityKind, int64_t>& by_kind) {
  const std::string time = by_first ? "first_seen" : "last_seen";
  const std::string range = " FROM campaign_indicator WHERE campaign_id = ?1 AND " + time + " >= ?2 AND " + time + " < ?3";
  std::string rank = "CASE kind";
  for (size_t i = 0; i < std::size(kIndicatorKinds); ++i)
    rank += " WHEN " + std::to_string(static_cast<int>(kIndicatorKinds[i])) + " THEN " + std::to_string(i);
  rank += " ELSE " + std::to_string(std::size(kIndicatorKinds)) + " END";
  auto counts = store.database().cached("SELECT kind, COUNT(*)" + range + " GROUP BY kind");
  counts->bind(1, id).bind(2, since).bind(3, until);
  while (counts->step()) by_kind[static_cast<EntityKind>(counts->int64(0))] = counts->int64(1);
  if (!counts->error().empty()) return read_error(store, *counts, "counting campaign indicators");
  // The keys first (the index entries hold them: no row is read), sorted keeping only
  // the first `limit`; then those rows whole. Sorting whole rows copied every IP list.
  auto keys = store.database().cached("SELECT first_seen, kind, value" + range + " ORDER BY " + rank + ", " + time +
                                      ", value LIMIT ?4");
  keys->bind(1, id).bind(2, since).bind(3, until).bind(4, limit ? static_cast<int64_t>(limit) : -1);
  auto row = store.database().cached(std::string("SELECT ") + kIndicatorColumns +
                                     " FROM campaign_indicator WHERE campaign_id = ?1 AND first_seen = ?2 AND kind = ?3"
                                     " AND value = ?4");
  std::vector<IndicatorStats> rows;
  while (keys->step()) {
    row->bind(1, id).bind(2, keys->int64(0)).bind(3, keys->int64(1)).bind(4, keys->text_view(2));
    auto found = read_indicators(store, *row);
    if (!found) return found.error();
    for (IndicatorStats& stats : *found) rows.push_back(std::move(stats));
    row->reset();
  }
  if (!keys->error().empty()) return read_error(store, *keys, "reading campaign indicators");
  return rows;
}

bool ensure_campaign_facts(Store& store, int64_t id) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    auto totals = fresh_campaign_facts(store, id);
    if (!totals) return false;
    if (*totals) return true;
    FactsRefreshOptions options;
    options.campaign = id;
    if (attempt > 0 || !refresh_campaign_facts(store, options)) return false;
  }
  return false;
}

Result<std::vector<CampaignFactsWeek>> stored_campaign_weeks(Store& store, int64_t id) {
  auto query = store.database().cached(
      "SELECT week_start, messages, new_indicators FROM campaign_week WHERE campaign_id = ?1 ORDER BY week_start");
  query->bind(1, id);
  std::vector<CampaignFactsWeek> weeks;
  while (query->step()) weeks.push_back({query->int64(0), query->int64(1), query->int64(2)});
  if (!query->error().empty()) return read_error(store, *query, "reading campaign weeks");
  return weeks;
}

Result<FactsRefreshSummary> refresh_campaign_facts(Store& store, const FactsRefreshOptions& options) {
  if (auto status = store.begin(); !status) return status.error();
  auto fail = [&](const Error& error) -> Result<FactsRefreshSummary> {
    store.rollback();
    return error;
  };
  auto version = graph_version(store);
  if (!version) return fail(version.error());
  std::vector<Pending> pending;
  {
    auto stale = store.database().prepare(
        "SELECT c.id, c.members_version FROM campaign c LEFT JOIN campaign_facts f ON f.campaign_id = c.id"
        " WHERE (f.campaign_id IS NULL OR f.members_version != c.members_version OR f.graph_version != ?1)"
        " AND (?2 IS NULL OR c.id = ?2) ORDER BY c.id");
    stale.bind(1, *version);
    if (options.campaign) stale.bind(2, *options.campaign);
    while (stale.step()) {
      Pending campaign;
      campaign.id = stale.int64(0);
      campaign.members_version = stale.int64(1);
      pending.push_back(std::move(campaign));
    }
    if (!stale.error().empty()) return fail(read_error(store, stale, "finding stale campaign facts"));
  }
  FactsRefreshSummary summary;
  if (pending.empty()) {
    if (auto status = store.commit(); !status) return status.error();
    return summary;
  }
  std::vector<std::vector<int64_t>> members(pending.size());
  for (size_t i = 0; i < pending.size(); ++i) {
    auto ids = campaign_message_ids(store, pending[i].id);
    if (!ids) return fail(ids.error());
    members[i] = std::move(*ids);
    summary.messages += static_cast<int64_t>(members[i].size());
  }
  summary.campaigns = static_cast<int64_t>(pending.size());
  summary.scanned = summary.messages > options.lookup_limit;
  auto computed = summary.scanned ? compute_by_scan(store, pending, members) : compute_by_lookups(store, pending, members);
  if (!computed) return fail(computed.error());
  for (Pending& campaign : pending)
    if (auto status = write_facts(store, campaign, *version); !status) return fail(status.error());
  if (auto status = store.commit(); !status) return status.error();
  return summary;
}

}  // namespace sg
