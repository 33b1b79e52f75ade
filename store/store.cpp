#include "store/store.h"

#include <algorithm>
#include <ctime>
#include <iterator>
#include <map>
#include <tuple>

#include "core/domain.h"
#include "store/datasets.h"
#include "store/schema.h"

namespace sg {

namespace {

// The relations of a message to an IP that `shares` counts: its origin, its relays,
// and the IP its sender's client had (X-Originating-IP).
bool is_mail_ip_relation(Relation relation) {
  return relation == kSentFrom || relation == kRelayedBy || relation == relation_of(Role::originating_ip);
}

// FNV-1a over kind, a separator and key: stable across builds and platforms,
// which std::hash is not.
int64_t entity_key_hash(const EntityRef& entity) {
  uint64_t hash = 14695981039346656037ull;
  auto mix = [&](std::string_view bytes) {
    for (unsigned char c : bytes) {
      hash ^= c;
      hash *= 1099511628211ull;
    }
  };
  mix(to_text(entity.kind));
  mix(std::string_view("\0", 1));
  mix(entity.key);
  return static_cast<int64_t>(hash);
}

EntityHashes entity_hashes(const EntityRef& entity) {
  // A second, unrelated algorithm (libstdc++'s Murmur-based hash), so that crafting
  // one FNV collision is not enough to make the cache confuse two entities.
  const std::hash<std::string_view> murmur;
  const uint64_t secondary = murmur(entity.key) ^ (murmur(to_text(entity.kind)) * 0x9E3779B97F4A7C15ull);
  return EntityHashes{static_cast<uint64_t>(entity_key_hash(entity)), secondary};
}

std::string edge_cache_key(int64_t src, Relation relation, int64_t dst) {
  std::string key = std::to_string(src);
  key += '\0';
  key += relation.text();
  key += '\0';
  key += std::to_string(dst);
  return key;
}

// The entity one level up: a domain's registrable domain, an address's domain.
std::optional<EntityRef> parent_of(const EntityRef& entity, PublicSuffixCache& suffixes) {
  if (entity.kind == EntityKind::domain) {
    std::string registrable = registrable_domain(entity.key, &suffixes);
    if (registrable != entity.key) return EntityRef{EntityKind::domain, std::move(registrable)};
  } else if (entity.kind == EntityKind::email) {
    const auto at = entity.key.rfind('@');
    if (at != std::string::npos && at + 1 < entity.key.size())
      return EntityRef{EntityKind::domain, entity.key.substr(at + 1)};
  }
  return std::nullopt;
}

}  // namespace

// How much of the file a reading connection maps (address space, not memory).
constexpr int64_t kReaderMmapBytes = int64_t{16} << 30;
// The end of every upsert into network_seen.
#define SG_NETWORK_SEEN_ON_CONFLICT \
  " ON CONFLICT DO UPDATE SET first_seen = MIN(first_seen, excluded.first_seen)," \
  " last_seen = MAX(last_seen, excluded.last_seen), messages = messages + excluded.messages"

// The page cache of a reading connection, in KiB (see Store::open).
constexpr int64_t kReaderCacheKiB = 2048;

Result<std::unique_ptr<Store>> Store::open(const std::string& path, StoreAccess access) {
  std::unique_ptr<Store> store(new Store());
  const bool reading = access != StoreAccess::write;
  if (auto status = store->db_.open(path, reading ? sql::OpenMode::existing : sql::OpenMode::create); !status) {
    if (reading) return Error{"no spamgraph store here (ingest something first, or give --db)", path};
    return status.error();
  }
  // Before any PRAGMA: a foreign database must be left exactly as it was.
  auto schema = inspect_schema(store->db_);
  if (!schema) return schema.error();
  if (reading && !schema->version) return Error{"holds no spamgraph store yet (ingest something first)", path};
  // WAL: readers never block the ingest; NORMAL sync is durable at every
  // checkpoint and never corrupts on power loss. 8 KiB pages (for new files only)
  // suit the ingest better than 4 KiB. Foreign keys stay unenforced: the store is the
  // only writer of its tables, and the checks cost two index seeks per edge.
  if (auto status = store->db_.exec_retrying("PRAGMA page_size=8192; PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
                                    "PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY;");
      !status)
    return status.error();
  if (schema->version != current_schema_version())
    if (auto status = migrate(store->db_); !status) return status.error();
  // A question reads pages scattered over the file once each: mapped, they come
  // straight from the page cache instead of being copied into SQLite's own cache.
  // SQLite maps at most its first 2 GiB (Debian's SQLITE_MAX_MMAP_SIZE); pages
  // beyond are copied into its cache, and a small one is faster there: every page
  // of a large cache is fresh memory, a page fault at first use, while a small one
  // reuses its buffers and keeps the inner pages of the indexes. At a million
  // messages, 2 MiB instead of 64 MiB took `diff` from 362 to 180 ms and
  // `pivot --depth 2` from 54 to 45 ms.
  if (access == StoreAccess::read)
    if (auto status = store->db_.exec("PRAGMA mmap_size=" + std::to_string(kReaderMmapBytes) +
                                      "; PRAGMA cache_size=-" + std::to_string(kReaderCacheKiB));
        !status)
      return status.error();
  // A question never writes: the statements of a batch are prepared by its first begin().
  if (auto status = store->prepare_statements(false); !status) return status.error();
  if (access == StoreAccess::write)
    if (auto status = store->prepare_statements(true); !status) return status.error();
  return store;
}

Store::~Store() {
  if (in_batch_) rollback();
}

Status Store::prepare_statements(bool writes) {
  struct Item {
    sql::Statement* target;
    const char* text;
    bool write = true;  ///< used only inside a batch
  };
  const Item items[] = {
      {&find_entity_, "SELECT id FROM entity WHERE kind = ?1 AND key = ?2 AND key_hash = ?3", false},
      {&insert_entity_,
       "INSERT INTO entity(kind, key, parent_id, key_hash) VALUES (?1, ?2, ?3, ?4) ON CONFLICT(kind, key) DO NOTHING"},
      {&find_edge_, "SELECT id, first_seen, last_seen, count, trusted FROM edge WHERE src = ?1 AND relation = ?2 AND dst = ?3"},
      {&insert_edge_,
       "INSERT INTO edge(src, relation, dst, first_seen, last_seen, count, trusted) VALUES (?1, ?2, ?3, ?4, ?4, 1, ?5)"},
      {&update_edge_, "UPDATE edge SET first_seen = ?2, last_seen = ?3, count = ?4, trusted = ?5 WHERE id = ?1"},
      {&upsert_seen_,
       "INSERT INTO entity_seen(entity_id, first_seen, last_seen, messages) VALUES (?1, ?2, ?3, ?4)"
       " ON CONFLICT DO UPDATE SET first_seen = MIN(first_seen, excluded.first_seen),"
       " last_seen = MAX(last_seen, excluded.last_seen), messages = messages + excluded.messages"},
      {&upsert_family_named_,
       "INSERT INTO family_seen(family_id, first_seen, last_seen, messages, key)"
       " VALUES (?1, ?2, ?3, ?4, (SELECT key FROM entity WHERE id = ?1))"
       " ON CONFLICT DO UPDATE SET first_seen = MIN(first_seen, excluded.first_seen),"
       " last_seen = MAX(last_seen, excluded.last_seen), messages = messages + excluded.messages"},
      // Times, counts and relation bit sets commute: batches of several writers merge in any order.
      {&upsert_pair_,
       "INSERT INTO ip_domain_seen(ip_id, domain_id, first_seen, last_seen, messages, trusted, ip_relations,"
       " domain_relations) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
       " ON CONFLICT DO UPDATE SET first_seen = MIN(first_seen, excluded.first_seen),"
       " last_seen = MAX(last_seen, excluded.last_seen), messages = messages + excluded.messages,"
       " trusted = MAX(trusted, excluded.trusted), ip_relations = ip_relations | excluded.ip_relations,"
       " domain_relations = domain_relations | excluded.domain_relations RETURNING messages"},
      {&upsert_family_,
       "INSERT INTO ip_family_seen(ip_id, family_id, first_seen, last_seen, messages, names, trusted, ip_relations,"
       " domain_relations) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
       " ON CONFLICT DO UPDATE SET first_seen = MIN(first_seen, excluded.first_seen),"
       " last_seen = MAX(last_seen, excluded.last_seen), messages = messages + excluded.messages,"
       " names = names + excluded.names, trusted = MAX(trusted, excluded.trusted),"
       " ip_relations = ip_relations | excluded.ip_relations,"
       " domain_relations = domain_relations | excluded.domain_relations"},
      {&upsert_edge_source_,
       "INSERT INTO edge_source(edge_id, source_kind, first_seen, last_seen, messages, trusted)"
       " VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
       " ON CONFLICT DO UPDATE SET first_seen = MIN(first_seen, excluded.first_seen),"
       " last_seen = MAX(last_seen, excluded.last_seen), messages = messages + excluded.messages,"
       " trusted = MAX(trusted, excluded.trusted)"},
      {&insert_family_edge_name_,
       "INSERT INTO family_edge_name(family_id, entity_id) VALUES (?1, ?2) ON CONFLICT DO NOTHING"},
      {&upsert_ip_seen_,
       "INSERT INTO ip_seen(ip_id, first_seen, last_seen, messages, key)"
       " VALUES (?1, ?2, ?3, ?4, (SELECT key FROM entity WHERE id = ?1))"
       " ON CONFLICT DO UPDATE SET first_seen = MIN(first_seen, excluded.first_seen),"
       " last_seen = MAX(last_seen, excluded.last_seen), messages = messages + excluded.messages"},
      // network_seen: min, max and sum commute too, so its rows merge like the others.
      {&widen_networks_of_ip_,
       "INSERT INTO network_seen(network_id, first_seen, last_seen, messages, kind, key) SELECT n.*, e.kind, e.key FROM ("
       "SELECT x.dst, ?2, ?3, ?4 FROM edge x WHERE x.src = ?1 AND x.relation = 'in-prefix' UNION ALL "
       "SELECT y.dst, ?2, ?3, ?4 FROM edge x JOIN edge y ON y.src = x.dst AND y.relation IN ('originated-by', 'route-object')"
       " WHERE x.src = ?1 AND x.relation = 'in-prefix') n JOIN entity e ON e.id = n.dst WHERE true"
       SG_NETWORK_SEEN_ON_CONFLICT},
      {&widen_networks_by_prefix_,
       "INSERT INTO network_seen(network_id, first_seen, last_seen, messages, kind, key) SELECT n.*, e.kind, e.key FROM ("
       "SELECT ?2 AS id, s.first_seen, s.last_seen, s.messages FROM entity_seen s WHERE s.entity_id = ?1 UNION ALL "
       "SELECT y.dst, s.first_seen, s.last_seen, s.messages FROM entity_seen s"
       " JOIN edge y ON y.src = ?2 AND y.relation IN ('originated-by', 'route-object') WHERE s.entity_id = ?1) n"
       " JOIN entity e ON e.id = n.id WHERE true" SG_NETWORK_SEEN_ON_CONFLICT},
      {&widen_network_by_member_,
       "INSERT INTO network_seen(network_id, first_seen, last_seen, messages, kind, key)"
       " SELECT ?2, n.first_seen, n.last_seen, n.messages, e.kind, e.key FROM network_seen n JOIN entity e ON e.id = ?2"
       " WHERE n.network_id = ?1" SG_NETWORK_SEEN_ON_CONFLICT},
      {&insert_observation_,
       "INSERT INTO observation(edge_id, time, source_kind, source_id, trusted) VALUES (?1, ?2, ?3, ?4, ?5)"
       " ON CONFLICT DO UPDATE SET trusted = MAX(trusted, excluded.trusted)"},
      {&insert_attribute_,
       "INSERT INTO attribute(entity_id, name, value, time, source_kind, source_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"
       " ON CONFLICT DO UPDATE SET time = MAX(time, excluded.time)"},
      {&find_message_, "SELECT id FROM message WHERE header_hash = ?1", false},
      {&insert_message_,
       "INSERT INTO message(header_hash, time, time_source, subject, source_kind, source_path, source_offset,"
       " uidvalidity, uid, ingested_at, raw_headers) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"},
      {&find_relation_, "SELECT id FROM relation WHERE name = ?1", false},
      {&insert_relation_, "INSERT INTO relation(name) VALUES (?1)"},
      {&data_version_query_, "PRAGMA data_version", false},
  };

  for (const Item& item : items) {
    if (item.write != writes) continue;
    *item.target = db_.prepare(item.text);
    if (!item.target->ok()) return Error{"preparing statement: " + item.target->error(), db_.path()};
  }
  if (writes) write_statements_ready_ = true;
  return Ok{};
}

Status Store::begin() {
  if (in_batch_) return Ok{};
  if (!write_statements_ready_)
    if (auto status = prepare_statements(true); !status) return status;
  if (auto status = db_.exec("BEGIN IMMEDIATE"); !status) return status;
  in_batch_ = true;
  if (auto status = catch_up_with_other_writers(); !status) {
    rollback();
    return status;
  }
  return Ok{};
}

Status Store::catch_up_with_other_writers() {
  // data_version changes only when another connection commits, so a store used by
  // one process pays one PRAGMA per batch for this.
  std::optional<int64_t> version;
  if (data_version_query_.step()) version = data_version_query_.int64(0);
  const std::string error = data_version_query_.error();
  data_version_query_.reset();
  if (!version) return Error{"reading data_version: " + error, db_.path()};
  const bool others_wrote = data_version_ >= 0 && *version != data_version_;
  data_version_ = *version;
  if (!key_filter_.loaded()) return key_filter_.load(db_);
  if (!others_wrote) return Ok{};
  // Entity and relation ids never change once stored, so those caches stay right;
  // edge counts and times may have moved, and new keys must reach the filter.
  edge_cache_.clear();
  return key_filter_.catch_up(db_);
}

Status Store::commit() {
  if (!in_batch_) return Ok{};
  if (auto status = flush_edges(); !status) {
    rollback();
    return status;
  }
  if (auto status = flush_seen(); !status) {
    rollback();
    return status;
  }
  if (graph_changed_)
    if (auto status = db_.exec("UPDATE graph_clock SET version = version + 1"); !status) {
      rollback();
      return status;
    }
  graph_changed_ = false;
  if (auto status = db_.exec("COMMIT"); !status) {
    rollback();
    return status;
  }
  in_batch_ = false;
  // Memory stays flat however much is ingested: the caches only save lookups,
  // and a year of spam names far more URLs and addresses than are worth keeping.
  if (edge_cache_.size() > kMaxCachedEntities) edge_cache_.clear();
  return Ok{};
}

void Store::rollback() {
  (void)db_.exec("ROLLBACK");
  in_batch_ = false;
  graph_changed_ = false;
  // Cached ids may name rows that no longer exist.
  entity_cache_.clear();
  edge_cache_.clear();
  dirty_edges_.clear();
  edge_sources_.clear();
  seen_.clear();
  families_named_.clear();
  pair_seen_.clear();
  family_seen_.clear();
  family_cache_.clear();
  relation_cache_.clear();
}

std::optional<int64_t> Store::find_entity(const EntityRef& entity) {
  const EntityHashes hashes = entity_hashes(entity);
  if (auto cached = entity_cache_.find(hashes)) return cached;
  // The filter is only known to be complete while this connection holds the write lock.
  if (in_batch_ && key_filter_.loaded() && !key_filter_.maybe_contains(hashes.primary)) return std::nullopt;
  find_entity_.bind(1, to_text(entity.kind)).bind(2, entity.key).bind(3, static_cast<int64_t>(hashes.primary));
  std::optional<int64_t> id;
  if (find_entity_.step()) id = find_entity_.int64(0);
  find_entity_.reset();
  if (id) entity_cache_.insert(hashes, *id);
  return id;
}

Result<int64_t> Store::entity_id(const EntityRef& entity) {
  if (auto found = find_entity(entity)) return *found;
  // New: only now is the parent (a PSL lookup for domains) worth computing.
  std::optional<int64_t> parent_id;
  if (auto parent = parent_of(entity, suffixes_)) {
    auto id = entity_id(*parent);
    if (!id) return id.error();
    parent_id = *id;
  }
  const EntityHashes hashes = entity_hashes(entity);
  insert_entity_.bind(1, to_text(entity.kind)).bind(2, entity.key).bind(4, static_cast<int64_t>(hashes.primary));
  if (parent_id) insert_entity_.bind(3, *parent_id);
  if (!insert_entity_.run()) return Error{"storing entity: " + insert_entity_.error(), describe(entity)};
  int64_t id = db_.last_insert_id();
  if (db_.changes() == 0) {
    // Stored after all (a filter that missed it would be a bug, but the unique key
    // keeps the store right either way).
    find_entity_.bind(1, to_text(entity.kind)).bind(2, entity.key).bind(3, static_cast<int64_t>(hashes.primary));
    const bool found = find_entity_.step();
    if (found) id = find_entity_.int64(0);
    const std::string error = find_entity_.error();
    find_entity_.reset();
    if (!found) return Error{"storing entity: " + error, describe(entity)};
  }
  key_filter_.add(hashes.primary);
  entity_cache_.insert(hashes, id);
  return id;
}

Result<int64_t> Store::relation_id(Relation relation) {
  const std::string_view name = relation.text();
  if (auto it = relation_cache_.find(name); it != relation_cache_.end()) return it->second;
  find_relation_.bind(1, name);
  std::optional<int64_t> id;
  if (find_relation_.step()) id = find_relation_.int64(0);
  find_relation_.reset();
  if (!id) {
    insert_relation_.bind(1, name);
    if (!insert_relation_.run()) return Error{"storing relation: " + insert_relation_.error(), std::string(name)};
    id = db_.last_insert_id();
  }
  relation_cache_.emplace(name, *id);
  return *id;
}

Result<int64_t> Store::upsert_edge(int64_t src, Relation relation, int64_t dst, UnixTime time,
                                   bool trusted, bool* inserted) {
  if (inserted) *inserted = false;
  const std::string key = edge_cache_key(src, relation, dst);
  auto it = edge_cache_.find(key);
  if (it == edge_cache_.end()) {
    find_edge_.bind(1, src).bind(2, relation.text()).bind(3, dst);
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
  insert_edge_.bind(1, src).bind(2, relation.text()).bind(3, dst).bind(4, time).bind(5, int64_t{trusted});
  if (!insert_edge_.run()) return Error{"storing edge: " + insert_edge_.error(), std::string(relation.text())};
  if (inserted) *inserted = true;
  const int64_t id = db_.last_insert_id();
  if (auto status = widen_network_seen(src, relation, dst); !status) return status.error();
  // This is where every edge is inserted: a trigger would cost each insert more.
  if (relation == kInPrefix || relation == kOriginatedBy || relation == kRouteObject || relation == kResolvesTo)
    graph_changed_ = true;
  edge_cache_.emplace(key, EdgeState{id, time, time, 1, trusted, false});
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
  // min, max, sum and or commute: batches of several writers merge in any order.
  for (const auto& [key, totals] : edge_sources_) {
    upsert_edge_source_.bind(1, key.first).bind(2, to_text(key.second)).bind(3, totals.first_seen);
    upsert_edge_source_.bind(4, totals.last_seen).bind(5, totals.messages).bind(6, int64_t{totals.trusted});
    if (!upsert_edge_source_.run()) return Error{"updating edge_source: " + upsert_edge_source_.error(), db_.path()};
  }
  edge_sources_.clear();
  return Ok{};
}

Status Store::widen_network_seen(int64_t src, Relation relation, int64_t dst) {
  sql::Statement* widen = nullptr;
  if (relation == kInPrefix)
    widen = &widen_networks_by_prefix_;
  else if (relation == kOriginatedBy || relation == kRouteObject)
    widen = &widen_network_by_member_;
  if (!widen) return Ok{};
  widen->bind(1, src).bind(2, dst);
  if (!widen->run()) return Error{"updating network_seen: " + widen->error(), db_.path()};
  return Ok{};
}

Status Store::note_edge_names(const Observation& observation, int64_t subject, int64_t object) {
  for (const auto& [end, id] : {std::pair{&observation.subject, subject}, std::pair{&observation.object, object}}) {
    if (end->kind != EntityKind::domain) continue;
    auto family = family_id(id, end->key);
    if (!family) return family.error();
    if (*family == id) continue;
    insert_family_edge_name_.bind(1, *family).bind(2, id);
    if (!insert_family_edge_name_.run())
      return Error{"storing family_edge_name: " + insert_family_edge_name_.error(), db_.path()};
  }
  return Ok{};
}

void Store::note_edge_source(int64_t edge, ProvenanceKind kind, UnixTime time, bool trusted) {
  auto [at, fresh] = edge_sources_.try_emplace({edge, kind}, EdgeSourceState{time, time, 0, trusted});
  if (fresh) return;
  EdgeSourceState& totals = at->second;
  totals.first_seen = std::min(totals.first_seen, time);
  totals.last_seen = std::max(totals.last_seen, time);
  totals.trusted = totals.trusted || trusted;
}

Status Store::flush_seen() {
  // min, max and sum commute: batches of several writers merge in any order.
  for (const auto& [entity, seen] : seen_) {
    upsert_seen_.bind(1, entity).bind(2, seen.first_seen).bind(3, seen.last_seen).bind(4, seen.messages);
    if (!upsert_seen_.run()) return Error{"updating entity_seen: " + upsert_seen_.error(), db_.path()};
    if (!seen.ip) continue;
    upsert_ip_seen_.bind(1, entity).bind(2, seen.first_seen).bind(3, seen.last_seen).bind(4, seen.messages);
    if (!upsert_ip_seen_.run()) return Error{"updating ip_seen: " + upsert_ip_seen_.error(), db_.path()};
    widen_networks_of_ip_.bind(1, entity).bind(2, seen.first_seen).bind(3, seen.last_seen).bind(4, seen.messages);
    if (!widen_networks_of_ip_.run()) return Error{"updating network_seen: " + widen_networks_of_ip_.error(), db_.path()};
  }
  seen_.clear();
  for (const auto& [family, seen] : families_named_) {
    upsert_family_named_.bind(1, family).bind(2, seen.first_seen).bind(3, seen.last_seen).bind(4, seen.messages);
    if (!upsert_family_named_.run())
      return Error{"updating family_seen: " + upsert_family_named_.error(), db_.path()};
  }
  families_named_.clear();
  for (const auto& [key, pair] : pair_seen_) {
    upsert_pair_.bind(1, key.ip).bind(2, key.domain).bind(3, pair.first_seen).bind(4, pair.last_seen);
    upsert_pair_.bind(5, pair.messages).bind(6, int64_t{pair.trusted});
    upsert_pair_.bind(7, static_cast<int64_t>(pair.ip_relations)).bind(8, static_cast<int64_t>(pair.domain_relations));
    // The row holds only this batch's messages when it is new: a name new to the IP,
    // which its family's row counts.
    upsert_pair_.clear_error();
    const bool stepped = upsert_pair_.step();
    const bool fresh = stepped && upsert_pair_.int64(0) == pair.messages;
    while (upsert_pair_.step()) {
    }
    const std::string error = upsert_pair_.error();
    upsert_pair_.reset();
    if (!error.empty() || !stepped) return Error{"updating ip_domain_seen: " + error, db_.path()};
    if (fresh)
      if (auto family = family_seen_.find(PairKey{key.ip, pair.family}); family != family_seen_.end())
        family->second.names += 1;
  }
  pair_seen_.clear();
  for (const auto& [key, family] : family_seen_) {
    upsert_family_.bind(1, key.ip).bind(2, key.domain).bind(3, family.first_seen).bind(4, family.last_seen);
    upsert_family_.bind(5, family.messages).bind(6, family.names).bind(7, int64_t{family.trusted});
    upsert_family_.bind(8, static_cast<int64_t>(family.ip_relations));
    upsert_family_.bind(9, static_cast<int64_t>(family.domain_relations));
    if (!upsert_family_.run()) return Error{"updating ip_family_seen: " + upsert_family_.error(), db_.path()};
  }
  family_seen_.clear();
  return Ok{};
}

size_t Store::PairKeyHash::operator()(const PairKey& key) const noexcept {
  // Ids are small and dense: mixing them with odd multipliers spreads them well enough.
  uint64_t h = static_cast<uint64_t>(key.ip) * 0x9E3779B97F4A7C15ULL;
  h ^= static_cast<uint64_t>(key.domain) * 0xC2B2AE3D27D4EB4FULL + (h << 6) + (h >> 2);
  return static_cast<size_t>(h ^ (h >> 29));
}

namespace {

// A relation id as its bit in ip_domain_seen's bit sets. Relation ids are the message
// relations (one per Role) in the order first stored, far below 64.
uint64_t relation_bit(int64_t relation_id) {
  return relation_id > 0 && relation_id < 64 ? uint64_t{1} << relation_id : 0;
}

// Merges one message's pairs with the same key (sorted first), so that each counts
// the message once.
template <typename Pairs, typename Add>
void merge_sorted(Pairs& pairs, Add add) {
  std::sort(pairs.begin(), pairs.end());
  for (size_t i = 0; i < pairs.size();) {
    auto merged = pairs[i];
    for (++i; i < pairs.size() && pairs[i].key == merged.key; ++i) {
      merged.ip_relations |= pairs[i].ip_relations;
      merged.domain_relations |= pairs[i].domain_relations;
      merged.trusted = merged.trusted || pairs[i].trusted;
    }
    add(merged);
  }
}

}  // namespace

void Store::count_pairs(UnixTime time) {
  message_pairs_.clear();
  message_families_.clear();
  for (const auto& [ip_relation, ip, trusted] : message_ip_links_)
    for (const auto& [domain_relation, domain, family] : message_domain_links_) {
      const uint64_t ip_bit = relation_bit(ip_relation), domain_bit = relation_bit(domain_relation);
      message_pairs_.push_back({PairKey{ip, domain}, ip_bit, domain_bit, trusted, family});
      message_families_.push_back({PairKey{ip, family}, ip_bit, domain_bit, trusted, family});
    }
  auto add_to = [time](auto& table) {
    return [&table, time](const MessagePair& pair) -> PairState& {
      auto [it, fresh] = table.try_emplace(pair.key, PairState{time, time, 0, false});
      PairState& state = it->second;
      state.first_seen = std::min(state.first_seen, time);
      state.last_seen = std::max(state.last_seen, time);
      state.messages += 1;
      state.trusted = state.trusted || pair.trusted;
      state.ip_relations |= pair.ip_relations;
      state.domain_relations |= pair.domain_relations;
      state.family = pair.family;
      return state;
    };
  };
  merge_sorted(message_pairs_, add_to(pair_seen_));
  merge_sorted(message_families_, add_to(family_seen_));
}

Result<int64_t> Store::family_id(int64_t domain_id, const std::string& key) {
  if (auto cached = family_cache_.find(domain_id); cached != family_cache_.end()) return cached->second;
  int64_t family = domain_id;
  if (auto parent = parent_of(EntityRef{EntityKind::domain, key}, suffixes_)) {
    auto id = entity_id(*parent);
    if (!id) return id.error();
    family = *id;
  }
  if (family_cache_.size() >= kMaxCachedFamilies) family_cache_.clear();
  family_cache_.emplace(domain_id, family);
  return family;
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
  return add_message(evidence, observations_from_evidence(evidence));
}

Result<bool> Store::add_message(const Evidence& evidence, const std::vector<Observation>& observations) {
  // The check runs under the write lock, so another process cannot store the same
  // message between the check and the insert.
  const bool own_batch = !in_batch_;
  if (own_batch)
    if (auto status = begin(); !status) return status.error();

  auto fail = [&](const Error& error) -> Result<bool> {
    if (own_batch) rollback();
    return error;
  };
  auto exists = has_message(evidence.header_hash);
  if (!exists) return fail(exists.error());
  if (*exists) {
    if (own_batch)
      if (auto status = commit(); !status) return status.error();
    return false;
  }
  insert_message_.bind(1, evidence.header_hash)
      .bind(2, evidence.time)
      .bind(3, evidence.time_source)
      .bind(4, evidence.subject)
      .bind(5, to_text(evidence.source.kind))
      .bind(6, evidence.source.path)
      .bind(7, static_cast<int64_t>(evidence.source.offset))
      .bind(10, static_cast<int64_t>(std::time(nullptr)))
      .bind_blob(11, evidence.raw_headers);
  if (evidence.source.kind == SourceKind::imap)
    insert_message_.bind(8, static_cast<int64_t>(evidence.source.uidvalidity))
        .bind(9, static_cast<int64_t>(evidence.source.uid));
  if (!insert_message_.run()) return fail(Error{"storing message: " + insert_message_.error(), evidence.source.path});
  const int64_t message_id = db_.last_insert_id();

  // A message's own links are unique per (relation, entity): a relay seen in two
  // hops of one message is one link, trusted if either hop was.
  std::map<std::pair<int64_t, int64_t>, bool> links;
  message_entities_.clear();
  message_ips_.clear();
  message_edges_.clear();
  message_families_named_.clear();
  message_ip_links_.clear();
  message_domain_links_.clear();
  for (const Observation& observation : observations) {
    auto object = entity_id(observation.object);
    if (!object) return fail(object.error());
    message_entities_.push_back(*object);
    if (observation.object.kind == EntityKind::ip) message_ips_.push_back(*object);
    if (observation.subject.kind == EntityKind::message) {
      auto relation = relation_id(observation.relation);
      if (!relation) return fail(relation.error());
      bool& trusted = links[{*relation, *object}];
      trusted = trusted || observation.trusted;
      if (observation.object.kind == EntityKind::domain) {
        auto family = family_id(*object, observation.object.key);
        if (!family) return fail(family.error());
        message_domain_links_.push_back({*relation, *object, *family});
        message_families_named_.push_back(*family);
      }
      if (observation.object.kind == EntityKind::ip && is_mail_ip_relation(observation.relation))
        message_ip_links_.push_back({*relation, *object, false});
      continue;
    }
    auto subject = entity_id(observation.subject);
    if (!subject) return fail(subject.error());
    message_entities_.push_back(*subject);
    if (observation.subject.kind == EntityKind::ip) message_ips_.push_back(*subject);
    // A hop's names (HELO, reverse name) belong to their families too.
    for (const auto& [end, id] : {std::pair{&observation.subject, *subject}, std::pair{&observation.object, *object}}) {
      if (end->kind != EntityKind::domain) continue;
      auto family = family_id(id, end->key);
      if (!family) return fail(family.error());
      message_families_named_.push_back(*family);
    }
    bool new_edge = false;
    auto edge = upsert_edge(*subject, observation.relation, *object, observation.time, observation.trusted, &new_edge);
    if (!edge) return fail(edge.error());
    if (new_edge)
      if (auto status = note_edge_names(observation, *subject, *object); !status) return fail(status.error());
    insert_observation_.bind(1, *edge)
        .bind(2, observation.time)
        .bind(3, to_text(ProvenanceKind::message))
        .bind(4, message_id)
        .bind(5, int64_t{observation.trusted});
    if (!insert_observation_.run()) return fail(Error{"storing observation: " + insert_observation_.error(), ""});
    note_edge_source(*edge, ProvenanceKind::message, observation.time, observation.trusted);
    message_edges_.push_back(*edge);
  }
  // A message that states an edge at two hops counts once for it.
  std::sort(message_edges_.begin(), message_edges_.end());
  message_edges_.erase(std::unique(message_edges_.begin(), message_edges_.end()), message_edges_.end());
  for (int64_t edge : message_edges_) edge_sources_[{edge, ProvenanceKind::message}].messages += 1;
  if (auto status = insert_links(message_id, evidence.time, links); !status) return fail(status.error());
  // Each (relation, IP) once, trusted if any of its hops was (links holds the answer).
  std::sort(message_ip_links_.begin(), message_ip_links_.end());
  message_ip_links_.erase(std::unique(message_ip_links_.begin(), message_ip_links_.end(),
                                      [](const auto& a, const auto& b) {
                                        return std::get<0>(a) == std::get<0>(b) && std::get<1>(a) == std::get<1>(b);
                                      }),
                          message_ip_links_.end());
  for (auto& [relation, ip, trusted] : message_ip_links_) trusted = links[{relation, ip}];
  std::sort(message_domain_links_.begin(), message_domain_links_.end());
  message_domain_links_.erase(std::unique(message_domain_links_.begin(), message_domain_links_.end()),
                              message_domain_links_.end());
  count_pairs(evidence.time);
  note_sightings(message_entities_, evidence.time, seen_);
  for (int64_t ip : message_ips_) seen_[ip].ip = true;
  note_sightings(message_families_named_, evidence.time, families_named_);
  if (own_batch)
    if (auto status = commit(); !status) return status.error();
  return true;
}

void Store::note_sightings(std::vector<int64_t>& ids, UnixTime time, std::unordered_map<int64_t, SeenState>& into) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  for (int64_t id : ids) {
    auto [it, fresh] = into.try_emplace(id, SeenState{time, time, 0});
    SeenState& seen = it->second;
    seen.first_seen = std::min(seen.first_seen, time);
    seen.last_seen = std::max(seen.last_seen, time);
    seen.messages += 1;
  }
}

Status Store::insert_links(int64_t message_id, UnixTime time,
                           const std::map<std::pair<int64_t, int64_t>, bool>& links) {
  // One multi-row INSERT per message instead of one statement per link: the
  // per-statement overhead dominated the ingest profile.
  auto it = links.begin();
  while (it != links.end()) {
    const size_t rows = std::min<size_t>(kMaxLinkRows, static_cast<size_t>(std::distance(it, links.end())));
    sql::Statement& insert = link_insert(rows);
    for (int row = 0; row < static_cast<int>(rows); ++row, ++it) {
      const int base = row * 5;
      insert.bind(base + 1, message_id).bind(base + 2, it->first.first).bind(base + 3, it->first.second).bind(
          base + 4, int64_t{it->second}).bind(base + 5, time);
    }
    if (!insert.run()) return Error{"storing message links: " + insert.error(), db_.path()};
  }
  return Ok{};
}

sql::Statement& Store::link_insert(size_t rows) {
  if (link_inserts_.size() < rows + 1) link_inserts_.resize(rows + 1);
  sql::Statement& statement = link_inserts_[rows];
  if (!statement.ok()) {
    // OR IGNORE: a message's links are distinct by construction, and without a possible
    // ABORT SQLite skips the statement journal a multi-row INSERT otherwise opens.
    std::string text = "INSERT OR IGNORE INTO message_link(message_id, relation_id, entity_id, trusted, time) VALUES ";
    for (size_t row = 0; row < rows; ++row) text += row ? ",(?,?,?,?,?)" : "(?,?,?,?,?)";
    statement = db_.prepare(text);
  }
  return statement;
}

Result<int64_t> Store::add_import(const std::string& label, const std::string& path, UnixTime time) {
  auto insert = db_.prepare("INSERT INTO import(label, path, time) VALUES (?1, ?2, ?3)");
  insert.bind(1, label).bind(2, path).bind(3, time);
  if (!insert.run()) return Error{"storing import: " + insert.error(), path};
  return db_.last_insert_id();
}

Result<bool> Store::observe(const Observation& observation, ProvenanceKind source_kind, int64_t source_id) {
  auto subject = entity_id(observation.subject);
  if (!subject) return subject.error();
  auto object = entity_id(observation.object);
  if (!object) return object.error();
  bool inserted = false;
  auto edge = upsert_edge(*subject, observation.relation, *object, observation.time, observation.trusted, &inserted);
  if (!edge) return edge.error();
  if (inserted)
    if (auto status = note_edge_names(observation, *subject, *object); !status) return status.error();
  insert_observation_.bind(1, *edge).bind(2, observation.time).bind(3, to_text(source_kind)).bind(4, source_id).bind(
      5, int64_t{observation.trusted});
  if (!insert_observation_.run()) return Error{"storing observation: " + insert_observation_.error(), ""};
  note_edge_source(*edge, source_kind, observation.time, observation.trusted);
  return inserted;
}

Status Store::record_attribute(const Attribute& attribute, ProvenanceKind source_kind, int64_t source_id) {
  auto entity = entity_id(attribute.entity);
  if (!entity) return entity.error();
  insert_attribute_.bind(1, *entity).bind(2, attribute.name).bind(3, attribute.value).bind(4, attribute.time);
  insert_attribute_.bind(5, to_text(source_kind)).bind(6, source_id);
  if (!insert_attribute_.run()) return Error{"storing attribute: " + insert_attribute_.error(), db_.path()};
  return Ok{};
}

}  // namespace sg
