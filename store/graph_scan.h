// The whole graph read row by row, for computations over all of it (campaign
// clustering): messages, their links, entities and edges, streamed without
// materialising anything the caller does not keep.
#pragma once
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/result.h"
#include "core/time.h"
#include "core/vocabulary.h"
#include "store/store.h"

namespace sg {

/// Holds a read transaction for its lifetime, so that several scans see one
/// snapshot of the store while writers go on (WAL).
class ReadSnapshot {
 public:
  explicit ReadSnapshot(Store& store);
  ~ReadSnapshot();
  ReadSnapshot(const ReadSnapshot&) = delete;
  ReadSnapshot& operator=(const ReadSnapshot&) = delete;
  /// Whether the transaction began; else the error says why.
  const Status& status() const { return status_; }

 private:
  Store& store_;
  Status status_ = Ok{};
};

/// Relation ids of the `relation` table (message links) by name.
Result<std::unordered_map<std::string, int64_t>> relation_ids(Store& store);

/// Every message: (message id, time), by id.
Status scan_messages(Store& store, const std::function<void(int64_t message, UnixTime time)>& visit);
/// Every message link: (message id, relation id, entity id, trusted), by message id.
Status scan_message_links(Store& store,
                          const std::function<void(int64_t message, int64_t relation, int64_t entity, bool trusted)>& visit);
/// Every entity of the given kinds: (id, kind, key, parent id or 0). `key` is valid
/// during the call only.
Status scan_entities(Store& store, std::initializer_list<EntityKind> kinds,
                     const std::function<void(int64_t id, EntityKind kind, std::string_view key, int64_t parent)>& visit);
/// Every sighting of an edge of one relation that a message stated: (message id,
/// src, dst), e.g. which HELO name each message's hop gave.
Status scan_message_observations(Store& store, Relation relation,
                                 const std::function<void(int64_t message, int64_t src, int64_t dst)>& visit);
/// Every edge of one relation: (src, dst).
Status scan_edges(Store& store, Relation relation, const std::function<void(int64_t src, int64_t dst)>& visit);

}  // namespace sg
