#include "enrich/asn/prefix_table.h"

#include <algorithm>
#include <limits>

namespace sg::asn {
namespace {

template <typename K>
uint32_t top16(K key) {
  return static_cast<uint32_t>(key >> (std::numeric_limits<K>::digits - 16)) & 0xffffu;
}

}  // namespace

PrefixTable::PrefixTable() {
  strings_.emplace_back();
  string_ids_.emplace(std::string_view(strings_.front()), 0);
}

uint32_t PrefixTable::intern(std::string_view text) {
  if (text.empty()) return 0;
  if (auto it = string_ids_.find(text); it != string_ids_.end()) return it->second;
  const auto id = static_cast<uint32_t>(strings_.size());
  strings_.emplace_back(text);
  string_ids_.emplace(std::string_view(strings_.back()), id);
  return id;
}

std::string_view PrefixTable::text(uint32_t id) const {
  return id < strings_.size() ? std::string_view(strings_[id]) : std::string_view();
}

void PrefixTable::add(const IpPrefix& prefix, const AsnRecord& record) {
  const bool v4 = prefix.network.is_v4();
  const int length = std::clamp(prefix.length, 0, v4 ? 32 : 128);
  const IpPrefix clean = prefix_from_key(ip_key(prefix.network), length, v4);
  const IpKey start = ip_key(clean.network);
  const IpKey last = prefix_last_key(clean);
  const auto len = static_cast<uint8_t>(length);
  if (v4) {
    const auto order = static_cast<uint32_t>(v4_.entries.size());
    v4_.entries.push_back({static_cast<uint32_t>(start), static_cast<uint32_t>(last), record, order, len});
  } else {
    const auto order = static_cast<uint32_t>(v6_.entries.size());
    v6_.entries.push_back({start, last, record, order, len});
  }
}

void PrefixTable::add(const IpPrefix& prefix, uint32_t asn, std::string_view name,
                      std::string_view country, std::string_view dataset) {
  add(prefix, AsnRecord{asn, intern(name), intern(country), intern(dataset)});
}

void PrefixTable::build() {
  records_.clear();
  record_ids_.clear();
  build_family(v4_);
  build_family(v6_);
  record_ids_ = {};
}

template <typename K>
void PrefixTable::build_family(Family<K>& f) {
  auto& entries = f.entries;
  std::sort(entries.begin(), entries.end(), [](const Entry<K>& a, const Entry<K>& b) {
    if (a.start != b.start) return a.start < b.start;
    return a.length != b.length ? a.length < b.length : a.order < b.order;
  });
  entries.erase(std::unique(entries.begin(), entries.end(),
                            [](const Entry<K>& a, const Entry<K>& b) {
                              return a.start == b.start && a.length == b.length;
                            }),
                entries.end());
  for (size_t i = 0; i < entries.size(); ++i) entries[i].order = static_cast<uint32_t>(i);

  std::vector<Range<K>> ranges;
  ranges.assign(1, Range<K>{0, -1});
  ranges.reserve(entries.size() * 2 + 1);
  auto emit = [&](K at, int32_t owner) {
    if (ranges.back().start == at) {
      ranges.back().owner = owner;
      if (ranges.size() >= 2 && ranges[ranges.size() - 2].owner == owner) ranges.pop_back();
    } else if (ranges.back().owner != owner) {
      ranges.push_back(Range<K>{at, owner});
    }
  };
  // Prefixes never partially overlap, so an open prefix either contains the next
  // one or ends before it; a stack of open prefixes gives the owner after each end.
  std::vector<int32_t> open;
  auto close_until = [&](K next_start, bool all) {
    while (!open.empty() && (all || entries[static_cast<size_t>(open.back())].last < next_start)) {
      const K last = entries[static_cast<size_t>(open.back())].last;
      open.pop_back();
      if (last != std::numeric_limits<K>::max()) emit(last + 1, open.empty() ? -1 : open.back());
    }
  };
  for (size_t i = 0; i < entries.size(); ++i) {
    close_until(entries[i].start, false);
    emit(entries[i].start, static_cast<int32_t>(i));
    open.push_back(static_cast<int32_t>(i));
  }
  close_until(0, true);
  // Lookups read a dense array of starts, then one 4-byte slot.
  f.starts.resize(ranges.size());
  f.slots.resize(ranges.size());
  for (size_t i = 0; i < ranges.size(); ++i) {
    f.starts[i] = ranges[i].start;
    f.slots[i] = kNone;
    if (ranges[i].owner < 0) continue;
    const auto& e = entries[static_cast<size_t>(ranges[i].owner)];
    auto [it, fresh] = record_ids_.try_emplace(e.record, static_cast<uint32_t>(records_.size()));
    if (fresh) records_.push_back(e.record);
    f.slots[i] = it->second << 8 | e.length;
  }
  f.index.assign(65537, 0);
  size_t r = 0;
  for (uint32_t hi = 0; hi <= 65536; ++hi) {
    while (r < f.starts.size() && top16(f.starts[r]) < hi) ++r;
    f.index[hi] = static_cast<uint32_t>(r);
  }

  f.by_asn.clear();
  f.by_asn.reserve(entries.size());
  for (size_t i = 0; i < entries.size(); ++i)
    f.by_asn.emplace_back(entries[i].record.asn, static_cast<uint32_t>(i));
  std::sort(f.by_asn.begin(), f.by_asn.end());
}

template <typename K>
uint32_t PrefixTable::find(const Family<K>& f, K key) {
  if (f.index.empty()) return kNone;
  const uint32_t hi = top16(key);
  // Ranges starting inside this /16 block are [index[hi], index[hi+1]); the range
  // before index[hi] starts below the block, so [lo, end) holds the answer: the last
  // start <= key. starts[0] == 0 makes the window non-empty. The halving step does not
  // branch on the comparison: in these short windows its outcome is a coin toss.
  const uint32_t lo = f.index[hi] == 0 ? 0 : f.index[hi] - 1;
  const K* p = f.starts.data() + lo;
  size_t n = f.index[hi + 1] - lo;
  while (n > 1) {
    const size_t half = n / 2;
    p = p[half] <= key ? p + half : p;
    n -= half;
  }
  return f.slots[static_cast<size_t>(p - f.starts.data())];
}

std::optional<AsnMatch> PrefixTable::lookup(const IpAddress& address) const {
  if (address.is_v4()) {
    const uint32_t key = address.v4_value();
    const uint32_t slot = find(v4_, key);
    if (slot == kNone) return std::nullopt;
    const int length = static_cast<int>(slot & 0xff);
    const uint32_t mask = length == 0 ? 0 : ~uint32_t{0} << (32 - length);
    return AsnMatch{IpPrefix{IpAddress::v4(key & mask), length}, records_[slot >> 8]};
  }
  const IpKey key = ip_key(address);
  const uint32_t slot = find(v6_, key);
  if (slot == kNone) return std::nullopt;
  return AsnMatch{prefix_from_key(key, static_cast<int>(slot & 0xff), false), records_[slot >> 8]};
}

std::vector<IpPrefix> PrefixTable::prefixes_of(uint32_t asn) const {
  std::vector<IpPrefix> out;
  auto collect = [&](const auto& f, bool v4) {
    auto range = std::equal_range(f.by_asn.begin(), f.by_asn.end(), std::make_pair(asn, 0u),
                                  [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto it = range.first; it != range.second; ++it) {
      const auto& e = f.entries[it->second];
      out.push_back(prefix_from_key(e.start, e.length, v4));
    }
  };
  collect(v4_, true);
  collect(v6_, false);
  return out;
}

}  // namespace sg::asn
