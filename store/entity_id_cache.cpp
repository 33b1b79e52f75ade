#include "store/entity_id_cache.h"

#include <bit>

namespace sg {

EntityIdCache::EntityIdCache(size_t capacity)
    : capacity_(capacity), mask_(std::bit_ceil(capacity * 2 + 1) - 1), slots_(mask_ + 1) {}

std::optional<int64_t> EntityIdCache::find(const EntityHashes& hashes) const {
  for (uint64_t index = hashes.secondary & mask_;; index = (index + 1) & mask_) {
    const Slot& slot = slots_[index];
    if (slot.id == 0) return std::nullopt;
    if (slot.primary == hashes.primary && slot.secondary == hashes.secondary) return slot.id;
  }
}

void EntityIdCache::insert(const EntityHashes& hashes, int64_t id) {
  if (size_ >= capacity_) clear();
  // Never more than half full, so probing always ends at an empty slot.
  for (uint64_t index = hashes.secondary & mask_;; index = (index + 1) & mask_) {
    Slot& slot = slots_[index];
    if (slot.id == 0) {
      slot = Slot{hashes.primary, hashes.secondary, id};
      ++size_;
      return;
    }
    if (slot.primary == hashes.primary && slot.secondary == hashes.secondary) {
      slot.id = id;
      return;
    }
  }
}

void EntityIdCache::clear() {
  if (size_ == 0) return;
  slots_.assign(slots_.size(), Slot{});
  size_ = 0;
}

}  // namespace sg
