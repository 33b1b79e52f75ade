#include "store/graph_queries.h"

#include <algorithm>
#include <optional>
#include <string>
#include <unordered_map>

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

// Rows of a sightings table (ip_seen, family_seen, network_seen) whose `column`
// (first_seen or last_seen) falls in [since, until]: one range of its covering
// index, with the entity's key (and for networks its kind) in the row. A row whose
// key is missing reads its entity.
Result<std::vector<SeenEntity>> seen_range(Store& store, const char* table, const char* id_column,
                                           std::optional<EntityKind> kind, const char* column, UnixTime since,
                                           UnixTime until) {
  auto query_lease = store.database().cached(joined({"SELECT ", id_column, ", key, ", kind ? "''" : "kind",
                                                     ", first_seen, last_seen, messages FROM ", table, " WHERE ",
                                                     column, " BETWEEN ?1 AND ?2"}));
  sql::Statement& query = *query_lease;
  query.bind(1, since).bind(2, until);
  std::vector<SeenEntity> rows;
  while (query.step()) {
    SeenEntity row{{}, query.int64(3), query.int64(4), query.int64(5)};
    row.entity.id = query.int64(0);
    row.entity.ref.key = query.text(1);
    auto row_kind = kind ? kind : parse_entity_kind(query.text_view(2));
    if (row.entity.ref.key.empty() || !row_kind) {
      auto entity = stored_entity(store, row.entity.id);
      if (!entity) return entity.error();
      row.entity = std::move(*entity);
    } else {
      row.entity.ref.kind = *row_kind;
      // A family's id is its registrable domain; a network or an IP has none.
      if (*row_kind == EntityKind::domain) row.entity.registrable = row.entity.ref.key;
    }
    rows.push_back(std::move(row));
  }
  if (!query.error().empty()) return read_error(store, query, (std::string("reading ") + table).c_str());
  return rows;
}

// What the messages naming an entity also name, gathered per entity. Relations are
// bits by relation id: there is one relation per Role, far fewer than 64.
struct SharedTotals {
  uint64_t relations = 0;      // what the other entity was in the messages
  uint64_t via_relations = 0;  // what the known entity was in them
  UnixTime first_seen = 0;
  UnixTime last_seen = 0;
  int64_t messages = 0;
  int64_t last_message = 0;    // counts each message once, however many relations it has
  bool trusted = false;
};

uint64_t relation_bit(int64_t relation_id) {
  return relation_id >= 0 && relation_id < 64 ? uint64_t{1} << relation_id : 0;
}

// "a,b" from a set of relation bits, in the order of the ids.
std::string relation_list(uint64_t bits, const std::vector<std::string>& names) {
  std::string text;
  for (size_t id = 0; id < names.size() && id < 64; ++id) {
    if (!(bits & (uint64_t{1} << id))) continue;
    if (!text.empty()) text += ',';
    text += names[id];
  }
  return text;
}

Status add_edge_neighbours(Store& store, int64_t id, bool outgoing, std::vector<Neighbour>& out) {
  auto query_lease = store.database().cached(
      joined({"SELECT ", outgoing ? "x.dst" : "x.src", ", x.relation, x.first_seen, x.last_seen, x.count, x.trusted FROM edge x WHERE ",
              outgoing ? "x.src" : "x.dst", " = ?1"}));
  sql::Statement& query = *query_lease;
  query.bind(1, id);
  while (query.step()) {
    Neighbour link;
    link.other_id = query.int64(0);
    link.relation = query.text(1);
    link.via = outgoing ? Neighbour::Via::outgoing : Neighbour::Via::incoming;
    link.first_seen = query.int64(2);
    link.last_seen = query.int64(3);
    link.count = query.int64(4);
    link.trusted = query.int64(5) != 0;
    out.push_back(std::move(link));
  }
  if (!query.error().empty()) return read_error(store, query, "reading edges");
  return Ok{};
}

}  // namespace

Result<std::vector<Neighbour>> entity_neighbours(Store& store, int64_t id, size_t message_limit, bool& truncated) {
  std::vector<Neighbour> out;
  for (bool outgoing : {true, false})
    if (auto status = add_edge_neighbours(store, id, outgoing, out); !status) return status.error();

  std::vector<std::string> relation_names;
  {
    auto query_lease = store.database().cached("SELECT id, name FROM relation");
    sql::Statement& query = *query_lease;
    while (query.step()) {
      const int64_t relation_id = query.int64(0);
      if (relation_id < 0 || relation_id >= 64) continue;
      if (relation_names.size() <= static_cast<size_t>(relation_id)) relation_names.resize(static_cast<size_t>(relation_id) + 1);
      relation_names[static_cast<size_t>(relation_id)] = query.text(1);
    }
    if (!query.error().empty()) return read_error(store, query, "reading relations");
  }

  // The newest links to messages, then each message's other links: integers only,
  // gathered here. Joining names before grouping cost 40 ms a node at 1 M messages.
  struct Mine {
    int64_t message_id;
    UnixTime time;
    uint64_t relations;
  };
  std::vector<Mine> mine;
  {
    auto query_lease = store.database().cached(
        "SELECT message_id, relation_id, time FROM message_link WHERE entity_id = ?1 ORDER BY time DESC LIMIT ?2");
    sql::Statement& query = *query_lease;
    query.bind(1, id).bind(2, static_cast<int64_t>(message_limit));
    std::unordered_map<int64_t, size_t> index;
    while (query.step()) {
      const int64_t message_id = query.int64(0);
      auto [at, added] = index.emplace(message_id, mine.size());
      if (added) mine.push_back({message_id, query.int64(2), 0});
      mine[at->second].relations |= relation_bit(query.int64(1));
    }
    if (!query.error().empty()) return read_error(store, query, "reading shared messages");
  }
  {
    // More links than were read: one row past the limit tells, without counting a hub's all.
    auto query_lease = store.database().cached("SELECT 1 FROM message_link WHERE entity_id = ?1 LIMIT 1 OFFSET ?2");
    sql::Statement& query = *query_lease;
    query.bind(1, id).bind(2, static_cast<int64_t>(message_limit));
    truncated = query.step();
    if (!query.error().empty()) return read_error(store, query, "reading shared messages");
  }
  std::unordered_map<int64_t, SharedTotals> shared;
  {
    auto query_lease = store.database().cached(
        "SELECT entity_id, relation_id, trusted FROM message_link WHERE message_id = ?1 AND entity_id <> ?2");
    sql::Statement& query = *query_lease;
    for (const Mine& message : mine) {
      query.bind(1, message.message_id).bind(2, id);
      while (query.step()) {
        SharedTotals& totals = shared[query.int64(0)];
        totals.relations |= relation_bit(query.int64(1));
        totals.via_relations |= message.relations;
        totals.trusted = totals.trusted || query.int64(2) != 0;
        if (totals.last_message == message.message_id) continue;
        totals.last_message = message.message_id;
        totals.first_seen = totals.messages ? std::min(totals.first_seen, message.time) : message.time;
        totals.last_seen = std::max(totals.last_seen, message.time);
        totals.messages += 1;
      }
      if (!query.error().empty()) return read_error(store, query, "reading shared messages");
      query.reset();
    }
  }
  out.reserve(out.size() + shared.size());
  for (const auto& [other_id, totals] : shared) {
    Neighbour link;
    link.other_id = other_id;
    link.relation = relation_list(totals.relations, relation_names);
    link.via = Neighbour::Via::messages;
    link.via_relation = relation_list(totals.via_relations, relation_names);
    link.first_seen = totals.first_seen;
    link.last_seen = totals.last_seen;
    link.count = totals.messages;
    link.trusted = totals.trusted;
    out.push_back(std::move(link));
  }
  return out;
}

Result<StoredEntity> stored_entity(Store& store, int64_t id) {
  auto query_lease = store.database().cached(
      joined({"SELECT ", kEntityColumns, " FROM entity e ", kEntityJoin, " WHERE e.id = ?1"}));
  sql::Statement& query = *query_lease;
  query.bind(1, id);
  if (query.step()) return entity_at(query, 0);
  if (!query.error().empty()) return read_error(store, query, "reading entities");
  return Error{"no entity " + std::to_string(id), store.database().path()};
}

Result<std::vector<MessageLinkRow>> message_links(Store& store, const std::vector<int64_t>& message_ids,
                                                  LinkKinds kinds) {
  // Relation names by id, and those naming only URLs (never an IP or a domain).
  std::unordered_map<int64_t, std::string> relation_names;
  {
    auto query_lease = store.database().cached("SELECT id, name FROM relation");
    sql::Statement& query = *query_lease;
    while (query.step()) relation_names.emplace(query.int64(0), query.text(1));
    if (!query.error().empty()) return read_error(store, query, "reading relations");
  }
  const std::string_view url_relation = relation_of(Role::url).text();
  // The links as integers first, then each distinct entity read once: a campaign's
  // links name the same IPs and domains thousands of times, and joining the entity
  // table row by row read its pages again for each.
  struct Link {
    int64_t message_id, time, relation_id, entity_id;
    bool trusted;
  };
  std::vector<Link> links;
  {
    auto query_lease = store.database().cached(
        "SELECT message_id, time, relation_id, entity_id, trusted FROM message_link WHERE message_id = ?1");
    sql::Statement& query = *query_lease;
    for (int64_t id : message_ids) {
      query.bind(1, id);
      while (query.step()) {
        const int64_t relation_id = query.int64(2);
        if (kinds == LinkKinds::ips_and_domains) {
          auto name = relation_names.find(relation_id);
          if (name != relation_names.end() && name->second == url_relation) continue;
        }
        links.push_back({query.int64(0), query.int64(1), relation_id, query.int64(3), query.int64(4) != 0});
      }
      if (!query.error().empty()) return read_error(store, query, "reading message links");
      query.reset();
    }
  }
  std::unordered_map<int64_t, std::optional<StoredEntity>> entities;  // nullopt: a kind not asked for
  for (const Link& link : links) {
    auto [at, fresh] = entities.try_emplace(link.entity_id);
    if (!fresh) continue;
    auto entity = stored_entity(store, link.entity_id);
    if (!entity) return entity.error();
    if (kinds == LinkKinds::all || entity->ref.kind == EntityKind::ip || entity->ref.kind == EntityKind::domain)
      at->second = std::move(*entity);
  }
  std::vector<MessageLinkRow> rows;
  rows.reserve(links.size());
  for (const Link& link : links) {
    const std::optional<StoredEntity>& entity = entities.at(link.entity_id);
    if (!entity) continue;
    auto name = relation_names.find(link.relation_id);
    rows.push_back(MessageLinkRow{link.message_id, link.time, name == relation_names.end() ? "" : name->second,
                                  *entity, link.trusted});
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

Result<std::vector<SeenEntity>> ips_first_seen(Store& store, UnixTime since, UnixTime until) {
  return seen_range(store, "ip_seen", "ip_id", EntityKind::ip, "first_seen", since, until);
}

Result<std::vector<SeenEntity>> ips_last_seen(Store& store, UnixTime since, UnixTime until) {
  return seen_range(store, "ip_seen", "ip_id", EntityKind::ip, "last_seen", since, until);
}

Result<std::vector<SeenEntity>> networks_first_seen(Store& store, UnixTime since, UnixTime until) {
  return seen_range(store, "network_seen", "network_id", std::nullopt, "first_seen", since, until);
}

Result<std::vector<SeenEntity>> networks_last_seen(Store& store, UnixTime since, UnixTime until) {
  return seen_range(store, "network_seen", "network_id", std::nullopt, "last_seen", since, until);
}

Result<std::vector<SeenEntity>> families_first_seen(Store& store, UnixTime since, UnixTime until) {
  return seen_range(store, "family_seen", "family_id", EntityKind::domain, "first_seen", since, until);
}

Result<std::vector<SeenEntity>> families_last_seen(Store& store, UnixTime since, UnixTime until) {
  return seen_range(store, "family_seen", "family_id", EntityKind::domain, "last_seen", since, until);
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
  auto query_lease = store.database().cached("SELECT first_seen, last_seen FROM family_seen WHERE family_id = ?1");
  sql::Statement& query = *query_lease;
  query.bind(1, registrable_id);
  using Span = std::optional<std::pair<UnixTime, UnixTime>>;
  if (query.step()) return Span(std::pair{query.int64(0), query.int64(1)});
  if (!query.error().empty()) return read_error(store, query, "reading family_seen");
  return Span();
}

Result<std::optional<std::pair<UnixTime, UnixTime>>> network_seen(Store& store, const StoredEntity& network) {
  auto query_lease = store.database().cached("SELECT first_seen, last_seen FROM network_seen WHERE network_id = ?1");
  sql::Statement& query = *query_lease;
  query.bind(1, network.id);
  using Span = std::optional<std::pair<UnixTime, UnixTime>>;
  if (query.step()) return Span(std::pair{query.int64(0), query.int64(1)});
  if (!query.error().empty()) return read_error(store, query, "reading network_seen");
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
