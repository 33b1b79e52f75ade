// The `lookup` table: raw enrichment answers kept as evidence, written and read back.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/observation.h"
#include "core/result.h"
#include "store/store.h"

namespace sg {

/// One row of `lookup`: a question an enricher asked and the answer it got.
struct LookupRow {
  int64_t id = 0;                ///< lookup.id (0 before insert)
  std::string source;            ///< "dns"
  int64_t entity_id = 0;         ///< the entity the lookup was for
  std::string query;             ///< "example.com A", "137.54.244.103.in-addr.arpa PTR"
  UnixTime time = 0;             ///< when it was sent
  std::string status;            ///< NOERROR, NXDOMAIN, SERVFAIL, TIMEOUT, ...
  std::optional<int64_t> ttl;    ///< smallest record TTL, nullopt when there were no records
  std::string server;            ///< who was asked ("127.0.0.1:5353", "system")
  std::string answer;            ///< raw bytes, see pack_hops
};

/// Packs raw messages as stored in lookup.answer: per hop a 4-byte big-endian
/// length, then the bytes (an empty hop, e.g. a timeout, is a zero length).
std::string pack_hops(const std::vector<std::string>& hops);
/// Inverse of pack_hops; the error names the byte offset of a truncated hop.
Result<std::vector<std::string>> unpack_hops(std::string_view packed);

/// The newest time of each (entity id, query kind) in lookup rows of one source,
/// where the kind is the query's last word ("A", "PTR"). Only rows whose status is
/// in `answered` count, so failed tries (TIMEOUT) are asked again.
using LatestLookups = std::map<std::pair<int64_t, std::string>, UnixTime>;

/// An entity as enrichment plans see it.
struct EntityRow {
  int64_t id = 0;    ///< entity.id
  EntityRef entity;  ///< kind and normalised key
};

/// Reads and writes lookup rows through the store's connection. Holds prepared
/// statements, so create one per command, not per row. The store must outlive it.
class LookupLog {
 public:
  /// Prepares the statements; the error names the database file.
  static Result<LookupLog> open(Store& store);

  /// Inserts a row (inside a store batch) and returns its id.
  Result<int64_t> insert(const LookupRow& row);
  /// The row with this id, or an error naming the id.
  Result<LookupRow> get(int64_t id);
  /// The status of the newest row of this entity, source and query text, or
  /// nullopt when there is none (e.g. to tell that a name stopped resolving).
  Result<std::optional<std::string>> last_status(int64_t entity_id, std::string_view source, std::string_view query);
  /// Every row for an entity of one source, oldest first.
  Result<std::vector<LookupRow>> for_entity(int64_t entity_id, std::string_view source);
  /// See LatestLookups; `answered` lists the statuses that count. Only rows newer
  /// than `since` are read (older ones cannot make a lookup fresh).
  Result<LatestLookups> latest(std::string_view source, const std::vector<std::string>& answered,
                               UnixTime since = INT64_MIN);
  /// Stored entities of one kind (ip, domain) in id order.
  Result<std::vector<EntityRow>> entities(EntityKind kind);

 private:
  explicit LookupLog(Store& store) : store_(&store) {}
  Result<LookupRow> read_row(sql::Statement& statement);
  Store* store_;
  sql::Statement insert_;
  sql::Statement last_status_;
};

}  // namespace sg
