#include "store/store.h"

#include <ctime>
#include <map>
#include <tuple>

#include "core/domain.h"
#include "store/schema.h"

namespace sg {

namespace {

std::string entity_cache_key(const EntityRef& entity) { return entity.kind + '\0' + entity.key; }

std::string edge_cache_key(int64_t src, const std::string& relation, int64_t dst) {
  std::string key = std::to_string(src);
  key += '\0';
  key += relation;
  key += '\0';
  key += std::to_string(dst);
  return key;
}

// The entity one level up: a domain's registrable domain, an address's domain.
std::optional<EntityRef> parent_of(const EntityRef& entity) {
  if (entity.kind == "domain") {
    std::string registrable = registrable_domain(entity.key);
    if (registrable != entity.key) return EntityRef{"domain", std::move(registrable)};
  } else if (entity.kind == "email") {
    const auto at = entity.key.rfind('@');
    if (at != std::string::npos && at + 1 < entity.key.size()) return EntityRef{"domain", entity.key.substr(at + 1)};
  }
  return std::nullopt;
}

}  // namespace

Result<std::unique_ptr<Store>> Store::open(const std::string& path) {
  std::unique_ptr<Store> store(new Store());
  if (auto status = store->db_.open(path); !status) return status.error();
  // WAL: readers never block the ingest; NORMAL sync is durable at every
  // checkpoint and never corrupts on power loss. Foreign keys stay unenforced:
  // the store is the only writer, and the checks cost two index seeks per edge.
  if (auto status = store->db_.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                                    "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;");
      !status)
    return status.error();
  if (auto status = migrate(store->db_); !status) return status.error();
  if (auto status = store->prepare_statements(); !status) return status.error();
  return store;
}

Store::~Store() {
  if (in_batch_) rollback();
}

Status Store::prepare_statements() {
  struct Item {
    sql::Statement* target;
    const char* text;
  };
  const Item items[] = {
      {&find_entity_, "SELECT id FROM entity WHERE kind = ?1 AND key = ?2 AND kind != 'message'"},
      {&insert_entity_, "INSERT INTO entity(kind, key, parent_id) VALUES (?1, ?2, ?3)"},
      {&find_edge_, "SELECT id, first_seen, last_seen, count, trusted FROM edge WHERE src = ?1 AND relation = ?2 AND dst = ?3"},
      {&insert_edge_,
       "INSERT INTO edge(src, relation, dst, first_seen, last_seen, count, trusted) VALUES (?1, ?2, ?3, ?4, ?4, 1, ?5)"},
      {&update_edge_, "UPDATE edge SET first_seen = ?2, last_seen = ?3, count = ?4, trusted = ?5 WHERE id = ?1"},
      {&insert_observation_,
       "INSERT INTO observation(edge_id, time, source_kind, source_id, trusted) VALUES (?1, ?2, ?3, ?4, ?5)"},
      {&find_message_, "SELECT id FROM message WHERE header_hash = ?1"},
      {&insert_message_,
       "INSERT INTO message(id, header_hash, time, time_source, subject, source_kind, source_path, source_offset,"
       " uidvalidity, uid, ingested_at, raw_headers) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"},
  };
  for (const Item& item : items) {
    *item.target = db_.prepare(item.text);
    if (!item.target->ok()) return Error{"preparing statement: " + item.target->error(), db_.path()};
  }
  return Ok{};
}

Status Store::begin() {
  if (in_batch_) return Ok{};
  if (auto status = db_.exec("BEGIN IMMEDIATE"); !status) return status;
  in_batch_ = true;
  return Ok{};
}

Status Store::commit() {
  if (!in_batch_) return Ok{};
  if (auto status = flush_edges(); !status) {
    rollback();
    return status;
  }
  if (auto status = db_.exec("COMMIT"); !status) {
    rollback();
    return status;
  }
  in_batch_ = false;
  return Ok{};
}

void Store::rollback() {
  (void)db_.exec("ROLLBACK");
  in_batch_ = false;
  // Cached ids may name rows that no longer exist.
  entity_cache_.clear();
  edge_cache_.clear();
  dirty_edges_.clear();
}

std::optional<int64_t> Store::find_entity(const EntityRef& entity) {
  if (entity.kind == "message") {
    find_message_.bind(1, entity.key);
    std::optional<int64_t> id;
    if (find_message_.step()) id = find_message_.int64(0);
    find_message_.reset();
    return id;
  }
  if (auto it = entity_cache_.find(entity_cache_key(entity)); it != entity_cache_.end()) return it->second;
  find_entity_.bind(1, entity.kind).bind(2, entity.key);
  std::optional<int64_t> id;
  if (find_entity_.step()) id = find_entity_.int64(0);
  find_entity_.reset();
  if (id && entity.kind != "message") entity_cache_.emplace(entity_cache_key(entity), *id);
  return id;
}

Result<int64_t> Store::entity_id(const EntityRef& entity) {
  if (auto id = find_entity(entity)) return *id;
  std::optional<int64_t> parent_id;
  if (auto parent = parent_of(entity)) {
    auto id = entity_id(*parent);
    if (!id) return id.error();
    parent_id = *id;
  }
  insert_entity_.bind(1, entity.kind).bind(2, entity.key);
  if (parent_id) insert_entity_.bind(3, *parent_id);
  if (!insert_entity_.run()) return Error{"storing entity: " + insert_entity_.error(), entity.kind + " " + entity.key};
  const int64_t id = db_.last_insert_id();
  if (entity.kind != "message") entity_cache_.emplace(entity_cache_key(entity), id);
  return id;
}

Result<int64_t> Store::upsert_edge(int64_t src, const std::string& relation, int64_t dst, UnixTime time, bool trusted,
                                   bool src_is_new_message) {
  // A new message's own edges cannot exist yet: insert without looking, and do not
  // cache them, since they will never be seen again.
  if (!src_is_new_message) {
    const std::string key = edge_cache_key(src, relation, dst);
    auto it = edge_cache_.find(key);
    if (it == edge_cache_.end()) {
      find_edge_.bind(1, src).bind(2, relation).bind(3, dst);
      if (find_edge_.step()) {
        EdgeState state{find_edge_.int64(0), find_edge_.int64(1), find_edge_.int64(2), find_edge_.int64(3),
                        find_edge_.int64(4) != 0, false};
        it = edge_cache_.emplace(key, state).first;
      }
      find_edge_.reset();
    }
    if (it != edge_cache_.end()) {
      EdgeState& state = it->second;
      state.first_seen = std::min(state.first_seen, time);
      state.last_seen = std::max(state.last_seen, time);
      state.count += 1;
      state.trusted = state.trusted || trusted;
      if (!state.dirty) dirty_edges_.push_back(&state);
      state.dirty = true;
      return state.id;
    }
  }
  insert_edge_.bind(1, src).bind(2, relation).bind(3, dst).bind(4, time).bind(5, int64_t{trusted});
  if (!insert_edge_.run()) return Error{"storing edge: " + insert_edge_.error(), relation};
  const int64_t id = db_.last_insert_id();
  if (!src_is_new_message)
    edge_cache_.emplace(edge_cache_key(src, relation, dst), EdgeState{id, time, time, 1, trusted, false});
  return id;
}

Status Store::flush_edges() {
  for (EdgeState* dirty : dirty_edges_) {
    EdgeState& state = *dirty;
    update_edge_.bind(1, state.id).bind(2, state.first_seen).bind(3, state.last_seen).bind(4, state.count).bind(
        5, int64_t{state.trusted});
    if (!update_edge_.run()) return Error{"updating edge: " + update_edge_.error(), db_.path()};
    state.dirty = false;
  }
  dirty_edges_.clear();
  return Ok{};
}

Result<bool> Store::has_message(const std::string& header_hash) {
  find_message_.bind(1, header_hash);
  const bool found = find_message_.step();
  const std::string error = find_message_.error();
  find_message_.reset();
  if (!error.empty()) return Error{error, db_.path()};
  return found;
}

Result<bool> Store::add_message(const Evidence& evidence) {
  auto exists = has_message(evidence.header_hash);
  if (!exists) return exists.error();
  if (*exists) return false;
  const bool own_batch = !in_batch_;
  if (own_batch)
    if (auto status = begin(); !status) return status.error();

  auto fail = [&](const Error& error) -> Result<bool> {
    if (own_batch) rollback();
    return error;
  };
  insert_entity_.bind(1, "message").bind(2, evidence.header_hash);
  if (!insert_entity_.run()) return fail(Error{"storing message: " + insert_entity_.error(), evidence.source.path});
  const int64_t message_id = db_.last_insert_id();
  insert_message_.bind(1, message_id)
      .bind(2, evidence.header_hash)
      .bind(3, evidence.time)
      .bind(4, evidence.time_source)
      .bind(5, evidence.subject)
      .bind(6, evidence.source.kind)
      .bind(7, evidence.source.path)
      .bind(8, static_cast<int64_t>(evidence.source.offset))
      .bind(11, static_cast<int64_t>(std::time(nullptr)))
      .bind_blob(12, evidence.raw_headers);
  if (evidence.source.kind == "imap")
    insert_message_.bind(9, static_cast<int64_t>(evidence.source.uidvalidity))
        .bind(10, static_cast<int64_t>(evidence.source.uid));
  if (!insert_message_.run()) return fail(Error{"storing message: " + insert_message_.error(), evidence.source.path});

  // A message's own edges are unique per (relation, object): a relay seen in two
  // hops of one message is one edge, trusted if either hop was.
  std::vector<Observation> observations = observations_from_evidence(evidence);
  std::map<std::tuple<std::string, std::string, std::string>, size_t> first_of;
  std::vector<bool> repeated(observations.size(), false);
  for (size_t i = 0; i < observations.size(); ++i) {
    const Observation& o = observations[i];
    if (o.subject.kind != "message") continue;
    auto [it, inserted] = first_of.emplace(std::make_tuple(o.relation, o.object.kind, o.object.key), i);
    if (!inserted) {
      observations[it->second].trusted = observations[it->second].trusted || o.trusted;
      repeated[i] = true;
    }
  }
  for (size_t i = 0; i < observations.size(); ++i) {
    if (repeated[i]) continue;
    const Observation& observation = observations[i];
    const bool from_message = observation.subject.kind == "message";
    auto subject = from_message ? Result<int64_t>(message_id) : entity_id(observation.subject);
    if (!subject) return fail(subject.error());
    auto object = entity_id(observation.object);
    if (!object) return fail(object.error());
    auto edge = upsert_edge(*subject, observation.relation, *object, observation.time, observation.trusted,
                            from_message);
    if (!edge) return fail(edge.error());
    if (from_message) continue;
    insert_observation_.bind(1, *edge).bind(2, observation.time).bind(3, "message").bind(4, message_id).bind(
        5, int64_t{observation.trusted});
    if (!insert_observation_.run()) return fail(Error{"storing observation: " + insert_observation_.error(), ""});
  }
  if (own_batch)
    if (auto status = commit(); !status) return status.error();
  return true;
}

Result<int64_t> Store::add_import(const std::string& label, const std::string& path, UnixTime time) {
  auto insert = db_.prepare("INSERT INTO import(label, path, time) VALUES (?1, ?2, ?3)");
  insert.bind(1, label).bind(2, path).bind(3, time);
  if (!insert.run()) return Error{"storing import: " + insert.error(), path};
  return db_.last_insert_id();
}

Status Store::observe_import(const Observation& observation, int64_t import_id) {
  auto subject = entity_id(observation.subject);
  if (!subject) return subject.error();
  if (observation.relation.empty()) return Ok{};  // the entity alone was the observation
  auto object = entity_id(observation.object);
  if (!object) return object.error();
  auto edge = upsert_edge(*subject, observation.relation, *object, observation.time, observation.trusted, false);
  if (!edge) return edge.error();
  insert_observation_.bind(1, *edge).bind(2, observation.time).bind(3, "import").bind(4, import_id).bind(
      5, int64_t{observation.trusted});
  if (!insert_observation_.run()) return Error{"storing observation: " + insert_observation_.error(), ""};
  return Ok{};
}

}  // namespace sg
