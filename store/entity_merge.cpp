#include "store/entity_merge.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace sg {

namespace {

struct Duplicate {
  int64_t keep = 0;
  int64_t drop = 0;
};

Result<std::vector<Duplicate>> find_duplicates(sql::Database& db) {
  auto query = db.prepare(
      "SELECT keep.id, e.id FROM entity e JOIN"
      " (SELECT kind, key, MIN(id) AS id FROM entity GROUP BY kind, key HAVING COUNT(*) > 1) keep"
      " ON e.kind = keep.kind AND e.key = keep.key AND e.id <> keep.id ORDER BY e.id");
  if (!query.ok()) return Error{query.error(), db.path()};
  std::vector<Duplicate> duplicates;
  while (query.step()) duplicates.push_back({query.int64(0), query.int64(1)});
  if (!query.error().empty()) return Error{query.error(), db.path()};
  return duplicates;
}

struct EdgeRow {
  int64_t id = 0;
  int64_t src = 0;
  std::string relation;
  int64_t dst = 0;
};

// Moves one edge of the dropped entity onto the kept one. When the kept entity has
// that edge already, the two become one: times widen, counts add, and the
// observations move over.
Status move_edge(sql::Database& db, const EdgeRow& edge, const Duplicate& duplicate) {
  const int64_t src = edge.src == duplicate.drop ? duplicate.keep : edge.src;
  const int64_t dst = edge.dst == duplicate.drop ? duplicate.keep : edge.dst;
  auto existing = db.prepare("SELECT id FROM edge WHERE src = ?1 AND relation = ?2 AND dst = ?3");
  existing.bind(1, src).bind(2, edge.relation).bind(3, dst);
  std::optional<int64_t> target;
  if (existing.step()) target = existing.int64(0);
  if (!existing.error().empty()) return Error{existing.error(), db.path()};
  existing.reset();

  if (!target) {
    auto update = db.prepare("UPDATE edge SET src = ?2, dst = ?3 WHERE id = ?1");
    update.bind(1, edge.id).bind(2, src).bind(3, dst);
    if (!update.run()) return Error{update.error(), db.path()};
    return Ok{};
  }
  auto merge = db.prepare(
      "UPDATE edge SET first_seen = MIN(first_seen, (SELECT first_seen FROM edge WHERE id = ?2)),"
      " last_seen = MAX(last_seen, (SELECT last_seen FROM edge WHERE id = ?2)),"
      " count = count + (SELECT count FROM edge WHERE id = ?2),"
      " trusted = MAX(trusted, (SELECT trusted FROM edge WHERE id = ?2)) WHERE id = ?1");
  merge.bind(1, *target).bind(2, edge.id);
  if (!merge.run()) return Error{merge.error(), db.path()};
  auto observations = db.prepare(
      "INSERT INTO observation(edge_id, time, source_kind, source_id, trusted)"
      " SELECT ?1, time, source_kind, source_id, trusted FROM observation WHERE edge_id = ?2 AND true"
      " ON CONFLICT DO UPDATE SET trusted = MAX(trusted, excluded.trusted)");
  observations.bind(1, *target).bind(2, edge.id);
  if (!observations.run()) return Error{observations.error(), db.path()};
  auto drop = db.prepare("DELETE FROM observation WHERE edge_id = ?1");
  drop.bind(1, edge.id);
  if (!drop.run()) return Error{drop.error(), db.path()};
  auto drop_edge = db.prepare("DELETE FROM edge WHERE id = ?1");
  drop_edge.bind(1, edge.id);
  if (!drop_edge.run()) return Error{drop_edge.error(), db.path()};
  return Ok{};
}

Status merge_one(sql::Database& db, const Duplicate& duplicate) {
  // References that cannot collide move with one UPDATE each.
  for (const char* text : {"UPDATE entity SET parent_id = ?1 WHERE parent_id = ?2",
                           "UPDATE lookup SET entity_id = ?1 WHERE entity_id = ?2",
                           ("INSERT INTO message_link(message_id, relation_id, entity_id, trusted)"
                            " SELECT message_id, relation_id, ?1, trusted FROM message_link WHERE entity_id = ?2 AND true"
                            " ON CONFLICT DO UPDATE SET trusted = MAX(trusted, excluded.trusted)"),
                           "DELETE FROM message_link WHERE entity_id = ?2"}) {
    auto statement = db.prepare(text);
    if (!statement.ok()) return Error{statement.error(), db.path()};
    statement.bind(1, duplicate.keep).bind(2, duplicate.drop);
    if (!statement.run()) return Error{statement.error(), db.path()};
  }
  auto edges = db.prepare("SELECT id, src, relation, dst FROM edge WHERE src = ?1 OR dst = ?1 ORDER BY id");
  edges.bind(1, duplicate.drop);
  std::vector<EdgeRow> rows;
  while (edges.step()) rows.push_back({edges.int64(0), edges.int64(1), edges.text(2), edges.int64(3)});
  if (!edges.error().empty()) return Error{edges.error(), db.path()};
  edges.reset();
  for (const EdgeRow& row : rows)
    if (auto status = move_edge(db, row, duplicate); !status) return status;
  auto drop = db.prepare("DELETE FROM entity WHERE id = ?1");
  drop.bind(1, duplicate.drop);
  if (!drop.run()) return Error{drop.error(), db.path()};
  return Ok{};
}

}  // namespace

Status merge_duplicate_entities(sql::Database& db) {
  auto duplicates = find_duplicates(db);
  if (!duplicates) return duplicates.error();
  for (const Duplicate& duplicate : *duplicates)
    if (auto status = merge_one(db, duplicate); !status) return status;
  return Ok{};
}

}  // namespace sg
