// In-memory longest-prefix-match table from IP prefixes to origin AS records.
// Nested prefixes are flattened at build() into sorted non-overlapping ranges,
// so a lookup is one small index step plus a binary search.
#pragma once
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/ip.h"
#include "enrich/asn/ip_key.h"

namespace sg::asn {

/// What a prefix maps to. Strings are interned ids; read them with PrefixTable::text().
struct AsnRecord {
  uint32_t asn = 0;      ///< origin AS number (0 = unknown / not routed)
  uint32_t name = 0;     ///< interned AS name (0 = "")
  uint32_t country = 0;  ///< interned ISO country code (0 = "")
  uint32_t dataset = 0;  ///< interned dataset label, e.g. "pyasn 2014-05-13" (0 = "")
  friend bool operator==(const AsnRecord&, const AsnRecord&) = default;
};

/// The most specific prefix holding an address, and its record.
struct AsnMatch {
  IpPrefix prefix;
  AsnRecord record;
};

/// add() prefixes, build() once, then lookup(). Adding after build() requires
/// another build(). When the same prefix is added twice, the first record wins.
/// At most 2^24 distinct records (asn, name, country, dataset) per table.
class PrefixTable {
 public:
  PrefixTable();

  /// Interns `text` and returns its id (0 for the empty string); ids stay valid.
  uint32_t intern(std::string_view text);
  /// The text of an interned id ("" for unknown ids).
  std::string_view text(uint32_t id) const;

  /// Queues `prefix` -> `record` for the next build().
  void add(const IpPrefix& prefix, const AsnRecord& record);
  /// Convenience: interns the strings and queues the prefix.
  void add(const IpPrefix& prefix, uint32_t asn, std::string_view name = {},
           std::string_view country = {}, std::string_view dataset = {});
  /// Flattens everything added so far into the lookup structures.
  void build();

  /// The longest prefix containing `address`, if any (only valid after build()).
  std::optional<AsnMatch> lookup(const IpAddress& address) const;
  /// Every distinct prefix whose record has `asn`, IPv4 first, in address order.
  std::vector<IpPrefix> prefixes_of(uint32_t asn) const;
  /// Number of distinct prefixes after build().
  size_t size() const { return v4_.entries.size() + v6_.entries.size(); }

 private:
  template <typename K>
  struct Entry {
    K start;
    K last;
    AsnRecord record;
    uint32_t order;  // insertion order: the first of equal prefixes wins
    uint8_t length;
  };
  template <typename K>
  struct Range {
    K start;        // first key of a maximal run with one owner
    int32_t owner;  // entry index, -1 = no prefix
  };
  // A flattened range maps to (record id << 8 | owning prefix length), or kNone. The
  // network is address & mask(length); records are deduplicated so slots stay 4 bytes.
  static constexpr uint32_t kNone = ~uint32_t{0};
  template <typename K>
  struct Family {
    std::vector<Entry<K>> entries;   // sorted by (start, length)
    std::vector<K> starts;           // flattened range starts, starts[0] == 0
    std::vector<uint32_t> slots;     // parallel to starts
    std::vector<uint32_t> index;     // 65537 bounds: first range whose top 16 bits >= i
    std::vector<std::pair<uint32_t, uint32_t>> by_asn;  // (asn, entry index), sorted
  };
  template <typename K>
  void build_family(Family<K>& family);
  template <typename K>
  static uint32_t find(const Family<K>& family, K key);

  Family<uint32_t> v4_;
  Family<IpKey> v6_;
  struct RecordHash {
    size_t operator()(const AsnRecord& r) const {
      return std::hash<uint64_t>()((uint64_t{r.asn} << 32 | r.name) ^ (uint64_t{r.country} << 40) ^
                                   (uint64_t{r.dataset} << 20));
    }
  };
  std::vector<AsnRecord> records_;  // distinct records, by id (at most 2^24)
  std::unordered_map<AsnRecord, uint32_t, RecordHash> record_ids_;  // only during build()
  std::deque<std::string> strings_;
  std::unordered_map<std::string_view, uint32_t> string_ids_;
};

}  // namespace sg::asn
