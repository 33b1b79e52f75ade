#include "store/graph_scan.h"

namespace sg {

ReadSnapshot::ReadSnapshot(Store& store) : store_(store) { status_ = store_.database().exec("BEGIN"); }

ReadSnapshot::~ReadSnapshot() {
  if (status_) (void)store_.database().exec("COMMIT");
}

Result<std::unordered_map<std::string, int64_t>> relation_ids(Store& store) {
  auto query = store.database().prepare("SELECT id, name FROM relation");
  std::unordered_map<std::string, int64_t> ids;
  while (query.step()) ids.emplace(query.text(1), query.int64(0));
  if (!query.error().empty()) return Error{"reading relations: " + query.error(), store.database().path()};
  return ids;
}

Status scan_messages(Store& store, const std::function<void(int64_t message, UnixTime time)>& visit) {
  auto query = store.database().prepare("SELECT id, time FROM message ORDER BY id");
  while (query.step()) visit(query.int64(0), query.int64(1));
  if (!query.error().empty()) return Error{"reading messages: " + query.error(), store.database().path()};
  return Ok{};
}

Status scan_message_links(
    Store& store, const std::function<void(int64_t message, int64_t relation, int64_t entity, bool trusted)>& visit) {
  auto query = store.database().prepare("SELECT message_id, relation_id, entity_id, trusted FROM message_link ORDER BY message_id");
  while (query.step()) visit(query.int64(0), query.int64(1), query.int64(2), query.int64(3) != 0);
  if (!query.error().empty()) return Error{"reading message links: " + query.error(), store.database().path()};
  return Ok{};
}

Status scan_entities(Store& store, std::initializer_list<EntityKind> kinds,
                     const std::function<void(int64_t id, EntityKind kind, std::string_view key, int64_t parent)>& visit) {
  // One indexed range per kind (entity_identity is (kind, key)).
  auto query = store.database().prepare("SELECT id, key, COALESCE(parent_id, 0) FROM entity WHERE kind = ?1");
  for (EntityKind kind : kinds) {
    query.bind(1, to_text(kind));
    while (query.step()) visit(query.int64(0), kind, query.text_view(1), query.int64(2));
    if (!query.error().empty()) return Error{"reading entities: " + query.error(), store.database().path()};
    query.reset();
  }
  return Ok{};
}

Status scan_message_observations(Store& store, Relation relation,
                                 const std::function<void(int64_t message, int64_t src, int64_t dst)>& visit) {
  auto query = store.database().prepare(
      "SELECT o.source_id, e.src, e.dst FROM edge e JOIN observation o ON o.edge_id = e.id"
      " WHERE e.relation = ?1 AND o.source_kind = 'message'");
  query.bind(1, relation.text());
  while (query.step()) visit(query.int64(0), query.int64(1), query.int64(2));
  if (!query.error().empty()) return Error{"reading observations: " + query.error(), store.database().path()};
  return Ok{};
}

Status scan_edges(Store& store, Relation relation, const std::function<void(int64_t src, int64_t dst)>& visit) {
  auto query = store.database().prepare("SELECT src, dst FROM edge WHERE relation = ?1");
  query.bind(1, relation.text());
  while (query.step()) visit(query.int64(0), query.int64(1));
  if (!query.error().empty()) return Error{"reading edges: " + query.error(), store.database().path()};
  return Ok{};
}

}  // namespace sg
