// A Bloom filter over entity key hashes: "surely not stored" without a query.
#pragma once
#include <cstdint>
#include <vector>

#include "core/result.h"
#include "store/sqlite.h"

namespace sg {

/// Most entities an ingest meets are new (unique URLs, VERP addresses); the filter
/// lets the store insert those without first looking them up. False positives
/// only cost the lookup; there are no false negatives once loaded.
class KeyHashFilter {
 public:
  /// True once load() has read the table; before that nothing may be skipped.
  bool loaded() const { return loaded_ && !stale_; }
  /// Sizes the filter for the table (16 bits per entity, at least 8 Mbit) and adds every stored key hash.
  Status load(sql::Database& db);
  /// Adds the key hashes of entities stored since load() or the last catch_up() (by
  /// id: entity ids only grow), e.g. by another process writing the same store.
  Status catch_up(sql::Database& db);
  void add(uint64_t hash);
  bool maybe_contains(uint64_t hash) const;

 private:
  bool loaded_ = false;
  bool stale_ = false;  ///< too full for a useful false-positive rate: reload at the next batch
  uint64_t mask_ = 0;   ///< bit count - 1 (a power of two)
  uint64_t count_ = 0;
  int64_t max_id_ = 0;  ///< highest entity id added from the table
  std::vector<uint64_t> bits_;
};

}  // namespace sg
