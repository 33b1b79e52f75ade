#include "store/entity_id_cache.h"

#include <algorithm>
#include <bit>

namespace sg {

namespace {
constexpr size_t kInitialSlots = 1024;
}

EntityIdCache::EntityIdCache(size_t capacity)
    : capacity_(capacity),
      max_slots_(std::bit_ceil(capacity * 2 + 1)),
      mask_(std::min(kInitialSlots, max_slots_) - 1),
      slots_(mask_ + 1) {}

void EntityIdCache::rehash(size_t slot_count) {
  std::vector<Slot> old = std::move(slots_);
  slots_.assign(slot_count, Slot{});
  mask_ = slot_count - 1;
  for (const Slot& slot : old) {
    if (slot.id == 0) continue;
    uint64_t index = slot.secondary & mask_;
    while (slots_[index].id != 0) index = (index + 1) & mask_;
    slots_[index] = slot;
  }
}

std::optional<int64_t> EntityIdCache::find(const EntityHashes& hashes) const {
  for (uint64_t index = hashes.secondary & mask_;; index = (index + 1) & mask_) {
    const Slot& slot = slots_[index];
    if (slot.id == 0) return std::nullopt;
    if (slot.primary == hashes.primary && slot.secondary == hashes.secondary) return slot.id;
  }
}

void EntityIdCache::insert(const EntityHashes& hashes, int64_t id) {
  if (size_ >= capacity_) clear();
  if ((size_ + 1) * 2 > slots_.size() && slots_.size() < max_slots_) rehash(slots_.size() * 2);
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
