// A flat, fixed-size map from an entity's identity to its row id.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

namespace sg {

/// The identity of an entity as two independent 64-bit hashes of (kind, key). The
/// cache trusts 128 bits: a false match needs two simultaneous 64-bit collisions.
struct EntityHashes {
  uint64_t primary = 0;    ///< the key_hash column (FNV-1a), also the Bloom filter's key
  uint64_t secondary = 0;  ///< an independent hash of the same bytes
};

/// Open addressing with linear probing: one cache line per lookup, no allocation,
/// where a node-based std::unordered_map<std::string, ...> cost a miss per node and a
/// key string per call (the largest user-space cost of the ingest writer).
/// The table starts small and doubles as it fills, so a process that looks up a few
/// entities (a query) does not pay for the writer's table. When it holds `capacity`
/// entries it is emptied: it only saves lookups.
class EntityIdCache {
 public:
  /// Room for `capacity` ids (the table is twice that, rounded up to a power of two).
  explicit EntityIdCache(size_t capacity);

  /// The cached id, or nullopt.
  std::optional<int64_t> find(const EntityHashes& hashes) const;
  /// Caches `id` (replacing an existing entry with the same hashes).
  void insert(const EntityHashes& hashes, int64_t id);
  /// Forgets every entry.
  void clear();
  size_t size() const { return size_; }

 private:
  struct Slot {
    uint64_t primary = 0;
    uint64_t secondary = 0;
    int64_t id = 0;  ///< 0 = empty (row ids start at 1)
  };
  /// Moves every entry into a table of `slot_count` slots (a power of two).
  void rehash(size_t slot_count);

  size_t capacity_;
  size_t size_ = 0;
  size_t max_slots_;  ///< the table's size at `capacity` entries
  uint64_t mask_;
  std::vector<Slot> slots_;
};

}  // namespace sg
