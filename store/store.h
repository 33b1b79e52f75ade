// The campaign graph in one SQLite file: entities, typed edges with time
// aggregation, observations with provenance, and the raw evidence.
#pragma once
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <vector>

#include "core/domain.h"
#include "core/evidence.h"
#include "core/observation.h"
#include "core/result.h"
#include "store/entity_id_cache.h"
#include "store/key_hash_filter.h"
#include "store/sqlite.h"

namespace sg {

class LinkCollector;

/// An inclusive time window; unset ends are open.
struct TimeRange {
  std::optional<UnixTime> since;
  std::optional<UnixTime> until;
  UnixTime lower() const { return since.value_or(INT64_MIN); }
  UnixTime upper() const { return until.value_or(INT64_MAX); }
};

/// One answer row of `shares`: a domain (for an IP query) or an IP (for a domain query).
/// How `shares` names the domains it finds.
enum class ShareGrouping {
  family,  ///< one link per registrable domain, standing for it and every name under it
  name,    ///< one link per domain name
};

struct SharedLink {
  std::string value;               ///< the domain (registrable, when grouped by family) or IP tied to the queried entity
  std::vector<std::string> roles;  ///< how `value` appeared: helo, ptr, envelope-from, origin-ip, ...
  std::vector<std::string> via;    ///< how the link was made: "direct" or the message relation(s) of the IP
  UnixTime first_seen = 0;
  UnixTime last_seen = 0;
  int64_t messages = 0;            ///< distinct messages behind the link
  bool trusted = false;            ///< at least one observation was a fact, not a claim
  /// A domain grouped by family: how many names of the family the link stands for (a
  /// lower bound when names came from both messages and DNS); 1 for a name, 0 for an IP.
  int64_t names = 0;
};

/// Counts for `stats`.
struct StoreStats {
  int64_t messages = 0;
  int64_t edges = 0;
  int64_t observations = 0;
  std::map<std::string, int64_t> entities;  ///< per kind (message excluded)
  std::optional<UnixTime> first_message;
  std::optional<UnixTime> last_message;
};

/// Where an observation came from.
struct Provenance {
  ProvenanceKind kind = ProvenanceKind::message;  ///< a message, an import, a lookup or a dataset
  /// message hash and source path; import label and path; lookup "query STATUS from
  /// server"; dataset "name YYYY-MM-DD path"
  std::string ref;
  UnixTime time = 0;
  bool trusted = false;
};

/// One edge as `show` prints it, seen from the shown entity.
struct EdgeView {
  bool outgoing = true;     ///< shown entity is the subject
  std::string relation;
  EntityRef other;
  UnixTime first_seen = 0;
  UnixTime last_seen = 0;
  int64_t count = 0;
  bool trusted = false;
  std::vector<Provenance> provenance;  ///< the most recent few observations
};

/// A stored message's own record.
struct MessageRecord {
  std::string header_hash;
  UnixTime time = 0;
  std::string time_source;
  std::string subject;
  MessageSource source;
  UnixTime ingested_at = 0;
  std::string raw_headers;   ///< re-analyse these for the hops (analysis is a pure function)
};

/// The history of one enrichment query about an entity ("example.com A"), from the
/// lookup table: a name that stopped resolving shows a last status unlike the earlier.
struct LookupHistory {
  std::string source;        ///< "dns"
  std::string query;         ///< "example.com A"
  int64_t count = 0;         ///< lookups made
  UnixTime first_time = 0;
  UnixTime last_time = 0;
  std::string last_status;   ///< NOERROR, NXDOMAIN, SERVFAIL, TIMEOUT, ...
  /// The newest lookup with another status than last_status: when it last answered differently.
  std::optional<std::string> previous_status;
  std::optional<UnixTime> previous_time;
};

/// One stored attribute of an entity, with where it came from.
struct AttributeView {
  std::string name;
  std::string value;
  UnixTime time = 0;      ///< the newest time it was stated
  Provenance provenance;  ///< the newest source that stated it
};

/// Everything the store knows about one entity.
struct EntityReport {
  EntityRef entity;
  std::string parent;  ///< registrable domain of a domain, domain of an e-mail address
  std::vector<AttributeView> attributes;  ///< by name, then value
  std::vector<EdgeView> edges;
  std::vector<LookupHistory> lookups;  ///< enrichment queries made for this entity, by query
  std::optional<MessageRecord> message;
};

/// What a command does with the store it opens.
enum class StoreAccess {
  write,  ///< may create the file and its tables
  read,   ///< the store must exist already: a query never creates a file or tables
  scan,   ///< as read, for a job that reads whole tables once (`campaign auto`): the file is
          ///< not mapped, so its memory stays bounded by SQLite's own page cache
};

/// The store. Several processes may read and write one file at once: each write
/// batch holds SQLite's write lock, and the result is as if the batches ran one
/// after the other (WAL lets readers proceed meanwhile).
class Store {
 public:
  /// Opens the store at `path`, applying schema migrations; with StoreAccess::write,
  /// creates it when missing. Refuses a database that is not a spamgraph store.
  static Result<std::unique_ptr<Store>> open(const std::string& path, StoreAccess access = StoreAccess::write);
  ~Store();

  /// Starts a write batch: takes the write lock (waiting up to sql::kBusyTimeoutMs for
  /// another process) and catches up with what other processes committed meanwhile.
  /// Everything until commit() lands atomically.
  Status begin();
  /// Commits the current batch (flushing aggregated edge updates).
  Status commit();
  /// Discards the current batch.
  void rollback();

  /// Adds one analysed message with its observations. Returns false (and changes
  /// nothing) when a message with the same header hash is already stored.
  Result<bool> add_message(const Evidence& evidence);
  /// Same, with `observations` = observations_from_evidence(evidence) computed by the
  /// caller (the ingest computes them on its reading thread, off the writer's).
  Result<bool> add_message(const Evidence& evidence, const std::vector<Observation>& observations);
  /// True when a message with this header hash is stored.
  Result<bool> has_message(const std::string& header_hash);

  /// Registers an import (indicator list, dataset) and returns its id for provenance.
  Result<int64_t> add_import(const std::string& label, const std::string& path, UnixTime time);
  /// Records one observation whose provenance is an import; true when its edge is new.
  Result<bool> observe_import(const Observation& observation, int64_t import_id) {
    return observe(observation, ProvenanceKind::import, import_id);
  }
  /// Records one observation with its provenance: `source_kind` is import (import.id),
  /// lookup (lookup.id) or dataset (dataset.id). True when its edge is new.
  /// Must be inside a batch (begin/commit).
  Result<bool> observe(const Observation& observation, ProvenanceKind source_kind, int64_t source_id);
  /// Records an attribute (inside a batch) with its provenance; stating the same
  /// name, value and source again changes nothing but keeps the newest time.
  Status record_attribute(const Attribute& attribute, ProvenanceKind source_kind, int64_t source_id);

  /// The id of an entity, creating it when unknown (inside a batch only).
  Result<int64_t> entity_id(const EntityRef& entity);
  /// The id of a stored entity, or nullopt.
  std::optional<int64_t> find_entity(const EntityRef& entity);

  /// For an IP, or every stored IP inside a prefix ("114.113.195.0/24"): the domains
  /// tied to it directly (helo, ptr, resolves-to) or through the messages it sent or
  /// relayed, one per registrable domain or one per name.
  Result<std::vector<SharedLink>> domains_sharing_ip(const std::string& ip, const TimeRange& range,
                                                     ShareGrouping grouping = ShareGrouping::family);
  /// Domains tied to any graph IP inside any of `prefixes` (an AS's networks), as
  /// domains_sharing_ip gives them.
  Result<std::vector<SharedLink>> domains_sharing_prefixes(const std::vector<IpPrefix>& prefixes,
                                                           const TimeRange& range,
                                                           ShareGrouping grouping = ShareGrouping::family);
  /// For a domain (and its subdomains when it is a registrable domain): the IPs.
  Result<std::vector<SharedLink>> ips_sharing_domain(const std::string& domain, const TimeRange& range);
  /// The same for the domain stored under `domain_id`.
  Result<std::vector<SharedLink>> ips_sharing_domain(int64_t domain_id, const TimeRange& range);
  /// Counts of messages, entities per kind, edges and observations, and the time span.
  Result<StoreStats> stats();
  /// Every edge of the entity with times and provenance; error if unknown.
  Result<EntityReport> show(const EntityRef& entity, int provenance_limit = 5);

  /// The ids of the stored IP, or of every stored IP inside the prefix (and the
  /// prefix itself when it is an entity); an error when the text is neither.
  Result<std::vector<int64_t>> ip_ids(const std::string& ip_or_prefix);

  /// The underlying database: for migrations, tests and integrity checks.
  sql::Database& database() { return db_; }

 private:
  Store() = default;
  /// Prepares the statements every write uses, once per connection.
  /// Prepares the statements only a batch uses (`writes`), or the others.
  Status prepare_statements(bool writes);
  bool write_statements_ready_ = false;
  /// `show` for a message, found by its header hash or a unique prefix of it.
  Result<EntityReport> show_message(const std::string& hash_or_prefix);
  /// Adds to `links` the domains tied to IP `id` directly or through its messages.
  Status collect_domains_of_ip(int64_t id, const TimeRange& range, LinkCollector& links);
  /// The edge's id; `inserted` (optional) tells whether it is new.
  Result<int64_t> upsert_edge(int64_t src, Relation relation, int64_t dst, UnixTime time, bool trusted,
                              bool* inserted = nullptr);
  /// The id of a relation name in the `relation` table, creating it when new.
  Result<int64_t> relation_id(Relation relation);
  /// Writes a message's own edges, (relation id, entity id) -> trusted, to `message_link`.
  Status insert_links(int64_t message_id, UnixTime time, const std::map<std::pair<int64_t, int64_t>, bool>& links);
  /// Adds one message's IP-domain pairs (from its links) to this batch's pair_seen_,
  /// and the same by registrable domain to family_seen_.
  void count_pairs(UnixTime time);
  /// The id of the registrable domain of domain `domain_id` (named `key`): itself when
  /// it is one. Creates the entity when unknown (inside a batch only).
  Result<int64_t> family_id(int64_t domain_id, const std::string& key);
  /// The INSERT statement for `rows` message links at once (1..kMaxLinkRows).
  sql::Statement& link_insert(size_t rows);
  static constexpr size_t kMaxLinkRows = 16;
  static constexpr size_t kMaxCachedEntities = 200000;
  /// Writes the edges updated in this batch (dirty_edges_) to the `edge` table, and
  /// their sightings per kind of source (edge_sources_) to `edge_source`.
  Status flush_edges();
  /// For a newly stored edge (`observation`'s, between entities `subject` and `object`):
  /// records each end that is a name under a registrable domain in `family_edge_name`.
  Status note_edge_names(const Observation& observation, int64_t subject, int64_t object);
  /// For a new edge that puts an IP in a prefix, or a prefix under an AS or route
  /// object: widens network_seen of the networks now holding more seen IPs.
  Status widen_network_seen(int64_t src, Relation relation, int64_t dst);
  /// Adds one observation of edge `edge` from a source of `kind` to this batch's
  /// totals (edge_sources_); messages are counted by add_message, once each.
  void note_edge_source(int64_t edge, ProvenanceKind kind, UnixTime time, bool trusted);
  /// Writes this batch's sightings of entities in mail (seen_) to `entity_seen` and of
  /// families (families_named_) to `family_seen`, its IP-domain pairs (pair_seen_) to
  /// `ip_domain_seen` and its IP-family pairs (family_seen_) to `ip_family_seen`.
  Status flush_seen();
  /// Inside a fresh batch: forgets cached edge state and learns new entity keys when
  /// another connection committed since this one last wrote.
  Status catch_up_with_other_writers();

  /// An edge as this connection last wrote or read it, so that repeated sightings
  /// in one batch update it in memory and reach the database once, at commit.
  struct EdgeState {
    int64_t id = 0;
    UnixTime first_seen = 0;
    UnixTime last_seen = 0;
    int64_t count = 0;
    bool trusted = false;
    bool dirty = false;
  };

  sql::Database db_;
  bool in_batch_ = false;
  bool graph_changed_ = false;  ///< this batch inserted an edge that moves graph_clock (store/schema.cpp)
  EntityIdCache entity_cache_{kMaxCachedEntities};  ///< (kind, key) hashes -> id
  std::unordered_map<std::string, EdgeState> edge_cache_;  ///< "src\0relation\0dst" -> state
  KeyHashFilter key_filter_;  ///< loaded at the first write batch
  PublicSuffixCache suffixes_;  ///< libpsl's answers for the parents of new domains
  /// relation name -> id; the names are a Relation's static text
  std::unordered_map<std::string_view, int64_t> relation_cache_;
  std::vector<EdgeState*> dirty_edges_;  ///< updated in this batch (unordered_map nodes do not move)
  /// An edge's observations from one kind of source in this batch.
  struct EdgeSourceState {
    UnixTime first_seen = 0;
    UnixTime last_seen = 0;
    int64_t messages = 0;
    bool trusted = false;
  };
  /// (edge id, kind of source) -> this batch's observations: merged into `edge_source` at commit.
  std::map<std::pair<int64_t, ProvenanceKind>, EdgeSourceState> edge_sources_;
  /// When this batch's messages named an entity: merged into `entity_seen` at commit.
  struct SeenState {
    UnixTime first_seen = 0;
    UnixTime last_seen = 0;
    int64_t messages = 0;
    bool ip = false;  ///< seen_: an IP, also kept in ip_seen, whose sightings widen network_seen
  };
  std::unordered_map<int64_t, SeenState> seen_;  ///< entity id -> this batch's sightings
  /// Adds one message (at `time`) to the sightings of each id in `ids` (deduplicated here).
  static void note_sightings(std::vector<int64_t>& ids, UnixTime time, std::unordered_map<int64_t, SeenState>& into);
  /// registrable domain id -> this batch's sightings of it or any name under it: into `family_seen`
  std::unordered_map<int64_t, SeenState> families_named_;
  /// An IP and a domain (or family) one message named.
  struct PairKey {
    int64_t ip = 0, domain = 0;
    auto operator<=>(const PairKey&) const = default;
  };
  struct PairKeyHash {
    size_t operator()(const PairKey& key) const noexcept;
  };
  /// A pair's sightings in this batch; the relations are bit sets of relation ids.
  struct PairState {
    UnixTime first_seen = 0;
    UnixTime last_seen = 0;
    int64_t messages = 0;
    bool trusted = false;
    uint64_t ip_relations = 0;
    uint64_t domain_relations = 0;
    int64_t family = 0;  ///< pair_seen_: the domain's registrable domain
    int64_t names = 0;   ///< family_seen_: names new to the IP in this batch
  };
  std::unordered_map<PairKey, PairState, PairKeyHash> pair_seen_;  ///< merged into `ip_domain_seen` at commit
  /// Keyed by registrable domain (PairKey::domain is the family): into `ip_family_seen`.
  std::unordered_map<PairKey, PairState, PairKeyHash> family_seen_;
  /// domain id -> its registrable domain's id; ids never change, so it is only emptied
  /// when full or when a rollback may have removed the rows.
  std::unordered_map<int64_t, int64_t> family_cache_;
  static constexpr size_t kMaxCachedFamilies = 1 << 20;
  /// Scratch for one message: its links to IPs as origin, relay or originating IP
  /// (relation, entity, trusted), and its links to domains (relation, entity, family).
  std::vector<std::tuple<int64_t, int64_t, bool>> message_ip_links_;
  std::vector<std::tuple<int64_t, int64_t, int64_t>> message_domain_links_;
  /// Scratch: one message's (IP, domain) and (IP, family) pairs before they are merged.
  struct MessagePair {
    PairKey key;
    uint64_t ip_relations = 0, domain_relations = 0;
    bool trusted = false;
    int64_t family = 0;
    bool operator<(const MessagePair& other) const { return key < other.key; }
  };
  std::vector<MessagePair> message_pairs_, message_families_;
  std::vector<int64_t> message_entities_;  ///< scratch: the entities one message names
  std::vector<int64_t> message_ips_;       ///< scratch: those of them that are IPs
  std::vector<int64_t> message_edges_;     ///< scratch: the edges one message states
  std::vector<int64_t> message_families_named_;  ///< scratch: the families of the domains it names
  std::vector<sql::Statement> link_inserts_;  ///< [n]: INSERT of n message links
  int64_t data_version_ = -1;  ///< PRAGMA data_version when this connection last held the lock
  sql::Statement find_entity_;
  sql::Statement insert_entity_;
  sql::Statement find_edge_;
  sql::Statement insert_edge_;
  sql::Statement update_edge_;
  sql::Statement upsert_seen_;
  sql::Statement upsert_family_named_;
  sql::Statement upsert_pair_;
  sql::Statement upsert_family_;
  sql::Statement upsert_edge_source_;
  sql::Statement insert_family_edge_name_;
  sql::Statement upsert_ip_seen_;
  sql::Statement widen_networks_of_ip_;      ///< network_seen from an IP's sightings (?1 ip, ?2 first, ?3 last)
  sql::Statement widen_networks_by_prefix_;  ///< network_seen for a new in-prefix edge (?1 ip, ?2 prefix)
  sql::Statement widen_network_by_member_;   ///< network_seen for a new prefix -> AS or route edge (?1, ?2)
  sql::Statement insert_observation_;
  sql::Statement insert_attribute_;
  sql::Statement find_message_;
  sql::Statement insert_message_;
  sql::Statement find_relation_;
  sql::Statement insert_relation_;
  sql::Statement data_version_query_;
};

}  // namespace sg
