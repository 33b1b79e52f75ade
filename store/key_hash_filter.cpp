#include "store/key_hash_filter.h"

#include <algorithm>

namespace sg {

namespace {

// Three probes from one 64-bit hash (Kirsch-Mitzenmacher double hashing).
template <typename Visit>
bool probe(uint64_t hash, uint64_t mask, Visit visit) {
  const uint64_t h1 = hash, h2 = (hash >> 33) | (hash << 31) | 1;
  for (uint64_t i = 0; i < 3; ++i)
    if (!visit((h1 + i * h2) & mask)) return false;
  return true;
}

}  // namespace

Status KeyHashFilter::load(sql::Database& db) {
  uint64_t rows = 0;
  {
    auto count = db.prepare("SELECT COUNT(*) FROM entity");
    if (count.step()) rows = static_cast<uint64_t>(count.int64(0));
    if (!count.error().empty()) return Error{count.error(), db.path()};
  }
  uint64_t bit_count = uint64_t{1} << 23;
  while (bit_count < rows * 16) bit_count <<= 1;
  mask_ = bit_count - 1;
  bits_.assign(bit_count / 64, 0);
  count_ = 0;
  max_id_ = 0;
  stale_ = false;
  if (auto status = catch_up(db); !status) return status;
  loaded_ = true;
  return Ok{};
}

Status KeyHashFilter::catch_up(sql::Database& db) {
  auto scan = db.prepare("SELECT id, key_hash FROM entity WHERE id > ?1");
  scan.bind(1, max_id_);
  while (scan.step()) {
    max_id_ = std::max(max_id_, scan.int64(0));
    add(static_cast<uint64_t>(scan.int64(1)));
  }
  if (!scan.error().empty()) return Error{scan.error(), db.path()};
  return Ok{};
}

void KeyHashFilter::add(uint64_t hash) {
  if (bits_.empty()) return;
  probe(hash, mask_, [&](uint64_t bit) {
    bits_[bit / 64] |= uint64_t{1} << (bit % 64);
    return true;
  });
  if (++count_ * 16 > mask_ + 1) stale_ = true;
}

bool KeyHashFilter::maybe_contains(uint64_t hash) const {
  return probe(hash, mask_, [&](uint64_t bit) { return (bits_[bit / 64] >> (bit % 64)) & 1; });
}

}  // namespace sg
