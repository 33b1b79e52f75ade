#include "store/graph_queries.h"

#include <algorithm>

namespace sg {

namespace {

// Columns that read a StoredEntity from `entity e` joined with its parent `p`.
constexpr const char* kEntityColumns = "e.id, e.kind, e.key, COALESCE(p.key, '')";
constexpr const char* kEntityJoin = "LEFT JOIN entity p ON p.id = e.parent_id";

// Reads the four kEntityColumns starting at `column`.
StoredEntity entity_at(const sql::Statement& row, int column) {
  StoredEntity entity;
  entity.id = row.int64(column);
  entity.ref.kind = parse_entity_kind(row.text_view(column + 1)).value_or(EntityKind::domain);
  entity.ref.key = row.text(column + 2);
  if (entity.ref.kind == EntityKind::domain) {
    std::string parent = row.text(column + 3);
    entity.registrable = parent.empty() ? entity.ref.key : std::move(parent);
  }
  return entity;
}

Error read_error(Store& store, const sql::Statement& query, const char* what) {
  return Error{std::string(what) + ": " + query.error(), store.database().path()};
}

std::string joined(std::initializer_list<std::string_view> parts) {
  std::string text;
  for (std::string_view part : parts) text += part;
  return text;
}

Result<std::vector<EdgeEnd>> edge_ends(Store& store, int64_t id, Relation relation, bool outgoing) {
  auto query_lease = store.database().cached(
      joined({"SELECT ", kEntityColumns, ", x.first_seen, x.last_seen, x.count, x.trusted, x.id FROM edge x JOIN entity e ON e.id = ",
           outgoing ? "x.dst" : "x.src", " ", kEntityJoin, " WHERE ", outgoing ? "x.src" : "x.dst",
           " = ?1 AND x.relation = ?2"}));
  sql::Statement& query = *query_lease;
  query.bind(1, id).bind(2, relation.text());
  std::vector<EdgeEnd> ends;
  while (query.step())
    ends.push_back({query.int64(8), entity_at(query, 0), query.int64(4), query.int64(5), query.int64(6), query.int64(7) != 0});
  if (!query.error().empty()) return read_error(store, query, "reading edges");
  return ends;
}

Result<std::vector<SeenEntity>> seen_range(Store& store, const char* column, UnixTime since, UnixTime until) {
  auto query_lease = store.database().cached(joined({"SELECT ", kEntityColumns,
                                             ", s.first_seen, s.last_seen, s.messages FROM entity_seen s"
                                             // CROSS JOIN keeps this order: the time range first.
                                             // Left to itself SQLite walked every IP and
                                             // domain by kind (2 s a question at 200,000 messages).
                                             " CROSS JOIN entity e ON e.id = s.entity_id ",
                                             kEntityJoin, " WHERE s.", column,
                                             " BETWEEN ?1 AND ?2 AND e.kind IN ('ip', 'domain')"}));
  sql::Statement& query = *query_lease;
  query.bind(1, since).bind(2, until);
  std::vector<SeenEntity> rows;
  while (query.step()) rows.push_back({entity_at(query, 0), query.int64(4), query.int64(5), query.int64(6)});
  if (!query.error().empty()) return read_error(store, query, "reading entity_seen");
  return rows;
}

}  // namespace

Result<std::vector<Neighbour>> entity_neighbours(Store& store, int64_t id, size_t message_limit, bool& truncated) {
  std::vector<Neighbour> out;
  for (bool outgoing : {true, false}) {
    auto query_lease = store.database().cached(
        joined({"SELECT ", kEntityColumns, ", x.relation, x.first_seen, x.last_seen, x.count, x.trusted FROM edge x",
             " JOIN entity e ON e.id = ", outgoing ? "x.dst" : "x.src", " ", kEntityJoin, " WHERE ",
             outgoing ? "x.src" : "x.dst", " = ?1"}));
    sql::Statement& query = *query_lease;
    query.bind(1, id);
    while (query.step()) {
      Neighbour link;
      link.other = entity_at(query, 0);
      link.relation = query.text(4);
      link.via = outgoing ? Neighbour::Via::outgoing : Neighbour::Via::incoming;
      link.first_seen = query.int64(5);
      link.last_seen = query.int64(6);
      link.count = query.int64(7);
      link.trusted = query.int64(8) != 0;
      out.push_back(std::move(link));
    }
    if (!query.error().empty()) return read_error(store, query, "reading edges");
  }
  // Shared messages: the newest `message_limit` that name the entity, and what else they name.
  auto count_lease = store.database().cached("SELECT COUNT(*) FROM message_link WHERE entity_id = ?1");
  sql::Statement& count = *count_lease;
  count.bind(1, id);
  truncated = count.step() && static_cast<size_t>(count.int64(0)) > message_limit;
  auto query_lease = store.database().cached(
      joined({"WITH mine AS (SELECT ml.message_id, ml.relation_id, ml.time FROM message_link ml"
           " WHERE ml.entity_id = ?1 ORDER BY ml.time DESC LIMIT ?2)"
           " SELECT ",
           kEntityColumns,
           ", GROUP_CONCAT(DISTINCT r.name), GROUP_CONCAT(DISTINCT rm.name), MIN(mine.time), MAX(mine.time),"
           " COUNT(DISTINCT mine.message_id), MAX(other.trusted)"
           " FROM mine JOIN message_link other ON other.message_id = mine.message_id AND other.entity_id <> ?1"
           " JOIN relation r ON r.id = other.relation_id JOIN relation rm ON rm.id = mine.relation_id"
           " JOIN entity e ON e.id = other.entity_id ",
           kEntityJoin, " GROUP BY other.entity_id"}));
  sql::Statement& query = *query_lease;
  query.bind(1, id).bind(2, static_cast<int64_t>(message_limit));
  while (query.step()) {
    Neighbour link;
    link.other = entity_at(query, 0);
    link.relation = query.text(4);
    link.via = Neighbour::Via::messages;
    link.via_relation = query.text(5);
    link.first_seen = query.int64(6);
    link.last_seen = query.int64(7);
    link.count = query.int64(8);
    link.trusted = query.int64(9) != 0;
    out.push_back(std::move(link));
  }
  if (!query.error().empty()) return read_error(store, query, "reading shared messages");
  return out;
}

Result<std::vector<MessageLinkRow>> message_links(Store& store, const std::vector<int64_t>& message_ids,
                                                  LinkKinds kinds) {
  // Most of a message's links are to URLs and addresses: questions about networks
  // skip them before any of their text is copied.
  auto query_lease = store.database().cached(
      joined({"SELECT ml.message_id, ml.time, r.name, ml.trusted, ", kEntityColumns,
           " FROM message_link ml JOIN relation r ON r.id = ml.relation_id JOIN entity e ON e.id = ml.entity_id ",
           kEntityJoin, " WHERE ml.message_id = ?1",
           kinds == LinkKinds::ips_and_domains ? " AND e.kind IN ('ip', 'domain')" : ""}));
  sql::Statement& query = *query_lease;
  std::vector<MessageLinkRow> rows;
  for (int64_t id : message_ids) {
    query.bind(1, id);
    while (query.step())
      rows.push_back(MessageLinkRow{query.int64(0), query.int64(1), query.text(2), entity_at(query, 4), query.int64(3) != 0});
    if (!query.error().empty()) return read_error(store, query, "reading message links");
    query.reset();
  }
  return rows;
}

Result<std::vector<MessageSummary>> message_summaries(Store& store, const std::vector<int64_t>& message_ids) {
  auto query_lease = store.database().cached("SELECT id, time, header_hash, COALESCE(subject, '') FROM message WHERE id = ?1");
  sql::Statement& query = *query_lease;
  std::vector<MessageSummary> rows;
  for (int64_t id : message_ids) {
    query.bind(1, id);
    if (query.step()) rows.push_back({query.int64(0), query.int64(1), query.text(2), query.text(3)});
    if (!query.error().empty()) return read_error(store, query, "reading messages");
    query.reset();
  }
  return rows;
}

Result<std::vector<MessageSummary>> message_times(Store& store, const std::vector<int64_t>& message_ids) {
  auto query_lease = store.database().cached("SELECT time FROM message WHERE id = ?1");
  sql::Statement& query = *query_lease;
  std::vector<MessageSummary> rows;
  rows.reserve(message_ids.size());
  for (int64_t id : message_ids) {
    query.bind(1, id);
    if (query.step()) rows.push_back({id, query.int64(0), {}, {}});
    if (!query.error().empty()) return read_error(store, query, "reading messages");
    query.reset();
  }
  return rows;
}

Result<std::vector<int64_t>> messages_between(Store& store, UnixTime since, UnixTime until) {
  auto query_lease = store.database().cached("SELECT id FROM message WHERE time BETWEEN ?1 AND ?2 ORDER BY id");
  sql::Statement& query = *query_lease;
  query.bind(1, since).bind(2, until);
  std::vector<int64_t> ids;
  while (query.step()) ids.push_back(query.int64(0));
  if (!query.error().empty()) return read_error(store, query, "reading messages");
  return ids;
}

Result<std::vector<EdgeEnd>> edges_from(Store& store, int64_t id, Relation relation) {
  return edge_ends(store, id, relation, true);
}

Result<std::vector<EdgeEnd>> edges_to(Store& store, int64_t id, Relation relation) {
  return edge_ends(store, id, relation, false);
}

Result<std::vector<Sighting>> edge_sightings(Store& store, int64_t edge_id, UnixTime since, UnixTime until) {
  auto query_lease = store.database().cached(
      "SELECT source_id, time, trusted FROM observation"
      " WHERE edge_id = ?1 AND time BETWEEN ?2 AND ?3 AND source_kind = 'message' ORDER BY time");
  sql::Statement& query = *query_lease;
  query.bind(1, edge_id).bind(2, since).bind(3, until);
  std::vector<Sighting> sightings;
  while (query.step()) sightings.push_back({query.int64(0), query.int64(1), query.int64(2) != 0});
  if (!query.error().empty()) return read_error(store, query, "reading observations");
  return sightings;
}

Result<std::vector<SeenEntity>> entities_first_seen(Store& store, UnixTime since, UnixTime until) {
  return seen_range(store, "first_seen", since, until);
}

Result<std::vector<SeenEntity>> entities_last_seen(Store& store, UnixTime since, UnixTime until) {
  return seen_range(store, "last_seen", since, until);
}

Result<std::optional<SeenEntity>> entity_seen(Store& store, int64_t id) {
  auto query_lease = store.database().cached(joined({"SELECT ", kEntityColumns,
                                             ", s.first_seen, s.last_seen, s.messages FROM entity_seen s"
                                             " JOIN entity e ON e.id = s.entity_id ",
                                             kEntityJoin, " WHERE s.entity_id = ?1"}));
  sql::Statement& query = *query_lease;
  query.bind(1, id);
  if (query.step()) return std::optional<SeenEntity>(SeenEntity{entity_at(query, 0), query.int64(4), query.int64(5), query.int64(6)});
  if (!query.error().empty()) return read_error(store, query, "reading entity_seen");
  return std::optional<SeenEntity>();
}

Result<std::optional<std::pair<UnixTime, UnixTime>>> domain_family_seen(Store& store, int64_t registrable_id) {
  auto query_lease = store.database().cached(
      "SELECT MIN(s.first_seen), MAX(s.last_seen) FROM entity_seen s WHERE s.entity_id = ?1"
      " OR s.entity_id IN (SELECT id FROM entity WHERE parent_id = ?1)");
  sql::Statement& query = *query_lease;
  query.bind(1, registrable_id);
  using Span = std::optional<std::pair<UnixTime, UnixTime>>;
  if (query.step() && !query.is_null(0)) return Span(std::pair{query.int64(0), query.int64(1)});
  if (!query.error().empty()) return read_error(store, query, "reading entity_seen");
  return Span();
}

Result<bool> domain_family_seen_on(Store& store, int64_t registrable_id, SeenSide side, UnixTime time) {
  // Two EXISTS, not one with OR: SQLite gathers every row of an OR before it tests any.
  const char* condition = side == SeenSide::before ? "s.first_seen < ?2" : "s.last_seen >= ?2";
  auto query_lease = store.database().cached(joined(
      {"SELECT EXISTS (SELECT 1 FROM entity_seen s WHERE s.entity_id = ?1 AND ", condition,
       ") OR EXISTS (SELECT 1 FROM entity e CROSS JOIN entity_seen s ON s.entity_id = e.id WHERE e.parent_id = ?1 AND ",
       condition, ")"}));
  sql::Statement& query = *query_lease;
  query.bind(1, registrable_id).bind(2, time);
  const bool seen = query.step() && query.int64(0) != 0;
  if (!query.error().empty()) return read_error(store, query, "reading entity_seen");
  return seen;
}

Result<std::unordered_set<int64_t>> domain_families_seen_since(Store& store, UnixTime time) {
  auto query_lease = store.database().cached(
      "SELECT COALESCE(e.parent_id, e.id) FROM entity_seen s CROSS JOIN entity e ON e.id = s.entity_id"
      " WHERE s.last_seen >= ?1 AND e.kind = 'domain'");
  sql::Statement& query = *query_lease;
  query.bind(1, time);
  std::unordered_set<int64_t> families;
  while (query.step()) families.insert(query.int64(0));
  if (!query.error().empty()) return read_error(store, query, "reading entity_seen");
  return families;
}

namespace {

// The prefixes of a network, as SQL giving their ids from ?1 (the network's id).
// The IPs inside: prefix <- in-prefix - ip; asn <- originated-by - prefix; route <- route-object - prefix.
const char* prefixes_of(const StoredEntity& network) {
  if (network.ref.kind == EntityKind::asn) return "SELECT src FROM edge WHERE dst = ?1 AND relation = 'originated-by'";
  if (network.ref.kind == EntityKind::route) return "SELECT src FROM edge WHERE dst = ?1 AND relation = 'route-object'";
  return "SELECT ?1";
}

}  // namespace

Result<bool> network_seen_on(Store& store, const StoredEntity& network, SeenSide side, UnixTime time) {
  auto query_lease = store.database().cached(
      joined({"SELECT EXISTS (SELECT 1 FROM edge x JOIN entity_seen s ON s.entity_id = x.src"
              " WHERE x.relation = 'in-prefix' AND x.dst IN (", prefixes_of(network), ") AND ",
              side == SeenSide::before ? "s.first_seen < ?2" : "s.last_seen >= ?2", ")"}));
  sql::Statement& query = *query_lease;
  query.bind(1, network.id).bind(2, time);
  const bool seen = query.step() && query.int64(0) != 0;
  if (!query.error().empty()) return read_error(store, query, "reading entity_seen");
  return seen;
}

Result<std::optional<std::pair<UnixTime, UnixTime>>> network_seen(Store& store, const StoredEntity& network) {
  const char* prefixes = prefixes_of(network);
  auto query_lease = store.database().cached(
      joined({"SELECT MIN(s.first_seen), MAX(s.last_seen) FROM edge x JOIN entity_seen s ON s.entity_id = x.src"
              " WHERE x.relation = 'in-prefix' AND x.dst IN (", prefixes, ")"}));
  sql::Statement& query = *query_lease;
  query.bind(1, network.id);
  using Span = std::optional<std::pair<UnixTime, UnixTime>>;
  if (query.step() && !query.is_null(0)) return Span(std::pair{query.int64(0), query.int64(1)});
  if (!query.error().empty()) return read_error(store, query, "reading entity_seen");
  return Span();
}

Result<std::optional<UnixTime>> newest_message_time(Store& store) {
  auto query_lease = store.database().cached("SELECT MAX(time) FROM message");
  sql::Statement& query = *query_lease;
  if (query.step() && !query.is_null(0)) return std::optional<UnixTime>(query.int64(0));
  if (!query.error().empty()) return read_error(store, query, "reading messages");
  return std::optional<UnixTime>();
}

Result<std::optional<std::string>> entity_attribute(Store& store, int64_t id, std::string_view name) {
  auto query_lease = store.database().cached(
      "SELECT value FROM attribute WHERE entity_id = ?1 AND name = ?2 ORDER BY time DESC LIMIT 1");
  sql::Statement& query = *query_lease;
  query.bind(1, id).bind(2, name);
  if (query.step()) return std::optional<std::string>(query.text(0));
  if (!query.error().empty()) return read_error(store, query, "reading attributes");
  return std::optional<std::string>();
}

}  // namespace sg
